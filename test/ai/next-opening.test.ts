import { describe, expect, it } from 'vitest';
import { nextOpening } from '../../activities/ai/next-opening';

const weekdays = { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

describe('nextOpening', () => {
  it('names the date of the next start, on the calendar and clocks of the hours’ time zone', () => {
    // Monday 6 January, 06:00 in New York (11:00 UTC): later that day.
    expect(nextOpening(weekdays, new Date('2025-01-06T11:00:00Z'))).toBe('on Monday 6 January at 09:00 (America/New_York time)');
    // Monday 20:00 in New York, already Tuesday in UTC: Tuesday 7, as New York counts days.
    expect(nextOpening(weekdays, new Date('2025-01-07T01:00:00Z'))).toBe('on Tuesday 7 January at 09:00 (America/New_York time)');
    // Friday evening: Monday, across a month's end too.
    expect(nextOpening(weekdays, new Date('2025-01-31T23:00:00Z'))).toBe('on Monday 3 February at 09:00 (America/New_York time)');
    // Past midnight in Paris (Tuesday 00:30) though still Monday in UTC: Tuesday 7 in Paris.
    expect(nextOpening({ ...weekdays, timeZone: 'Europe/Paris' }, new Date('2025-01-06T23:30:00Z'))).toBe('on Tuesday 7 January at 09:00 (Europe/Paris time)');
  });

  it('finds the next start of a span past midnight, and a lone working day a week on', () => {
    const fridayNights = { timeZone: 'UTC', days: [5], start: '18:00', end: '09:00' };
    // Saturday 11 January 10:00, after Friday night's span ended.
    expect(nextOpening(fridayNights, new Date('2025-01-11T10:00:00Z'))).toBe('on Friday 17 January at 18:00 (UTC time)');
    // Friday 17:59, after last week's span.
    expect(nextOpening(fridayNights, new Date('2025-01-10T17:59:00Z'))).toBe('on Friday 10 January at 18:00 (UTC time)');
    const mondays = { timeZone: 'UTC', days: [1], start: '09:00', end: '10:00' };
    // A Monday after its hours: the next Monday, by its date.
    expect(nextOpening(mondays, new Date('2025-01-06T10:30:00Z'))).toBe('on Monday 13 January at 09:00 (UTC time)');
  });

  it('names nothing for hours that never open, saved before the settings refused them', () => {
    expect(nextOpening({ ...weekdays, days: [] }, new Date('2025-01-08T12:00:00Z'))).toBeUndefined();
    expect(nextOpening({ ...weekdays, end: '09:00' }, new Date('2025-01-08T12:00:00Z'))).toBeUndefined();
  });
});
