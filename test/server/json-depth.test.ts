import { describe, expect, it } from 'vitest';
import { tooDeepAt } from '../../server/middleware/json-depth';

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });

describe('tooDeepAt', () => {
  it('lets a body reach the limit and names the first value past it', () => {
    expect(tooDeepAt(nested(3), 3)).toBeUndefined();
    expect(tooDeepAt(nested(4), 3)).toBe('body.a.a.a');
    expect(tooDeepAt({ ok: [1, 2], deep: [[[['x']]]] }, 3)).toBe('body.deep.0.0');
  });

  it('passes scalars and flat bodies', () => {
    expect(tooDeepAt(undefined, 1)).toBeUndefined();
    expect(tooDeepAt('text', 0)).toBeUndefined();
    expect(tooDeepAt({ a: 1, b: 'x', c: null }, 1)).toBeUndefined();
  });
});
