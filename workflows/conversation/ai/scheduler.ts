/**
 * Debounce and supersession of AI turns. A visitor message starts a turn after a quiet period; a
 * newer message cancels whatever is in flight (the debounce timer, a model call) and starts over,
 * so the AI answers the visitor's latest state and a stale turn never posts.
 */
import type { ItemArrival } from '../../../domain/operations';
import type { CancellableRun, TurnRuntime } from './turn-runtime';

/**
 * From it on, the visitor's turns are counted as they start, so messages the debounce merges into
 * one turn ("hi", "so", "I have a question", …) count once; before, each message counted.
 */
const TURNS_NOT_MESSAGES_PATCH = 'ai-counts-turns-not-messages';

export interface TurnJob {
  arrival: ItemArrival;
  /** Visitor turns counted so far, this one included (once it starts). */
  visitorTurns: number;
  /** False once a newer message (or `cancel()`) has superseded this job. */
  isCurrent(): boolean;
}

export class AiTurnScheduler {
  private generation = 0;
  private inFlight?: CancellableRun;
  private turns: number;

  constructor(
    private readonly runtime: TurnRuntime,
    private readonly startTurn: (job: TurnJob) => Promise<void>,
    visitorTurns = 0,
  ) {
    this.turns = visitorTurns;
  }

  /** Schedules a turn for this message after `debounceMs`, superseding any turn in flight. */
  onVisitorMessage(arrival: ItemArrival, debounceMs: number): void {
    const countsTurns = this.runtime.patched(TURNS_NOT_MESSAGES_PATCH);
    if (!countsTurns) this.turns += 1;
    const generation = this.supersede();
    const job: TurnJob = { arrival, visitorTurns: this.turns, isCurrent: () => generation === this.generation };
    const run = this.runtime.runCancellable(async () => {
      if (debounceMs > 0) await this.runtime.sleep(debounceMs);
      if (!job.isCurrent()) return;
      if (countsTurns) job.visitorTurns = this.turns += 1;
      await this.startTurn(job);
    });
    this.inFlight = run;
    run.done
      .catch((err: unknown) => {
        // Cancellation is how supersession ends a turn; anything else is a bug and must surface.
        if (!this.runtime.isCancellation(err)) throw err;
      })
      .finally(() => {
        if (this.inFlight === run) this.inFlight = undefined;
      });
  }

  /** Stops the turn in flight, if any (a human took over, the conversation closed). */
  cancel(): void {
    this.supersede();
  }

  /** True while a turn is waiting out its debounce or running. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  get visitorTurns(): number {
    return this.turns;
  }

  /** Starts counting visitor turns afresh (on reopen or when a human hands back to the AI). */
  resetVisitorTurns(): void {
    this.turns = 0;
  }

  private supersede(): number {
    this.generation += 1;
    this.inFlight?.cancel();
    this.inFlight = undefined;
    return this.generation;
  }
}
