import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypingExpiry } from '../../../server/realtime/typing';

/** An expiry with a 6 s ttl on fake timers, and what it reported expired. */
function withFakeTimers() {
  vi.useFakeTimers();
  const expired: string[] = [];
  return { expired, expiry: new TypingExpiry<string>((info) => expired.push(info), 6_000) };
}

describe('TypingExpiry', () => {
  afterEach(() => vi.useRealTimers());

  describe('#apply', () => {
    it('expires a typing indicator after the ttl', () => {
      const { expired, expiry } = withFakeTimers();
      expiry.apply('k', true, 'k');
      vi.advanceTimersByTime(5_999);
      expect(expired).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(expired).toEqual(['k']);
    });

    it('re-arms on refresh and disarms on isTyping false', () => {
      const { expired, expiry } = withFakeTimers();
      expiry.apply('a', true, 'a');
      vi.advanceTimersByTime(4_000);
      expiry.apply('a', true, 'a');
      vi.advanceTimersByTime(4_000);
      expect(expired).toEqual([]);
      expiry.apply('a', false, 'a');
      vi.advanceTimersByTime(10_000);
      expect(expired).toEqual([]);
    });
  });

  describe('#clear', () => {
    it('disarms an indicator and gives back what it was armed with, once', () => {
      const { expired, expiry } = withFakeTimers();
      expiry.apply('a', true, 'armed a');
      expect(expiry.clear('a')).toBe('armed a');
      expect(expiry.clear('a')).toBeUndefined();
      expect(expiry.clear('never')).toBeUndefined();
      vi.advanceTimersByTime(10_000);
      expect(expired).toEqual([]);
    });
  });
});
