import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../../web/shared/backoff';

const middle = () => 0.5;

describe('backoffDelay', () => {
  it('grows exponentially from the initial delay', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, DEFAULT_BACKOFF, middle))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay(50, DEFAULT_BACKOFF, () => 1)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('spreads retries by the jitter fraction around the base delay', () => {
    const options = { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.5 };
    expect(backoffDelay(0, options, () => 0)).toBe(750);
    expect(backoffDelay(0, options, () => 1)).toBe(1250);
  });
});
