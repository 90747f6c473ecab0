/**
 * Wall-clock times in a named IANA time zone, without a date library. A customer picks
 * "Tuesday 09:00" for a location in Berlin; the API wants an instant. These helpers convert
 * between the two with `Intl` (the browser's time-zone database), including across DST changes.
 */

/** How far `zone` is ahead of UTC at `instant`, in milliseconds. */
export function zoneOffsetMs(instant: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant at which the clocks of `zone` show `wallTime` (`YYYY-MM-DDTHH:mm`, the value of an
 * `<input type="datetime-local">`), or `undefined` for an unreadable value. In the hour skipped
 * by a DST change the result falls just after the gap, as clocks do.
 */
export function zonedTimeToInstant(wallTime: string, zone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wallTime);
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  let guess = asUtc - zoneOffsetMs(new Date(asUtc), zone);
  const corrected = asUtc - zoneOffsetMs(new Date(guess), zone);
  if (corrected !== guess) {
    guess = corrected;
  }
  return new Date(guess);
}

/** `instant` as the `YYYY-MM-DDTHH:mm` wall time of `zone` (for `datetime-local` inputs). */
export function instantToZonedTime(instant: Date, zone: string): string {
  const shifted = new Date(instant.getTime() + zoneOffsetMs(instant, zone));
  return shifted.toISOString().slice(0, 16);
}
