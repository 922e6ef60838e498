import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_LENGTH, searchMatcher, searchPattern } from '../../domain/search-text';

const finds = (stored: string, text: string) => searchMatcher(text)(stored);

describe('search text', () => {
  describe('#searchMatcher', () => {
    it('finds the text in any case and with or without accents on Latin letters, also stored decomposed', () => {
      expect(finds('Le Café de Saint-Étienne', 'cafe de saint-etienne')).toBe(true);
      expect(finds('the cafeteria', 'CAFÉ')).toBe(true);
      expect(finds('cafe\u0301s', 'cafés')).toBe(true);
      expect(finds('Ñandú', 'nandu')).toBe(true);
      expect(finds('Привет мир', 'ПРИВЕТ')).toBe(true);
      expect(finds('한국어', '국')).toBe(true);
    });

    it('matches only themselves letters that are not one with an accent', () => {
      expect(finds('Straße', 'strasse')).toBe(false);
      expect(finds('Ørsted', 'orsted')).toBe(false);
    });

    it('takes every pattern character literally', () => {
      for (const text of ['.', '.*', 'a|b', '(x)', '[x]', '\\d', '^a', 'a$', '{2}', '+?']) {
        expect([text, finds(`say ${text} here`, text)]).toEqual([text, true]);
        expect([text, finds('nothing like it', text)]).toEqual([text, false]);
      }
      expect(finds('axb', 'a.b')).toBe(false);
    });

    it('gives nothing for no stored text', () => {
      expect(searchMatcher('x')(undefined)).toBe(false);
    });
  });

  describe('#searchPattern', () => {
    it('stays well under the 32,764 bytes MongoDB allows a $regex pattern, for the longest search of the letters with most accented forms', () => {
      const longest = Math.max(...[...'aeiouy'].map((letter) => Buffer.byteLength(searchPattern(letter.repeat(MAX_SEARCH_LENGTH)))));
      expect(longest).toBeLessThan(24_000);
    });
  });
});
