/**
 * Durable timers for the conversation's deadlines, and the workflow's clock.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/**
 * Workflow time as an ISO string. Inside the workflow sandbox `Date` is the SDK's deterministic
 * clock (the time of the current activation, the same on replay); this is the one place workflow
 * code reads it.
 */
export const workflowNow = (): string => new Date().toISOString();

/**
 * One Temporal timer per deadline kind. `sync` is called after every change with the deadlines the
 * state wants; a timer is cancelled and started again only when its due time changed, so a chatty
 * conversation does not churn timers it does not need to.
 */
export class DeadlineTimers<K extends string> {
  private readonly armed = new Map<K, { at: string; scope: CancellationScope }>();

  /** `onDue` runs when a timer fires; it must change the state so that deadline moves or goes away. */
  constructor(private readonly onDue: (kind: K) => void) {}

  sync(deadlines: Partial<Record<K, string>>): void {
    for (const [kind, timer] of this.armed) {
      if (deadlines[kind] === timer.at) continue;
      timer.scope.cancel();
      this.armed.delete(kind);
    }
    for (const [kind, at] of Object.entries(deadlines) as [K, string | undefined][]) {
      if (at !== undefined && !this.armed.has(kind)) this.start(kind, at);
    }
  }

  private start(kind: K, at: string): void {
    const scope = new CancellationScope();
    this.armed.set(kind, { at, scope });
    // Temporal rejects zero-length timers; a deadline already past fires on the next task.
    const delayMs = Math.max(1, Date.parse(at) - Date.parse(workflowNow()));
    scope.run(() => sleep(delayMs, { summary: `${kind} due ${at}` })).then(
      () => {
        if (this.armed.get(kind)?.scope === scope) this.armed.delete(kind);
        this.onDue(kind);
      },
      (err: unknown) => {
        if (!isCancellation(err)) throw err;
      },
    );
  }
}
