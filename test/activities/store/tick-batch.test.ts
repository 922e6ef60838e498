import { describe, expect, it } from 'vitest';
import { tickBatch, windowBatch } from '../../../activities/store/tick-batch';

/** A write that records each batch it is given. */
function recorder(fail = false) {
  const batches: number[][] = [];
  const write = async (values: number[]) => {
    batches.push(values);
    if (fail) throw new Error('store down');
  };
  return { batches, write };
}

describe('tickBatch', () => {
  it('writes the calls of one turn together and the next turn apart', async () => {
    const { batches, write } = recorder();
    const call = tickBatch(write);
    await Promise.all([call(1), call(2), call(3)]);
    await call(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every call of a failed write', async () => {
    const call = tickBatch(recorder(true).write);
    const results = await Promise.allSettled([call(1), call(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('windowBatch', () => {
  it('writes the calls of one window together, across turns', async () => {
    const { batches, write } = recorder();
    const call = windowBatch(write, 30);
    const first = call(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = call(2);
    expect(batches).toEqual([]);
    await Promise.all([first, second]);
    await call(3);
    expect(batches).toEqual([[1, 2], [3]]);
  });
});
