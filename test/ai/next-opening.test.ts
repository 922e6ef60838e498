import { describe, expect, it } from 'vitest';
import { nextOpening } from '../../activities/ai/next-opening';

const weekdays = { timeZone: 'America/New_York', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

describe('nextOpening', () => {
  it('names today, tomorrow or the weekday of the next start, on the clocks of the hours’ time zone', () => {
    // Monday 06:00 in New York (11:00 UTC): later today.
    expect(nextOpening(weekdays, new Date('2025-01-06T11:00:00Z'))).toBe('today at 09:00 (America/New_York time)');
    // Monday 20:00 in New York, already Tuesday in UTC: tomorrow, as New York counts days.
    expect(nextOpening(weekdays, new Date('2025-01-07T01:00:00Z'))).toBe('tomorrow at 09:00 (America/New_York time)');
    // Friday evening: Monday.
    expect(nextOpening(weekdays, new Date('2025-01-10T23:00:00Z'))).toBe('on Monday at 09:00 (America/New_York time)');
  });

  it('finds the next start of a span past midnight, and a lone working day a week on', () => {
    const fridayNights = { timeZone: 'UTC', days: [5], start: '18:00', end: '09:00' };
    // Saturday 10:00, after Friday night's span ended.
    expect(nextOpening(fridayNights, new Date('2025-01-11T10:00:00Z'))).toBe('on Friday at 18:00 (UTC time)');
    // Friday 17:59, after last week's span.
    expect(nextOpening(fridayNights, new Date('2025-01-10T17:59:00Z'))).toBe('today at 18:00 (UTC time)');
    const mondays = { timeZone: 'UTC', days: [1], start: '09:00', end: '10:00' };
    expect(nextOpening(mondays, new Date('2025-01-06T10:30:00Z'))).toBe('on Monday at 09:00 (UTC time)');
  });
});
