import { describe, expect, it } from 'vitest';
import { httpDate, parseHttpDate } from '../../server/http-dates';

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('parseHttpDate', () => {
  it('reads the three forms RFC 9110 names, each as the same moment', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(NOV_6_1994);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(NOV_6_1994);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(NOV_6_1994);
  });

  it('reads a two-digit year more than 50 years ahead as the latest past year ending so', () => {
    const thisYear = new Date().getUTCFullYear();
    const soon = (thisYear + 10) % 100;
    const far = (thisYear + 60) % 100;
    const read = (twoDigits: number) => new Date(parseHttpDate(`Monday, 01-Jan-${String(twoDigits).padStart(2, '0')} 00:00:00 GMT`)!).getUTCFullYear();
    expect(read(soon)).toBe(thisYear + 10);
    expect(read(far)).toBe(thisYear + 60 - 100);
  });

  it('reads nothing else: no other form, case or zone, no date that does not exist, nor two dates', () => {
    for (const text of [
      '5',
      '1994-11-06T08:49:37Z',
      'Sun, 06 Nov 1994 08:49:37 UTC',
      'sun, 06 nov 1994 08:49:37 gmt',
      'Sun, 6 Nov 1994 08:49:37 GMT',
      'Sun, 30 Feb 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 24:00:00 GMT',
      'Sun, 06 Nov 1994 08:60:00 GMT',
      'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT',
      ' Sun, 06 Nov 1994 08:49:37 GMT',
      '',
    ]) {
      expect(parseHttpDate(text), text).toBeUndefined();
    }
  });
});

describe('httpDate', () => {
  it('writes the whole second as an IMF-fixdate, which reads back', () => {
    expect(httpDate(NOV_6_1994 + 999)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(parseHttpDate(httpDate(NOV_6_1994))).toBe(NOV_6_1994);
  });
});
