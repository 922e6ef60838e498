import { describe, expect, it } from 'vitest';
import { WorkflowSetAsideError } from '../../../runtime/engine/errors';
import { SetAside } from '../../../runtime/engine-thread/set-aside';

describe('SetAside', () => {
  it('refuses a workflow for a minute, twice as long each time again up to an hour, and no other', () => {
    const aside = new SetAside();
    const t0 = Date.parse('2026-12-06T00:00:00Z');
    expect(aside.add('conversation:a', 'looped', t0)).toBe(60_000);
    expect(() => aside.check('conversation:a', t0 + 59_999)).toThrow(WorkflowSetAsideError);
    expect(() => aside.check('conversation:a', t0 + 60_000)).not.toThrow();
    expect(() => aside.check('conversation:b', t0)).not.toThrow();
    expect(aside.active(t0 + 59_999)).toEqual(new Map([['conversation:a', { until: t0 + 60_000, why: 'looped' }]]));
    expect(aside.active(t0 + 60_000)).toEqual(new Map());
    expect([2, 3, 4, 5, 6, 7, 8].map(() => aside.add('conversation:a', 'looped', t0))).toEqual([120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000]);
  });
});
