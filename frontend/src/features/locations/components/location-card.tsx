import type { Location } from '@/features/locations/api/locations';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** One site: name, customer, address, and its local time in its own time zone. */
export function LocationCard({ location, now, headingLevel = 3 }: { location: Location; now: Date; headingLevel?: 2 | 3 }) {
  const { t } = useI18n();
  const format = useFormat();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const country = location.country ? format.region(location.country) : '';
  return (
    <article className="location">
      <div className="location__head">
        <Heading className="location__name">{location.name}</Heading>
        <p className="location__customer">
          <span className="visually-hidden">{t('locations.customer')}: </span>
          {location.customer_name}
        </p>
      </div>
      <address className="location__address">
        {location.address.split('\n').map((line, i) => (
          <span key={i}>{line}</span>
        ))}
        <span>
          {location.postal_code} {location.city}
          {country ? `, ${country}` : ''}
        </span>
      </address>
      <p className="location__time">
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
          <circle cx="8" cy="8" r="6.3" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M8 4.5V8l2.3 1.6" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
        <span>
          {t('locations.localTime', { time: format.time(now, location.timezone) })}{' '}
          <span className="muted">({format.zoneName(location.timezone, now)})</span>
        </span>
      </p>
    </article>
  );
}

