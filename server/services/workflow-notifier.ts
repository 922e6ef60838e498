/**
 * Tells conversation workflows about new items without making the caller wait for the workflow.
 * Before the caller answers, the owed signal is recorded in the store's signal outbox (by the append
 * itself, `owesSignal`, or by `notifyItem`); it is cleared once the workflow took it. Signals of one
 * conversation go out one call after another in the order the items were stored, and those that
 * queue up while a call is under way go together in the next (one workflow task for the embedded
 * engine, so a busy engine does less work per item); a failed call is retried with capped backoff
 * for as long as the server runs, and whatever is still owed at a stop is sent again at the next
 * start (`resumePending`). The workflow drops an item id it has seen, so a repeat is harmless.
 */
import { setTimeout as wait } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Store } from '../../activities/store';
import type { TimelineItem } from '../../domain/timeline';
import type { PluginRegistry } from '../../plugins/registry';
import type { ConversationEngine } from '../../runtime/conversation-engine';
import { WorkflowSetAsideError } from '../../runtime/engine/errors';
import type { ConversationRef, WorkflowStarts } from './workflow-start';

export interface SignalBackoff {
  initialDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_BACKOFF: SignalBackoff = { initialDelayMs: 200, maxDelayMs: 30_000 };

type OutboxStore = Pick<Store, 'addPendingSignal' | 'clearPendingSignal' | 'listPendingSignals' | 'getItem' | 'getConversation'>;

/** Waits `ms`, or less if `cut` aborts meanwhile (its listener goes with the wait). */
const sleep = (ms: number, cut: AbortSignal): Promise<void> => wait(ms, undefined, { signal: cut, ref: false }).catch(() => undefined);

/**
 * An owed signal is recorded just before its item is written (by whichever instance appends it),
 * so at a start an entry whose item is missing may be another instance's append under way: it is
 * cleared only once it is older than this.
 */
const UNWRITTEN_ITEM_GRACE_MS = 10 * 60_000;

/** Owed entries whose item and conversation are read at once at a start. */
const RESUME_READS_AT_ONCE = 64;

/** Items per signalling call at most (the embedded engine takes up to 100 jobs in one activation). */
const MAX_ITEMS_PER_CALL = 50;

/** An owed signal: the item and its conversation. */
interface Owed {
  conversation: ConversationRef;
  item: TimelineItem;
}

type Listed = Awaited<ReturnType<OutboxStore['listPendingSignals']>>;

/** A conversation's signals waiting for the call under way to finish. */
interface Queue {
  conversation: ConversationRef;
  items: TimelineItem[];
  sending: Promise<void>;
}

export class WorkflowNotifier {
  private readonly queues = new Map<string, Queue>();
  /**
   * Conversations an earlier run still owed signals for, while those are read at a start: their new
   * items wait here, to be sent after the owed ones (a workflow hears a conversation's items in order).
   */
  private readonly held = new Map<string, Owed[]>();
  /** Outbox clears not yet written: the next signal does not wait for them, `drain` does. */
  private readonly clearing = new Set<Promise<void>>();
  /** Aborted by `stop`: no retry follows, and a retry's wait ends at once (a set-aside's can last an hour). */
  private readonly stopping = new AbortController();

  constructor(
    private readonly conversations: Pick<ConversationEngine, 'notifyItems'>,
    private readonly starts: Pick<WorkflowStarts, 'inputFor'>,
    private readonly store: OutboxStore,
    private readonly plugins: Pick<PluginRegistry, 'arrivalOf'>,
    private readonly log: Logger,
    private readonly backoff: SignalBackoff = DEFAULT_BACKOFF,
  ) {}

  /** Records the owed `itemAdded` signal durably, then queues it; resolves before the signal is sent. */
  async notifyItem(conversation: ConversationRef, item: TimelineItem): Promise<void> {
    await this.store.addPendingSignal(item.id, conversation.id);
    this.sendRecorded(conversation, item);
  }

  /** Queues the signal of an item whose append recorded it as owed (`appendItem(…, { owesSignal: true })`). */
  sendRecorded(conversation: ConversationRef, item: TimelineItem): void {
    const held = this.held.get(conversation.id);
    if (held) {
      held.push({ conversation, item });
      return;
    }
    const queued = this.queues.get(conversation.id);
    if (queued) {
      queued.items.push(item);
      return;
    }
    const queue: Queue = { conversation, items: [item], sending: Promise.resolve() };
    this.queues.set(conversation.id, queue);
    queue.sending = this.send(queue);
  }

  /** Queues the signals an earlier run of the server still owed (start-up); returns how many. */
  async resumePending(): Promise<number> {
    return this.sendPending(await this.holdPending());
  }

  /**
   * Lists what an earlier run still owed, and from then on holds new items of those conversations
   * until `sendPending` has queued the owed ones: call it before the server takes requests.
   */
  async holdPending(): Promise<Listed> {
    const pending = await this.store.listPendingSignals();
    for (const { conversationId } of pending) if (!this.held.has(conversationId)) this.held.set(conversationId, []);
    return pending;
  }

