import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { lowerThreadPriority } from '../../runtime/thread-priority';

/** Lowers a worker thread's priority there and reports what the thread and the process then have. */
function inWorker(): Promise<{ lowered: boolean; thread: number; process: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fixtures/lower-priority-worker.mjs', import.meta.url));
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('lowerThreadPriority', () => {
  it('lowers only the calling thread, on Linux; elsewhere it changes nothing', async () => {
    const before = getPriority(process.pid);
    const result = await inWorker();
    if (process.platform === 'linux') {
      expect(result).toEqual({ lowered: true, thread: 10, process: before });
    } else {
      expect(result.lowered).toBe(false);
      expect(lowerThreadPriority(10)).toBe(false);
    }
    expect(getPriority(process.pid)).toBe(before);
  });
});
