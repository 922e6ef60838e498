/**
 * The engine activities call, which is created with them: an engine restoring its open runs at
 * start restarts their activities before it is handed back, and their calls wait for it then
 * instead of failing (they used to throw "not started yet", log a warning and retry a second later).
 */
import type { WorkflowEngine } from './workflow-engine';

export class LateEngine {
  private settled?: Promise<WorkflowEngine>;
  private readonly waiting: Array<{ resolve(engine: WorkflowEngine): void; reject(err: unknown): void }> = [];

  set(engine: WorkflowEngine): void {
    this.settle(Promise.resolve(engine));
  }

  /** The engine could not be created: waiting calls fail (their activities end with the process). */
  fail(err: unknown): void {
    const failed = Promise.reject(err);
    failed.catch(() => undefined); // nobody may be waiting
    this.settle(failed);
  }

  get(): Promise<WorkflowEngine> {
    return this.settled ?? new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private settle(outcome: Promise<WorkflowEngine>): void {
    this.settled = outcome;
    for (const { resolve, reject } of this.waiting.splice(0)) outcome.then(resolve, reject);
  }
}
