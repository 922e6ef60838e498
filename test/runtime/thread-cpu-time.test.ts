import { describe, expect, it } from 'vitest';
import { statCpuMs, threadCpuMs } from '../../runtime/thread-cpu-time';
import { currentThreadId } from '../../runtime/thread-id';

describe('statCpuMs', () => {
  it('reads user and system ticks after the name, whatever the name holds', () => {
    const stat = '4242 (a) b (c) S 1 4242 4242 0 -1 4194560 120 0 0 0 250 37 0 0 30 10 25 0 1234 0 0';
    expect(statCpuMs(stat)).toBe((250 + 37) * 10);
  });

  it('gives nothing for a line that is not a stat line', () => {
    expect(statCpuMs('')).toBeUndefined();
    expect(statCpuMs('4242 (short) S 1')).toBeUndefined();
  });
});

describe('threadCpuMs', () => {
  const threadId = currentThreadId();

  it.runIf(threadId !== undefined)('grows with the CPU time the thread uses', () => {
    const before = threadCpuMs(threadId!)!;
    const start = performance.now();
    while (threadCpuMs(threadId!)! - before < 50) if (performance.now() - start > 20_000) throw new Error('no CPU time counted');
    expect(threadCpuMs(threadId!)! - before).toBeGreaterThanOrEqual(50);
  });

  it('gives nothing for a thread it cannot read', () => {
    expect(threadCpuMs(0)).toBeUndefined();
    expect(threadCpuMs(2 ** 31 - 1)).toBeUndefined();
  });
});
