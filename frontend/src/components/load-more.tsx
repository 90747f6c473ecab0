import { Button } from '@/components/ui/button';
import { useI18n } from '@/lib/i18n/i18n';

/** "Show more" under a paged list while the server has a next page. */
export function LoadMore({ hasMore, loading, onMore }: { hasMore: boolean; loading: boolean; onMore: () => void }) {
  const { t } = useI18n();
  if (!hasMore) {
    return null;
  }
  return (
    <div>
      <Button variant="secondary" onClick={onMore} loading={loading} loadingText={t('common.loading')}>
        {t('common.showMore')}
      </Button>
    </div>
  );
}
