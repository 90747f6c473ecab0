import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { useDownloadFile, useReportFiles } from '@/features/reports/api/reports';
import { problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** The files released with a report, each downloadable when the user's access allows it. */
export function ReportFiles({ reportId }: { reportId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const files = useReportFiles(reportId);
  const download = useDownloadFile();

  if (files.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (files.isError) {
    return <ErrorState message={`${t('report.filesLoadFailed')} ${problemMessage(t, files.error)}`} onRetry={() => void files.refetch()} retryLabel={t('common.retry')} />;
  }
  if (files.data.items.length === 0) {
    return <EmptyState title={t('report.filesEmpty')} />;
  }
  const blocked = files.data.items.some((f) => !f.downloadable);
  return (
    <div className="stack">
      {download.isError ? (
        <Alert tone="error">{t('report.downloadFailed', { name: download.variables.filename, reason: problemMessage(t, download.error) })}</Alert>
      ) : null}
      <ul className="file-list">
        {files.data.items.map((f) => (
          <li key={f.id} className="file report-file">
            <div className="file__body">
              <p className="file__name">{f.filename}</p>
              <p className="file__meta">
                {format.fileSize(f.size)} · {format.dateTime(f.created_at)}
              </p>
            </div>
            {f.downloadable ? (
              <Button
                variant="secondary"
                onClick={() => download.mutate(f)}
                loading={download.isPending && download.variables.id === f.id}
                loadingText={t('report.downloading')}
                aria-label={t('report.downloadNamed', { name: f.filename })}
              >
                {t('report.download')}
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {blocked ? <p className="muted small">{t('report.noDownloadAccess')}</p> : null}
    </div>
  );
}
