import { useI18n } from '@/lib/i18n/i18n';

/** The first focusable element of every page: jumps past the header to `#main`. */
export function SkipLink() {
  const { t } = useI18n();
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(e) => {
        const main = document.getElementById('main');
        if (main) {
          e.preventDefault();
          main.focus();
          main.scrollIntoView();
        }
      }}
    >
      {t('shell.skipToContent')}
    </a>
  );
}
