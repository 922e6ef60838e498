/** Dates and sizes as the pages show them. */
import { h } from './dom';
import { wordsText, writtenList } from './words';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const yearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** A moment in the reader's time zone: its time today, with its day on another day, and its year in another year. */
export function formatTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (sameDay(date, now)) return timeFormat.format(date);
  return (date.getFullYear() === now.getFullYear() ? dayFormat : yearFormat).format(date);
}

/** A moment in full ("Saturday, 5 December 2026 at 13:45"): the title of a shortened one. */
export const formatFullTime = (iso: string): string => fullFormat.format(new Date(iso));

/**
 * `14:05, GMT+1 (Europe/Paris)`: the time now in `timeZone` (another person's, as their browser
 * said it), and its offset; undefined for a zone this browser does not know.
 */
export function formatTimeIn(timeZone: string, now: Date = new Date()): string | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', timeZoneName: 'shortOffset' }).formatToParts(now);
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
    return `${part('hour')}:${part('minute')}, ${part('timeZoneName')} (${timeZone})`;
  } catch {
    return undefined;
  }
}

/** "now", "5m", "3h", "2d": for list rows. */
export function formatAge(iso: string, now: number = Date.now()): string {
  const minutes = Math.floor((now - new Date(iso).getTime()) / 60_000);
  if (minutes < 1) return 'now';
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)}h`;
  return `${Math.floor(minutes / (24 * 60))}d`;
}

/** An element showing the age of `iso`, which `keepTimesCurrent` keeps current. */
export const ageLabel = (iso: string, className: string): HTMLElement => h('span', { class: className, data: { ageOf: iso } }, formatAge(iso));

/** A `<time>` showing `iso` as `formatTime` does (in full when hovered), which `keepTimesCurrent` keeps current. */
export const timeLabel = (iso: string, className: string): HTMLElement =>
  h('time', { class: className, datetime: iso, title: formatFullTime(iso), data: { timeOf: iso } }, formatTime(iso));

/** How often the pages bring the ages and times they show up to date (`keepTimesCurrent`). */
const TIMES_REFRESH_MS = 30_000;

/** Writes `text` only when it differs: a timeline is a live region, where a rewrite may be read out again. */
function showText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * Keeps the moments shown under `root` current every `TIMES_REFRESH_MS`, also when nothing
 * happens: each element with `data-age-of` (an ISO time) shows that time's age again, so a quiet
 * list does not say "now" for an hour, and each with `data-time-of` shows that time again, so one
 * written before midnight gets its day once the next day has come. Moments told within text drawn
 * as one (an event's sentence, a list preview) are the page's to draw again: `onNewDay` says when.
 * The function returned stops it.
 */
export function keepTimesCurrent(root: ParentNode, onNewDay?: () => void): () => void {
  let today = new Date();
  const timer = setInterval(() => {
    const now = new Date();
    for (const element of root.querySelectorAll<HTMLElement>('[data-age-of]')) showText(element, formatAge(element.dataset.ageOf ?? '', now.getTime()));
    for (const element of root.querySelectorAll<HTMLElement>('[data-time-of]')) showText(element, formatTime(element.dataset.timeOf ?? '', now));
    for (const element of root.querySelectorAll<HTMLElement>('[data-time-in]')) showText(element, formatTimeIn(element.dataset.timeIn ?? '', now) ?? '');
    if (sameDay(today, now)) return;
    today = now;
    onNewDay?.();
  }, TIMES_REFRESH_MS);
  return () => clearInterval(timer);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Names as a sentence lists them: "a", "a and b", "a, b and c". */
export const listed = (names: readonly string[]): string => wordsText(writtenList(names, ', ', ' and '));
