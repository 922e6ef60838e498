/**
 * The workflow primitives the AI assistant needs, behind an interface so unit tests can run
 * the scheduler without the workflow sandbox. `workflowTurnRuntime` is the real one.
 */
import { CancellationScope, isCancellation, patched, sleep } from '@temporalio/workflow';

export interface CancellableRun {
  done: Promise<void>;
  /** Cancels the run's pending timers and activities; they reject with a cancellation. */
  cancel(): void;
}

export interface TurnRuntime {
  sleep(ms: number): Promise<void>;
  runCancellable(fn: () => Promise<void>): CancellableRun;
  isCancellation(err: unknown): boolean;
  /** Workflow time (epoch ms). */
  now(): number;
  /** Temporal's `patched`: whether new code may run (false while replaying a history made without it). */
  patched(patchId: string): boolean;
}

export const workflowTurnRuntime: TurnRuntime = {
  sleep: (ms) => sleep(ms),
  runCancellable(fn) {
    const scope = new CancellationScope();
    return { done: scope.run(fn), cancel: () => scope.cancel() };
  },
  isCancellation,
  now: () => Date.now(),
  patched,
};
