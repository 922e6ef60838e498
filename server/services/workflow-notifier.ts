/**
 * Tells conversation workflows about new items without making the caller wait. Signals of one
 * conversation go out one after another in the order the items were stored; a failed signal is
 * retried with backoff (the item is already stored, so nothing is lost while the engine is down).
 */
import type { Logger } from 'pino';
import type { TimelineItem } from '../../domain/timeline';
import { toItemArrival } from '../../plugins/item-view';
import type { ConversationEngine } from '../../runtime/conversation-engine';
import type { ConversationRef, WorkflowStarts } from './workflow-start';

export interface RetryPolicy {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 10, initialDelayMs: 200, maxDelayMs: 30_000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class WorkflowNotifier {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly conversations: Pick<ConversationEngine, 'notifyItem'>,
    private readonly starts: Pick<WorkflowStarts, 'inputFor'>,
    private readonly log: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** Queues the `itemAdded` signal for this item; returns at once. */
  notifyItem(conversation: ConversationRef, item: TimelineItem): void {
    const previous = this.tails.get(conversation.id) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(conversation, item));
    this.tails.set(conversation.id, next);
    void next.finally(() => {
      if (this.tails.get(conversation.id) === next) this.tails.delete(conversation.id);
    });
  }

  /** Waits for every queued signal (shutdown). */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }

  private async deliver(conversation: ConversationRef, item: TimelineItem): Promise<void> {
    const arrival = toItemArrival(item);
    let delay = this.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.conversations.notifyItem(arrival, await this.starts.inputFor(conversation));
        return;
      } catch (err) {
        const context = { err, conversationId: conversation.id, itemId: item.id, attempt };
        if (attempt >= this.retry.attempts) {
          this.log.error(context, 'giving up signalling the conversation workflow; the item is stored but the workflow did not hear of it');
          return;
        }
        this.log.warn(context, 'signalling the conversation workflow failed; retrying');
        await sleep(delay);
        delay = Math.min(delay * 2, this.retry.maxDelayMs);
      }
    }
  }
}
