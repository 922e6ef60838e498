import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { runningCodeBuffer, StuckWatch } from '../../../runtime/engine-thread/running-code';
import { currentThreadId } from '../../../runtime/thread-id';
import { eventually } from '../engine/eventually';

const LIMIT_MS = 200;
/** The least time an event loop stands still before it is told of (5 s in the server): short here. */
const LOOP_FLOOR_MS = 400;
/** Where the thread's CPU time can be read (Linux with /proc). */
const cpuReadable = currentThreadId() !== undefined;

/** A thread that behaves as `how` says (fixtures/marked-thread.mjs) until stopped. */
async function markedThread(
  buffer: SharedArrayBuffer,
  how: 'sleep' | 'spin' | 'stall' | 'beat' | 'unstarted' | 'activity' | 'awaiting' | 'early' | 'marked-then-stall' | 'nested-inner' | 'nested-outer',
  trace = false,
): Promise<{ stop(): Promise<void> }> {
  const stopWord = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./fixtures/marked-thread.mjs', import.meta.url), { workerData: { buffer, stop: stopWord.buffer, how, trace } });
  await once(worker, 'message'); // there (rejects on the thread's error)
  return {
    async stop() {
      Atomics.store(stopWord, 0, 1);
      Atomics.notify(stopWord, 0);
      await worker.terminate();
    },
  };
}

describe('StuckWatch', () => {
  const stops: Array<() => unknown> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  /** Watches a fresh buffer with the limit, recording what it tells. */
  function watching() {
    const buffer = runningCodeBuffer();
    const told: Array<{ workflowId?: string; forMs: number; clock: string }> = [];
    const watch = new StuckWatch(buffer, LIMIT_MS, (workflowId, forMs, clock) => told.push({ workflowId, forMs, clock }), LOOP_FLOOR_MS);
    stops.push(() => watch.stop());
    return { buffer, told };
  }

  it('tells of a thread that keeps running one workflow\'s code', async () => {
    const { buffer, told } = watching();
    const thread = await markedThread(buffer, 'spin');
    stops.push(() => thread.stop());
    await eventually(() => expect(told.length).toBeGreaterThan(0), { timeoutMs: 20_000 });
    expect(told[0]).toMatchObject({ workflowId: 'conversation:marked', clock: cpuReadable ? 'cpu' : 'wall' });
    expect(told[0]!.forMs).toBeGreaterThanOrEqual(LIMIT_MS);
  });

  // A thread starved of the cores by busier ones, or at a lower priority, waits as this one does.
  it.runIf(cpuReadable)('counts the CPU time the thread used, not the time it waited, where Linux tells it; ten times the limit by the clock, it tells all the same', async () => {
    const { buffer, told } = watching();
    const thread = await markedThread(buffer, 'sleep');
    stops.push(() => thread.stop());
    await sleep(LIMIT_MS * 5);
    expect(told).toEqual([]);
    // Ten times the limit by the wall clock, it is told of all the same: blocked, not merely starved.
    await eventually(() => expect(told).toEqual([expect.objectContaining({ workflowId: 'conversation:marked', clock: 'wall' })]), { timeoutMs: 20_000 });
    expect(told[0]!.forMs).toBeGreaterThanOrEqual(LIMIT_MS * 10);
  });

  it('tells of a thread whose event loop stopped turning outside any workflow\'s code, with no workflow', async () => {
    const { buffer, told } = watching();
    const thread = await markedThread(buffer, 'stall');
    stops.push(() => thread.stop());
    await eventually(() => expect(told.length).toBeGreaterThan(0), { timeoutMs: 20_000 });
    expect(told[0]).toEqual({ workflowId: undefined, forMs: expect.any(Number), clock: cpuReadable ? 'cpu' : 'wall' });
    // Not before the floor: the engine's own work may hold its loop longer than workflow code should run.
    expect(told[0]!.forMs).toBeGreaterThanOrEqual(LOOP_FLOOR_MS);
  });

  it('blames nobody for a loop out of code that began after some workflow ran briefly (that workflow is not the one looping)', async () => {
    const { buffer, told } = watching();
    const thread = await markedThread(buffer, 'marked-then-stall');
    stops.push(() => thread.stop());
    await eventually(() => expect(told.length).toBeGreaterThan(0), { timeoutMs: 20_000 });
    expect(told[0]).toMatchObject({ workflowId: undefined });
  });

  it('tells of a thread that loops before its first interval beat (an activity restarted as the engine starts)', async () => {
    const { buffer, told } = watching();
    const thread = await markedThread(buffer, 'early');
    stops.push(() => thread.stop());
    await eventually(() => expect(told).toContainEqual(expect.objectContaining({ workflowId: undefined })), { timeoutMs: 20_000 });
  });

  it('tells nothing of a thread whose event loop keeps turning, nor of one that has not started beating (an engine starting up)', async () => {
    const { buffer, told } = watching();
    const idle = await markedThread(buffer, 'beat');
    stops.push(() => idle.stop());
    const starting = watching();
    const busy = await markedThread(starting.buffer, 'unstarted');
    stops.push(() => busy.stop());
    await sleep(LIMIT_MS * 5);
    expect(told).toEqual([]);
    expect(starting.told).toEqual([]);
  });

  // `activity`: a plain loop past its first await; `awaiting`: a loop that awaits at every turn, never returning to the event loop.
  it.each(['activity', 'awaiting'] as const)("pins an activity's %s loop on its workflow once continuations are traced (before, on nobody)", async (how) => {
    const traced = watching();
    const withTrace = await markedThread(traced.buffer, how, true);
    stops.push(() => withTrace.stop());
    await eventually(() => expect(traced.told.length).toBeGreaterThan(0), { timeoutMs: 20_000 });
    expect(traced.told[0]).toMatchObject({ workflowId: 'conversation:marked' });

    const untraced = watching();
    const withoutTrace = await markedThread(untraced.buffer, how);
    stops.push(() => withoutTrace.stop());
    await eventually(() => expect(untraced.told.length).toBeGreaterThan(0), { timeoutMs: 20_000 });
    expect(untraced.told[0]).toMatchObject({ workflowId: undefined });
  });

  it('tells the innermost workflow whose code runs, and the outer one again once the inner returns', async () => {
    const inner = watching();
    const inInner = await markedThread(inner.buffer, 'nested-inner');
    stops.push(() => inInner.stop());
    const outer = watching();
    const afterInner = await markedThread(outer.buffer, 'nested-outer');
    stops.push(() => afterInner.stop());
    await eventually(() => expect(inner.told.length * outer.told.length).toBeGreaterThan(0), { timeoutMs: 20_000 });
    expect(inner.told[0]).toMatchObject({ workflowId: 'conversation:inner' });
    expect(outer.told[0]).toMatchObject({ workflowId: 'conversation:outer' });
  });
});
