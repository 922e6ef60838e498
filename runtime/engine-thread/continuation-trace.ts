/**
 * Marks every later slice of an activity's code (after each `await`, in its timers' callbacks) as
 * its workflow's, as RunningCode marks an activation: an async hook sees each callback the thread
 * enters, and the activity's scope (AsyncLocalStorage, carried into what it schedules) says whose.
 *
 * An async hook costs on every callback and promise continuation of the thread, so it is used only
 * by a thread started after one was found stuck outside any marked code (see index.ts).
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';

interface Marks {
  enter(workflowId: string): string | undefined;
  restore(outer: string | undefined): void;
}

/** A callback its `before` did not mark: its `after` leaves the marks alone. */
const UNMARKED = null;

/** Starts marking: returns the scope to run each activity attempt in, under its workflow's id. */
export function traceContinuations(marks: Marks): AsyncLocalStorage<string> {
  const scope = new AsyncLocalStorage<string>();
  // One entry per callback being run (they nest): the mark its `before` replaced, for its `after` to restore.
  const outers: Array<{ outer: string | undefined } | typeof UNMARKED> = [];
  createHook({
    before() {
      const workflowId = scope.getStore();
      outers.push(workflowId === undefined ? UNMARKED : { outer: marks.enter(workflowId) });
    },
    after() {
      const entry = outers.pop();
      if (entry) marks.restore(entry.outer);
    },
  }).enable();
  return scope;
}
