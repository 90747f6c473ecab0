import { ButtonLink, Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useLocations } from '@/features/locations/api/locations';
import { LocationCard } from '@/features/locations/components/location-card';
import { problemMessage } from '@/lib/api/problem-message';
import { useI18n } from '@/lib/i18n/i18n';
import { useNow } from '@/lib/use-now';

/**
 * The granted locations as cards, with loading, empty and error states. `preview` shows the
 * first few with a link to the full list (the dashboard); otherwise every page can be loaded.
 */
export function LocationsList({ preview }: { preview?: number }) {
  const { t, tn } = useI18n();
  const locations = useLocations(preview ? Math.max(preview, 1) : undefined);
  const now = useNow();

  if (locations.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (locations.isError) {
    return (
      <ErrorState
        message={`${t('locations.loadFailed')} ${problemMessage(t, locations.error)}`}
        onRetry={() => void locations.refetch()}
        retryLabel={t('common.retry')}
      />
    );
  }
  const items = locations.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return <EmptyState title={t('locations.empty')} />;
  }
  return (
    <div className="stack">
      {!preview && !locations.hasNextPage ? <p className="muted">{tn('locations.count', items.length)}</p> : null}
      <ul className="location-grid">
        {items.map((l) => (
          <li key={l.id}>
            <LocationCard location={l} now={now} />
          </li>
        ))}
      </ul>
      {preview ? (
        locations.hasNextPage ? (
          <ButtonLink to={paths.locations} variant="secondary">
            {t('dashboard.locationsAll')}
          </ButtonLink>
        ) : null
      ) : locations.hasNextPage ? (
        <Button
          variant="secondary"
          onClick={() => void locations.fetchNextPage()}
          loading={locations.isFetchingNextPage}
          loadingText={t('common.loading')}
        >
          {t('common.showMore')}
        </Button>
      ) : null}
    </div>
  );
}
