import { useId, useRef, useState } from 'react';

import { Alert } from '@/components/ui/alert';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { useAttachments, useUploadAttachment } from '@/features/requests/api/requests';
import { problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

export const ACCEPTED_FILES = 'image/jpeg,image/png,image/gif,image/webp,image/heic,image/heif,image/avif,application/pdf';

/** The files of a request and, while allowed, a way to add one. */
export function Attachments({ requestId, canAdd }: { requestId: string; canAdd: boolean }) {
  const { t } = useI18n();
  const format = useFormat();
  const files = useAttachments(requestId);
  const upload = useUploadAttachment(requestId);
  const [done, setDone] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();

  return (
    <div className="stack">
      {files.isPending ? (
        <LoadingState label={t('common.loading')} />
      ) : files.isError ? (
        <ErrorState
          message={`${t('request.attachmentsLoadFailed')} ${problemMessage(t, files.error)}`}
          onRetry={() => void files.refetch()}
          retryLabel={t('common.retry')}
        />
      ) : files.data.items.length === 0 ? (
        <EmptyState title={t('request.attachmentsEmpty')} />
      ) : (
        <ul className="file-list">
          {files.data.items.map((f) => (
            <li key={f.id} className="file">
              <FileIcon pdf={f.content_type === 'application/pdf'} />
              <div className="file__body">
                <p className="file__name">{f.filename}</p>
                <p className="file__meta">
                  {format.fileSize(f.size)} · {format.dateTime(f.created_at)}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
      {canAdd ? (
        <div className="upload">
          {upload.isPending ? <p role="status">{t('request.uploading', { name: upload.variables.name })}</p> : null}
          {done && !upload.isPending && !upload.isError ? <Alert tone="success">{t('request.uploaded', { name: done })}</Alert> : null}
          {upload.isError ? (
            <Alert tone="error">{t('request.uploadFailed', { name: upload.variables.name, reason: problemMessage(t, upload.error) })}</Alert>
          ) : null}
          <label htmlFor={inputId} className="field__label">
            {t('request.addFile')}
          </label>
          <input
            ref={input}
            id={inputId}
            type="file"
            accept={ACCEPTED_FILES}
            className="file-input"
            aria-describedby={`${inputId}-hint`}
            disabled={upload.isPending}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) {
                setDone(null);
                upload.mutate(file, { onSuccess: () => setDone(file.name) });
              }
              if (input.current) {
                input.current.value = '';
              }
            }}
          />
          <p className="field__hint" id={`${inputId}-hint`}>
            {t('request.fileHint')}
          </p>
        </div>
      ) : null}
    </div>
  );
}

function FileIcon({ pdf }: { pdf: boolean }) {
  return (
    <span className="file__icon" aria-hidden="true">
      <svg viewBox="0 0 24 24" width="22" height="22" focusable="false">
        {pdf ? (
          <path d="M6 2.8h8l4.2 4.2v14.2H6ZM14 2.8V7h4.2M8.5 13h7M8.5 16.5h7" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
        ) : (
          <>
            <rect x="3" y="4.5" width="18" height="15" rx="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
            <circle cx="9" cy="10" r="1.8" fill="currentColor" />
            <path d="m4 18 5.5-5 4 3.5 3-2.5L20 17" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
          </>
        )}
      </svg>
    </span>
  );
}
