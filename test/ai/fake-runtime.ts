/** A TurnRuntime for unit tests: timers fire when the test says, cancellation rejects a run's pending timers. */
import { CancelledFailure } from '@temporalio/common';
import type { TurnRuntime } from '../../workflows/conversation/ai/turn-runtime';

interface FakeTimer {
  ms: number;
  fire(): void;
  cancel(): void;
}

export function fakeTurnRuntime() {
  const pending: FakeTimer[] = [];
  const clock = { now: 0 };
  /**
   * Patch ids the code asked about; taken unless `patching.take` is false, or the id is in
   * `patching.without` (replaying a history made without them).
   */
  const patches: string[] = [];
  const patching = { take: true, without: [] as string[] };
  let starting: Set<FakeTimer> | undefined;
  const runtime: TurnRuntime = {
    sleep(ms) {
      const owner = starting;
      return new Promise<void>((resolve, reject) => {
        const timer: FakeTimer = {
          ms,
          fire: () => {
            pending.splice(pending.indexOf(timer), 1);
            resolve();
          },
          cancel: () => {
            pending.splice(pending.indexOf(timer), 1);
            reject(new CancelledFailure('cancelled'));
          },
        };
        pending.push(timer);
        owner?.add(timer);
      });
    },
    runCancellable(fn) {
      const timers = new Set<FakeTimer>();
      starting = timers; // a run's first await is its debounce sleep, created synchronously here
      const done = fn();
      starting = undefined;
      return { done, cancel: () => timers.forEach((t) => pending.includes(t) && t.cancel()) };
    },
    isCancellation: (err) => err instanceof CancelledFailure,
    now: () => clock.now,
    patched: (patchId) => {
      patches.push(patchId);
      return patching.take && !patching.without.includes(patchId);
    },
  };
  return { runtime, pending, clock, patches, patching };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
