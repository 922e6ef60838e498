import { describe, expect, it } from 'vitest';
import { unstorableAt } from '../../server/middleware/storable-json';

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });
const pathOf = (value: unknown, maxDepth = 32) => unstorableAt(value, maxDepth)?.path;

describe('unstorableAt', () => {
  it('lets a body reach the depth limit and names the first value past it', () => {
    expect(pathOf(nested(3), 3)).toBeUndefined();
    expect(unstorableAt(nested(4), 3)).toEqual({ path: 'body.a.a.a', message: 'nested deeper than 3 levels' });
    expect(pathOf({ ok: [1, 2], deep: [[[['x']]]] }, 3)).toBe('body.deep.0.0');
  });

  it('passes scalars, flat bodies and any well-formed text, emoji and NUL in values included', () => {
    expect(unstorableAt(undefined, 1)).toBeUndefined();
    expect(unstorableAt('text', 0)).toBeUndefined();
    expect(unstorableAt({ a: 1, b: 'x', c: null }, 1)).toBeUndefined();
    expect(unstorableAt({ text: 'héllo 😀 \u0000 \uFFFD', tags: ['𝄞'], 'ключ 😀': true }, 4)).toBeUndefined();
  });

  it('names a string holding a lone surrogate, wherever it is', () => {
    expect(unstorableAt({ item: { text: 'a\uD800b' } })).toEqual({ path: 'body.item.text', message: expect.stringContaining('lone UTF-16 surrogate') });
    expect(pathOf({ add: ['ok', 'bad\uDC00'] })).toBe('body.add.1');
    expect(pathOf({ title: '\uDE00😀' })).toBe('body.title'); // a low surrogate before a pair
    expect(pathOf({ title: '😀\uD83D' })).toBe('body.title'); // a pair, then half of one
  });

  it('names the object with a key named __proto__, which parsing into plain objects drops', () => {
    expect(unstorableAt(JSON.parse('{"metadata":{"__proto__":{"admin":true}}}'))).toEqual({ path: 'body.metadata', message: 'has a key named __proto__' });
    expect(unstorableAt(JSON.parse('{"metadata":{"proto":1,"constructor":2}}'))).toBeUndefined();
  });

  it('names the object whose key holds NUL or a lone surrogate', () => {
    expect(unstorableAt({ metadata: { 'a\u0000b': 1 } })).toEqual({ path: 'body.metadata', message: 'has a key holding NUL' });
    expect(unstorableAt({ metadata: { inner: { 'x\uD800': 1 } } })?.path).toBe('body.metadata.inner');
  });
});
