import { Link } from 'react-router';

import { paths } from '@/config/paths';
import { useI18n } from '@/lib/i18n/i18n';

export function BrandMark() {
  return (
    <svg className="brand__mark" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="currentColor" />
      <path d="M16 6.5a9.5 9.5 0 1 0 0 19 9.5 9.5 0 0 0 0-19Zm0 4.4a5.1 5.1 0 1 1 0 10.2 5.1 5.1 0 0 1 0-10.2Z" fill="#fff" />
      <circle cx="16" cy="16" r="2.1" fill="#8fd3b4" />
    </svg>
  );
}

/** The product name with its mark, linking home. */
export function Brand() {
  const { t } = useI18n();
  return (
    <Link to={paths.home} className="brand">
      <BrandMark />
      <span className="brand__name">{t('app.name')}</span>
    </Link>
  );
}
