import { describe, expect, it } from 'vitest';

import { instantToZonedTime, zonedTimeToInstant } from '@/lib/i18n/time-zone';

describe('wall times in a location time zone', () => {
  it('convert to the instant the location clocks show them', () => {
    expect(zonedTimeToInstant('2030-01-15T09:00', 'Europe/Paris')?.toISOString()).toBe('2030-01-15T08:00:00.000Z');
    expect(zonedTimeToInstant('2030-07-15T09:00', 'Europe/Berlin')?.toISOString()).toBe('2030-07-15T07:00:00.000Z');
    expect(zonedTimeToInstant('2030-07-15T09:00', 'America/New_York')?.toISOString()).toBe('2030-07-15T13:00:00.000Z');
  });

  it('handle the days the clocks change', () => {
    // Paris leaves winter time on 2030-03-31 at 02:00 (to 03:00).
    expect(zonedTimeToInstant('2030-03-31T01:30', 'Europe/Paris')?.toISOString()).toBe('2030-03-31T00:30:00.000Z');
    expect(zonedTimeToInstant('2030-03-31T03:30', 'Europe/Paris')?.toISOString()).toBe('2030-03-31T01:30:00.000Z');
  });

  it('round-trip through the datetime-local format', () => {
    const instant = zonedTimeToInstant('2030-11-02T16:45', 'Europe/Berlin')!;
    expect(instantToZonedTime(instant, 'Europe/Berlin')).toBe('2030-11-02T16:45');
  });

  it('refuse unreadable values', () => {
    expect(zonedTimeToInstant('tomorrow', 'Europe/Paris')).toBeUndefined();
  });
});
