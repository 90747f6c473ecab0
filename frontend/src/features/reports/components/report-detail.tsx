import { Link } from 'react-router';

import { PageHeader } from '@/components/layouts/page';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useReport } from '@/features/reports/api/reports';
import { ReportFiles } from '@/features/reports/components/report-files';
import { problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** One shared visit report: what was done, the message for the customer and the released files. */
export function ReportDetail({ id }: { id: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const report = useReport(id);

  const back = (
    <p className="back-link">
      <Link to={paths.reports} className="btn btn--ghost">
        {t('report.back')}
      </Link>
    </p>
  );

  if (report.isPending) {
    return (
      <>
        {back}
        <LoadingState label={t('common.loading')} />
      </>
    );
  }
  if (report.isError) {
    return (
      <>
        {back}
        <PageHeader title={t('report.pageTitle')} documentTitle={t('report.pageTitle')} />
        <ErrorState message={problemMessage(t, report.error)} onRetry={() => void report.refetch()} retryLabel={t('common.retry')} />
      </>
    );
  }
  const r = report.data;
  return (
    <>
      {back}
      <PageHeader title={r.title} documentTitle={r.title} description={<Badge tone="success">{r.status_label}</Badge>} />
      <div className="request-detail__grid">
        <Card title={t('report.summaryTitle')} id="report-summary">
          <div className="stack">
            {r.summary ? <p className="prewrap">{r.summary}</p> : null}
            {r.message ? (
              <>
                <h3 className="subheading">{t('report.message')}</h3>
                <p className="prewrap">{r.message}</p>
              </>
            ) : null}
            {!r.summary && !r.message ? <p className="muted">{t('report.noText')}</p> : null}
          </div>
        </Card>
        <Card title={t('report.details')} id="report-details">
          <dl className="details">
            <div>
              <dt>{t('report.location')}</dt>
              <dd>{r.location_name}</dd>
            </div>
            <div>
              <dt>{t('report.visitDate')}</dt>
              <dd>{r.visit_date ? format.longDate(r.visit_date) : t('report.noVisitDate')}</dd>
            </div>
            <div>
              <dt>{t('report.sharedAt')}</dt>
              <dd>{format.dateTime(r.shared_at)}</dd>
            </div>
          </dl>
        </Card>
        <Card title={t('report.filesTitle')} id="report-files" className="dashboard__wide">
          <ReportFiles reportId={r.id} />
        </Card>
      </div>
    </>
  );
}
