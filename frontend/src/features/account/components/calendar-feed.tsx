import { useId, useRef, useState } from 'react';

import { FormError } from '@/components/forms/form-error';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { useCreateCalendarFeed, useRevokeCalendarFeed } from '@/features/account/api/calendar-feed';
import { type Me } from '@/lib/auth/me';
import { useI18n } from '@/lib/i18n/i18n';

/**
 * The calendar feed: a private `.ics` URL of the upcoming visits for a calendar app. The server
 * shows a new URL only once, so it is displayed here with a copy button until the page is left.
 */
export function CalendarFeed({ me }: { me: Me }) {
  const { t } = useI18n();
  const create = useCreateCalendarFeed();
  const revoke = useRevokeCalendarFeed();
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();

  async function copy() {
    try {
      await navigator.clipboard.writeText(url ?? '');
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('failed');
    }
  }

  return (
    <Card title={t('calendar.title')} id="calendar-feed" description={t('calendar.intro')}>
      <div className="stack">
        <FormError error={create.error ?? revoke.error} />
        {revoke.isSuccess && !url ? <Alert tone="success">{t('calendar.revoked')}</Alert> : null}
        {!url && !revoke.isSuccess ? <p className="muted">{me.calendar_feed_enabled ? t('calendar.statusOn') : t('calendar.statusOff')}</p> : null}
        {url ? (
          <div className="stack">
            <Alert tone="info">{t('calendar.shownOnce')}</Alert>
            <label htmlFor={inputId} className="field__label">
              {t('calendar.urlLabel')}
            </label>
            <div className="copy-field">
              <input ref={input} id={inputId} className="input copy-field__input" readOnly value={url} onFocus={(e) => e.target.select()} />
              <Button variant="secondary" onClick={() => void copy()}>
                {t('calendar.copy')}
              </Button>
            </div>
            <p role="status" className="small muted">
              {copied === 'yes' ? t('calendar.copied') : copied === 'failed' ? t('calendar.copyFailed') : ''}
            </p>
          </div>
        ) : null}
        <div className="form__actions">
          <Button
            onClick={() =>
              create.mutate(undefined, {
                onSuccess: (feed) => {
                  revoke.reset();
                  setCopied(null);
                  setUrl(feed.url);
                },
              })
            }
            loading={create.isPending}
            loadingText={t('calendar.creating')}
          >
            {me.calendar_feed_enabled ? t('calendar.replace') : t('calendar.create')}
          </Button>
          {me.calendar_feed_enabled ? (
            <Button
              variant="ghost"
              onClick={() =>
                revoke.mutate(undefined, {
                  onSuccess: () => {
                    create.reset();
                    setUrl(null);
                    setCopied(null);
                  },
                })
              }
              loading={revoke.isPending}
              loadingText={t('calendar.revoking')}
            >
              {t('calendar.revoke')}
            </Button>
          ) : null}
        </div>
      </div>
    </Card>
  );
}
