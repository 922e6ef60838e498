/** When the team's business hours start next, said as the visitor reads it, then or later. Pure. */
import type { BusinessHours } from '../../domain/assistant';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The date (as a UTC midnight), weekday (0 = Sunday) and minute of the day on the clocks of `timeZone`. */
function wallClock(timeZone: string, at: Date): { date: number; day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'long', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(at);
  const value = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? '';
  return {
    date: Date.UTC(Number(value('year')), Number(value('month')) - 1, Number(value('day'))),
    day: DAY_NAMES.indexOf(value('weekday')),
    minute: Number(value('hour')) * 60 + Number(value('minute')),
  };
}

/**
 * "on Tuesday 7 January at 09:00 (Europe/Paris time)": the next start of a working day's span after
 * `at`, on the calendar and clocks of the hours' time zone. A date, not "today" or "tomorrow": the
 * message stays in the timeline, and its reader may be in another time zone or read it a day later.
 * For a moment outside the hours (inside them, the next start may be days away while the team is
 * there now). Undefined for hours that never open (no day, or a span of no time: saved before the
 * settings' rules refused them).
 */
export function nextOpening(hours: BusinessHours, at: Date): string | undefined {
  if (hours.start === hours.end) return undefined;
  const { date, day, minute } = wallClock(hours.timeZone, at);
  const [startHour = 0, startMinute = 0] = hours.start.split(':').map(Number);
  const startsLaterToday = minute < startHour * 60 + startMinute;
  const ahead = [0, 1, 2, 3, 4, 5, 6, 7].find((k) => hours.days.includes((day + k) % 7) && (k > 0 || startsLaterToday));
  if (ahead === undefined) return undefined;
  const opening = new Date(date + ahead * 86_400_000).toLocaleDateString('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' });
  return `on ${opening.replace(',', '')} at ${hours.start} (${hours.timeZone} time)`;
}
