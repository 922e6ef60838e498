/** Who the widget's bootstrap says answers now: the assistant's switch and hours, the team's presence. */
import { describe, expect, it } from 'vitest';
import { defaultAssistantConfig } from '../../activities/ai';
import { teamAvailability } from '../../server/services/team-availability';

// Monday 6 January 2025, 20:00 in Paris (19:00 UTC): outside weekday hours of 09:00–18:00 there.
const MONDAY_EVENING = new Date('2025-01-06T19:00:00Z');
const MONDAY_NOON = new Date('2025-01-06T11:00:00Z');
const weekdays = { timeZone: 'Europe/Paris', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };

describe('teamAvailability', () => {
  it('has no assistant answering on a website without one, or with it switched off', () => {
    expect(teamAvailability(undefined, true, MONDAY_NOON)).toEqual({ teamOnline: true, assistantAnswers: false });
    expect(teamAvailability(defaultAssistantConfig({ enabled: false }), false, MONDAY_NOON)).toEqual({ teamOnline: false, assistantAnswers: false });
    expect(teamAvailability(defaultAssistantConfig(), false, MONDAY_NOON)).toEqual({ teamOnline: false, assistantAnswers: true });
  });

  it('has an assistant kept to the hours outside business hours answer only outside them', () => {
    const nightShift = defaultAssistantConfig({ businessHours: weekdays, onlyOutsideBusinessHours: true });
    expect(teamAvailability(nightShift, true, MONDAY_NOON).assistantAnswers).toBe(false);
    expect(teamAvailability(nightShift, true, MONDAY_EVENING).assistantAnswers).toBe(true);
  });

  it('names the next opening only while nobody is online outside business hours', () => {
    const config = defaultAssistantConfig({ businessHours: weekdays });
    expect(teamAvailability(config, false, MONDAY_EVENING).nextOpening).toBe('on Tuesday 7 January at 09:00 (Europe/Paris time)');
    expect(teamAvailability(config, true, MONDAY_EVENING)).not.toHaveProperty('nextOpening');
    expect(teamAvailability(config, false, MONDAY_NOON)).not.toHaveProperty('nextOpening');
  });
});
