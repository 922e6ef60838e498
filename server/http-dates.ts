/**
 * HTTP-dates (RFC 9110 §5.6.7), as `Last-Modified` is written and `If-Modified-Since` and
 * `If-Range` are read. Parsed strictly: `Date.parse` takes far more than the three forms a
 * recipient must accept (a bare `5`, an ISO date, a local time), and a value that is not an
 * HTTP-date must be ignored, not read as some other moment.
 */

const DAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const LONG_DAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

/** `Sun, 06 Nov 1994 08:49:37 GMT`: day, month, year, time. */
const IMF_FIXDATE = new RegExp(`^(?:${DAYS}), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete): day, month, two-digit year, time. */
const RFC850_DATE = new RegExp(`^(?:${LONG_DAYS}), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (C's asctime, obsolete): month, day, time, year. */
const ASCTIME_DATE = new RegExp(`^(?:${DAYS}) (${MONTH}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** The year ending in `twoDigits` at most 50 years ahead: one further ahead is the latest past year ending so (§5.6.7). */
function fullYear(twoDigits: number): number {
  const thisYear = new Date().getUTCFullYear();
  const year = thisYear - (thisYear % 100) + twoDigits;
  if (year > thisYear + 50) return year - 100;
  return year <= thisYear - 50 ? year + 100 : year;
}

/** The moment, or undefined where a field (31 Feb, 25:00) names none. */
function moment(year: number, month: string, day: number, hours: number, minutes: number, seconds: number): number | undefined {
  const monthIndex = MONTHS.indexOf(month);
  const date = new Date(Date.UTC(year, monthIndex, day, hours, minutes, seconds));
  // Date.UTC rolls an out-of-range field over into the next; a real date reads back as given.
  const readsBack =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === monthIndex &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hours &&
    date.getUTCMinutes() === minutes &&
    date.getUTCSeconds() === seconds;
  return readsBack ? date.getTime() : undefined;
}

/** The milliseconds since the epoch an HTTP-date names (a whole second), or undefined if `text` is none. */
export function parseHttpDate(text: string): number | undefined {
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    const [, day, month, year, h, m, s] = match;
    return moment(Number(year), month!, Number(day), Number(h), Number(m), Number(s));
  }
  match = RFC850_DATE.exec(text);
  if (match) {
    const [, day, month, year, h, m, s] = match;
    return moment(fullYear(Number(year)), month!, Number(day), Number(h), Number(m), Number(s));
  }
  match = ASCTIME_DATE.exec(text);
  if (match) {
    const [, month, day, h, m, s, year] = match;
    return moment(Number(year), month!, Number(day!.trim()), Number(h), Number(m), Number(s));
  }
  return undefined;
}

/** `ms` as the HTTP-date of its whole second, in the IMF-fixdate form every sender must use. */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();

/** `ms` down to its whole second: all an HTTP-date holds. */
export const toWholeSecond = (ms: number): number => Math.floor(ms / 1_000) * 1_000;
