/**
 * Items whose type had effects (`onItemCreated`) when they were posted, as their signal says, get
 * them run by the `runPluginEffects` activity (the plugin registry's `runEffects`), in the background: up to
 * 5 attempts over about 30 s, then the effect is dropped and logged (with the plugin's stack), never the
 * conversation's problem.
 */
import { ActivityFailure, log, proxyActivities } from '@temporalio/workflow';
import type { ItemArrival } from '../../domain/operations';

/** Implemented in activities/index.ts over the plugin registry. */
export interface PluginEffectActivities {
  runPluginEffects(request: { item: ItemArrival; conversationId: string }): Promise<void>;
}

const { runPluginEffects } = proxyActivities<PluginEffectActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export class PluginEffects {
  private running = 0;

  constructor(private readonly conversationId: string) {}

  /** Starts the item's effects if its type had any when it was posted; returns at once. */
  schedule(item: ItemArrival): void {
    if (!item.effects) return;
    const { conversationId } = this;
    this.running += 1;
    runPluginEffects({ item, conversationId })
      .catch((err: unknown) => {
        if (!(err instanceof ActivityFailure)) throw err;
        log.error('plugin effects failed; skipped', { conversationId, itemId: item.id, type: item.type, error: err.cause?.message ?? err.message, stack: deepestCause(err).stack });
      })
      .finally(() => {
        this.running -= 1;
      });
  }

  /** No effects are running: the run may continue as new. */
  get idle(): boolean {
    return this.running === 0;
  }
}

/** The innermost cause of an activity's failure: the plugin's own error, whose stack shows where it threw. */
function deepestCause(err: Error): Error {
  return err.cause instanceof Error ? deepestCause(err.cause) : err;
}