  /**
   * Reads the owed items of `holdPending`'s list and queues them, then the items held meanwhile;
   * returns how many were owed. A failed read is retried (capped backoff) for as long as the server
   * runs, the items still held; at a stop they stay owed in the outbox, for the next start.
   */
  async sendPending(pending: Listed): Promise<number> {
    let owed: Owed[] | undefined;
    for (let delay = this.backoff.initialDelayMs; owed === undefined; delay = Math.min(delay * 2, this.backoff.maxDelayMs)) {
      try {
        owed = await this.readOwed(pending);
      } catch (err) {
        if (this.stopping.signal.aborted) throw err;
        this.log.warn({ err }, 'reading the workflow signals owed before the restart failed; retrying');
        await sleep(delay, this.stopping.signal);
      }
    }
    const arrived = [...this.held.values()].flat();
    this.held.clear();
    const queued = new Set<string>();
    // Within a conversation the workflow hears items in timeline order.
    for (const { conversation, item } of [...owed, ...arrived].sort((a, b) => a.item.seq - b.item.seq)) {
      if (queued.has(item.id)) continue;
      queued.add(item.id);
      this.sendRecorded(conversation, item);
    }
    if (pending.length > 0) this.log.info({ count: pending.length }, 'resending workflow signals owed before the restart');
    return pending.length;
  }

  /** The items and conversations of owed entries; entries that owe nothing are cleared. */
  private async readOwed(pending: Listed): Promise<Owed[]> {
    const owed: Owed[] = [];
    const gone: Array<Promise<void>> = [];
    // Many entries read at a time: read one after another, a thousand owed entries held every signal back for seconds.
    for (let start = 0; start < pending.length; start += RESUME_READS_AT_ONCE) {
      const chunk = pending.slice(start, start + RESUME_READS_AT_ONCE);
      const read = await Promise.all(chunk.map(({ itemId, conversationId }) => Promise.all([this.store.getItem(itemId), this.store.getConversation(conversationId)])));
      chunk.forEach(({ itemId, conversationId, recordedAt }, i) => {
        const [item, conversation] = read[i]!;
        // An entry whose item was never written, or belongs to another conversation (an append that
        // reused another conversation's item id and was refused), owes nothing.
        if (item && conversation && item.conversationId === conversationId) owed.push({ conversation, item });
        // Cleared together (the outbox batches clears).
        else if (item || Date.now() - Date.parse(recordedAt) > UNWRITTEN_ITEM_GRACE_MS) gone.push(this.store.clearPendingSignal(itemId));
      });
    }
    await Promise.all(gone);
    return owed;
  }

  /** Waits for every queued signal, then stops retrying (shutdown); what is still owed stays in the outbox. */
  async drain(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()].map((queue) => queue.sending));
    await Promise.all(this.clearing);
  }

  /** Stops retrying (a call under way, or one waiting to be tried again, is tried once more): signals still owed are left for the next start. */
  stop(): void {
    this.stopping.abort();
  }

  /** A clear that fails leaves the entry owed: the next start repeats the signal, which the workflow drops. */
  private clear(conversationId: string, itemId: string): void {
    const clearing = this.store.clearPendingSignal(itemId).catch((err: unknown) => {
      this.log.warn({ err, conversationId, itemId }, 'clearing a sent workflow signal from the outbox failed; it is repeated at the next start');
    });
    this.clearing.add(clearing);
    void clearing.finally(() => this.clearing.delete(clearing));
  }

  /** Sends the queue's items, those that arrive meanwhile included, until it is empty. */
  private async send(queue: Queue): Promise<void> {
    try {
      while (queue.items.length > 0) {
        const items = queue.items.slice(0, MAX_ITEMS_PER_CALL);
        if (!(await this.deliver(queue.conversation, items))) return;
        queue.items.splice(0, items.length);
      }
    } finally {
      // In the same turn as the last look at the queue: an item that comes later starts a new one.
      this.queues.delete(queue.conversation.id);
    }
  }

  /** Signals the items, retrying until the workflow took them (true) or the notifier stops (false). */
  private async deliver(conversation: ConversationRef, items: TimelineItem[]): Promise<boolean> {
    const arrivals = items.map((item) => this.plugins.arrivalOf(item));
    let delay = this.backoff.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.conversations.notifyItems(arrivals, await this.starts.inputFor(conversation));
        for (const item of items) this.clear(conversation.id, item.id);
        return true;
      } catch (err) {
        const context = { err, conversationId: conversation.id, itemIds: items.map((item) => item.id), attempt };
        if (this.stopping.signal.aborted) {
          this.log.warn(context, 'stopping with workflow signals still owed; they are sent at the next start');
          return false;
        }
        // A workflow set aside refuses every call until its time is up (runtime/engine-thread/set-aside.ts): knocking sooner only fills the log.
        const setAsideFor = err instanceof WorkflowSetAsideError ? err.until.getTime() - Date.now() : 0;
        this.log.warn({ ...context, ...(setAsideFor > 0 && { retryInMs: setAsideFor }) }, 'signalling the conversation workflow failed; retrying');
        await sleep(Math.max(delay, setAsideFor), this.stopping.signal);
        delay = Math.min(delay * 2, this.backoff.maxDelayMs);
      }
    }
  }
}
