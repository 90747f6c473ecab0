import { Link } from 'react-router';

import { LoadMore } from '@/components/load-more';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useTimeline, type TimelineEvent, type TimelineFilter } from '@/features/timeline/api/timeline';
import { problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** A string field of the customer-safe payload, when there is one. */
function text(payload: TimelineEvent['payload'], key: string): string | undefined {
  const value = (payload as Record<string, unknown>)[key];
  return typeof value === 'string' && value.trim() ? value : undefined;
}

/** Where a milestone's subject can be opened in the portal, if anywhere. */
function subjectLink(e: TimelineEvent): string | undefined {
  switch (e.subject_kind) {
    case 'request':
      return paths.request(e.subject_id);
    case 'report':
      return paths.report(e.subject_id);
    case 'appointment':
      return paths.appointments;
    default:
      return undefined;
  }
}

/** Milestones, newest first; times read on the location's wall clock. */
export function TimelineList({ filter, limit }: { filter: Omit<TimelineFilter, 'limit'>; limit?: number }) {
  const { t } = useI18n();
  const format = useFormat();
  const timeline = useTimeline({ ...filter, ...(limit ? { limit } : {}) });

  if (timeline.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (timeline.isError) {
    return <ErrorState message={`${t('timeline.loadFailed')} ${problemMessage(t, timeline.error)}`} onRetry={() => void timeline.refetch()} retryLabel={t('common.retry')} />;
  }
  const items = timeline.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return <EmptyState title={t('timeline.empty')} />;
  }
  return (
    <div className="stack">
      <ol className="timeline">
        {items.map((e) => {
          const title = text(e.payload, 'title');
          const note = text(e.payload, 'public_note') ?? text(e.payload, 'public_reason');
          const startsAt = text(e.payload, 'starts_at');
          const link = subjectLink(e);
          return (
            <li key={e.id} className="timeline__item">
              <p className="timeline__label">{e.label}</p>
              {title ? <p className="timeline__title">{link ? <Link to={link}>{title}</Link> : title}</p> : null}
              {startsAt ? <p className="timeline__note">{t('timeline.visitAt', { date: format.dateTime(startsAt, e.timezone) })}</p> : null}
              {note ? <p className="timeline__note prewrap">{note}</p> : null}
              <p className="timeline__meta">
                <time dateTime={e.occurred_at}>{format.dateTime(e.occurred_at, e.timezone)}</time>
                <span aria-hidden="true"> · </span>
                <span>{e.location_name}</span>
              </p>
            </li>
          );
        })}
      </ol>
      {limit ? null : <LoadMore hasMore={timeline.hasNextPage} loading={timeline.isFetchingNextPage} onMore={() => void timeline.fetchNextPage()} />}
    </div>
  );
}
