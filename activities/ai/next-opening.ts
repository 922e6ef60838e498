/** When the team's business hours start next, said as the visitor reads it. Pure. */
import type { BusinessHours } from '../../domain/assistant';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The weekday (0 = Sunday) and minute of the day on the clocks of `timeZone`. */
function wallClock(timeZone: string, at: Date): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(at);
  const value = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? '';
  return { day: DAY_NAMES.indexOf(value('weekday')), minute: Number(value('hour')) * 60 + Number(value('minute')) };
}

/**
 * "today at 09:00 (Europe/Paris time)", "tomorrow at …", "on Monday at …": the next start of a
 * working day's span after `at`, on the clocks of the hours' time zone. For a moment outside the
 * hours (inside them, the next start may be a day or more away while the team is there now).
 */
export function nextOpening(hours: BusinessHours, at: Date): string {
  const { day, minute } = wallClock(hours.timeZone, at);
  const [startHour = 0, startMinute = 0] = hours.start.split(':').map(Number);
  const startsLaterToday = minute < startHour * 60 + startMinute;
  // `days` is never empty (the schema's rule), so a week ahead always finds one.
  const ahead = [0, 1, 2, 3, 4, 5, 6, 7].find((k) => hours.days.includes((day + k) % 7) && (k > 0 || startsLaterToday)) ?? 7;
  const when = ahead === 0 ? 'today' : ahead === 1 ? 'tomorrow' : `on ${DAY_NAMES[(day + ahead) % 7]}`;
  return `${when} at ${hours.start} (${hours.timeZone} time)`;
}
