/**
 * The wall-clock limit on one activation of workflow code: Temporal's deadlock detection.
 *
 * The SDK's worker bounds every call into its sandbox with `vm`'s `timeout` (isolateExecutionTimeout,
 * 5 s), and fails the workflow task when one runs over. `vm` starts a watchdog thread for each timed
 * call, ~45 µs on a quiet machine and three times that on a loaded one, and an activation makes three
 * calls or more; so here the whole synchronous part of an activation (all its workflow code, up to
 * the completion) is entered through one timed call instead, in a context of its own. The calls into
 * the sandbox it makes run untimed inside it: when the watchdog fires, V8 stops them all, and the
 * outer call alone reports it.
 */
import vm from 'node:vm';
import { WorkflowTaskFailedError } from '../errors';

/** The SDK worker's default `isolateExecutionTimeout`. */
export const DEFAULT_ACTIVATION_TIMEOUT_MS = 5_000;

const WORK_GLOBAL = '__SUPPORT_DEADLINE_WORK';
const RUN = new vm.Script(`${WORK_GLOBAL}()`);

/** Thrown when workflow code ran past the deadline; the instance it ran in is left half-way and must be dropped. */
export class ActivationDeadlineError extends WorkflowTaskFailedError {
  constructor(
    readonly workflowId: string,
    timeoutMs: number,
    /** What the activation was handling, e.g. `signal itemAdded`. */
    handling: string,
  ) {
    super(
      `Potential deadlock detected: workflow code of ${workflowId} ran longer than ${timeoutMs} ms in one activation${handling ? ` (handling ${handling})` : ''}; ` +
        'a loop in the workflow or a plugin hook (reduceArrival, reduceSummary…) that does not return',
    );
  }
}

export class ActivationDeadline {
  private readonly context = vm.createContext({});

  /** `timeoutMs` undefined: no limit, and no watchdog. */
  constructor(readonly timeoutMs: number | undefined) {}

  /** Runs `work` (synchronous up to what it returns); past the deadline it is stopped and `onTimeout()` is thrown. */
  run<T>(work: () => T, onTimeout: (timeoutMs: number) => Error): T {
    const { timeoutMs } = this;
    if (timeoutMs === undefined) return work();
    (this.context as Record<string, unknown>)[WORK_GLOBAL] = work;
    try {
      return RUN.runInContext(this.context, { timeout: timeoutMs }) as T;
    } catch (err) {
      throw (err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' ? onTimeout(timeoutMs) : err;
    } finally {
      (this.context as Record<string, unknown>)[WORK_GLOBAL] = undefined;
    }
  }
}
