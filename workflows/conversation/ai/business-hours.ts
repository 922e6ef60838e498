/** Whether a moment falls inside the team's business hours, in the team's time zone. Pure. */
import type { BusinessHours } from '../../../domain/assistant';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function minutesOf(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** A span whose end is before its start (`18:00`–`09:00`) runs past midnight. */
export function spansMidnight(hours: BusinessHours): boolean {
  return minutesOf(hours.end) < minutesOf(hours.start);
}

/**
 * `at` is an ISO timestamp (the visitor message's `createdAt`, so the answer is the same on replay).
 * A span past midnight counts for the day it starts: Friday's `18:00`–`09:00` includes Saturday
 * 08:00. With `overnight: false` such a span is never open, as before they were supported (histories made then).
 */
export function isWithinBusinessHours(hours: BusinessHours, at: string, { overnight = true } = {}): boolean {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = WEEKDAYS.indexOf(part('weekday'));
  const minute = Number(part('hour')) * 60 + Number(part('minute'));
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (!spansMidnight(hours) || !overnight) return hours.days.includes(day) && minute >= start && minute < end;
  const dayBefore = (day + 6) % 7;
  return (hours.days.includes(day) && minute >= start) || (hours.days.includes(dayBefore) && minute < end);
}
