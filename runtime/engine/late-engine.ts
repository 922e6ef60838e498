/**
 * The engine activities call, which is created with them: an engine restoring its open runs at
 * start restarts their activities before it is handed back, and their calls wait for it then
 * instead of failing (they used to throw "not started yet", log a warning and retry a second later).
 */
import type { WorkflowEngine } from './workflow-engine';

export class LateEngine {
  private engine?: WorkflowEngine;
  private readonly waiting: Array<(engine: WorkflowEngine) => void> = [];

  set(engine: WorkflowEngine): void {
    this.engine = engine;
    for (const wake of this.waiting.splice(0)) wake(engine);
  }

  get(): Promise<WorkflowEngine> {
    return this.engine ? Promise.resolve(this.engine) : new Promise((resolve) => this.waiting.push(resolve));
  }
}
