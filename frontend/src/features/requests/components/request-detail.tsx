import { useState } from 'react';

import { PageHeader } from '@/components/layouts/page';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useRequest, type PortalRequest } from '@/features/requests/api/requests';
import { useGrantedLocations } from '@/features/requests/api/submit-locations';
import { Attachments } from '@/features/requests/components/attachments';
import { CancelRequest } from '@/features/requests/components/cancel-request';
import { RequestProgress } from '@/features/requests/components/request-progress';
import { StatusBadge } from '@/features/requests/components/status-badge';
import { isApiError } from '@/lib/api/problem';
import { problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** One request: public status as a progress line, reasons, details, windows, files, cancel. */
export function RequestDetail({ id, notice }: { id: string; notice?: string | undefined }) {
  const { t } = useI18n();
  const request = useRequest(id);

  if (request.isPending) {
    return (
      <>
        <PageHeader title={t('request.pageTitle')} documentTitle={t('request.pageTitle')} />
        <LoadingState label={t('common.loading')} />
      </>
    );
  }
  if (request.isError) {
    const missing = isApiError(request.error) && request.error.status === 404;
    return (
      <>
        <PageHeader title={t('request.pageTitle')} documentTitle={t('request.pageTitle')} />
        {missing ? (
          <div className="stack">
            <Alert tone="error">{t('request.notFound')}</Alert>
            <div>
              <ButtonLink to={paths.requests}>{t('request.back')}</ButtonLink>
            </div>
          </div>
        ) : (
          <ErrorState message={problemMessage(t, request.error)} onRetry={() => void request.refetch()} retryLabel={t('common.retry')} />
        )}
      </>
    );
  }
  return <Loaded request={request.data} notice={notice} />;
}

function Loaded({ request, notice }: { request: PortalRequest; notice?: string | undefined }) {
  const { t } = useI18n();
  const format = useFormat();
  const locations = useGrantedLocations();
  const [justCancelled, setJustCancelled] = useState(false);
  const zone = locations.data?.find((l) => l.id === request.location_id)?.timezone;

  return (
    <>
      <p className="back-link">
        <ButtonLink to={paths.requests} variant="ghost">
          <span aria-hidden="true">←</span> {t('request.back')}
        </ButtonLink>
      </p>
      <PageHeader title={request.title} documentTitle={`${request.title} · ${t('request.pageTitle')}`} actions={<StatusBadge request={request} />} />
      <div className="stack request-detail">
        {notice ? <Alert tone="success">{notice}</Alert> : null}
        {justCancelled ? <Alert tone="success">{t('request.cancelled')}</Alert> : null}
        <Card title={t('request.progress')}>
          <RequestProgress request={request} />
          {request.status === 'rejected' && request.public_reason ? (
            <Alert tone="info" title={t('request.rejectedTitle')}>
              <p className="prewrap">{request.public_reason}</p>
            </Alert>
          ) : null}
          {request.status === 'cancelled' ? (
            <Alert tone="info" title={t('request.cancelledTitle')}>
              {request.cancel_reason ? <p className="prewrap">{t('request.cancelReason', { reason: request.cancel_reason })}</p> : null}
            </Alert>
          ) : null}
          {request.can_cancel ? (
            <div>
              <CancelRequest id={request.id} onCancelled={() => setJustCancelled(true)} />
            </div>
          ) : null}
        </Card>
        <div className="request-detail__grid">
          <Card title={t('request.description')}>
            <p className="prewrap">{request.description}</p>
            {request.site_access_notes ? (
              <div>
                <h3 className="subheading">{t('request.siteAccess')}</h3>
                <p className="prewrap">{request.site_access_notes}</p>
              </div>
            ) : null}
          </Card>
          <Card title={t('request.details')}>
            <dl className="details">
              <div>
                <dt>{t('request.kind')}</dt>
                <dd>{t(`requests.kind.${request.kind}`)}</dd>
              </div>
              <div>
                <dt>{t('request.location')}</dt>
                <dd>{request.location_name}</dd>
              </div>
              {request.submitted_by_name ? (
                <div>
                  <dt>{t('request.submittedBy')}</dt>
                  <dd>{request.submitted_by_name}</dd>
                </div>
              ) : null}
              <div>
                <dt>{t('request.submittedAt')}</dt>
                <dd>{format.dateTime(request.created_at)}</dd>
              </div>
              <div>
                <dt>{t('request.updatedAt')}</dt>
                <dd>{format.dateTime(request.updated_at)}</dd>
              </div>
              {request.contact_phone ? (
                <div>
                  <dt>{t('request.contactPhone')}</dt>
                  <dd>
                    <a href={`tel:${request.contact_phone.replace(/[^+\d]/g, '')}`}>{request.contact_phone}</a>
                  </dd>
                </div>
              ) : null}
            </dl>
          </Card>
          <Card title={t('request.windows')}>
            {request.preferred_windows.length === 0 ? (
              <p className="muted">{t('request.windowsNone')}</p>
            ) : (
              <>
                <ul className="window-list">
                  {request.preferred_windows.map((w) => (
                    <li key={`${w.starts_at}-${w.ends_at}`}>
                      {t('request.windowRange', { start: format.dateTime(w.starts_at, zone), end: format.dateTime(w.ends_at, zone) })}
                    </li>
                  ))}
                </ul>
                {zone ? <p className="muted small">{t('request.timesIn', { zone: `${zone}, ${format.zoneName(zone)}` })}</p> : null}
              </>
            )}
          </Card>
          <Card title={t('request.attachments')}>
            <Attachments requestId={request.id} canAdd={request.can_add_attachments} />
          </Card>
        </div>
      </div>
    </>
  );
}
