/**
 * A team member's first public message in a conversation joins them first, so the timeline reads
 * "Alex joined the conversation", then Alex's message. The workflow would otherwise add them only
 * when it hears of the message, and the join would follow the message it was for.
 *
 * That first message waits for one workflow Update (`join`), at most `waitMs`; later ones find the
 * member known here and go straight on to the store. Only a new message joins its author: `before`
 * runs once the item is known to be valid (its file parts resolved), and a message whose
 * client-chosen id the store already holds (a retry, or a conflict) joins nobody. The join is a courtesy: when it fails, is
 * slow, or the workflow says the member is already in, the message is posted all the same, and the
 * workflow joins its author on hearing of it, as it always does.
 *
 * A person's first message in an open conversation nobody is assigned also takes it (the website's
 * `assignOnReply`, on by default, as in Intercom): assigned in the same change set, as of nobody
 * assigned, so it counts in their load and leaves the team's queue.
 */
import type { Logger } from 'pino';
import type { Store } from '../../activities/store';
import { loadLifecycleSettings } from '../../activities/lifecycle-settings';
import type { LifecycleOperation } from '../../domain/operations';
import type { Author } from '../../domain/timeline';
import type { ValidatedItem } from '../../plugins/registry';
import type { ConversationEngine } from '../../runtime/conversation-engine';
import { visibleConversation } from '../access';
import type { Caller } from '../caller';
import type { WorkflowStarts } from './workflow-start';

export interface ReplyJoinDeps {
  store: Store;
  conversations: ConversationEngine;
  workflowStarts: WorkflowStarts;
  log: Logger;
}

export interface ReplyJoinOptions {
  /** Members remembered as in, per conversation; the oldest are forgotten past it. */
  capacity: number;
  /** How long a first message waits for its author's join before it is posted anyway. */
  waitMs: number;
}

const DEFAULTS: ReplyJoinOptions = { capacity: 50_000, waitMs: 2_000 };

export class ReplyJoins {
  /** `conversationId/memberId` of members known to be in; oldest first, for eviction. */
  private readonly joined = new Set<string>();
  /** Joins under way, so a member's messages sent at once wait for the same one. */
  private readonly joining = new Map<string, Promise<void>>();

  private readonly options: ReplyJoinOptions;

  constructor(
    private readonly deps: ReplyJoinDeps,
    options: Partial<ReplyJoinOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Resolves once the caller, about to post `item`, is a participant as far as can be made sure. */
  async before(caller: Caller, conversationId: string, item: ValidatedItem): Promise<void> {
    if (caller.kind !== 'agent' || item.author.kind === 'visitor' || item.type !== 'message' || item.visibility !== 'public') return;
    const key = `${conversationId}/${item.author.id}`;
    if (this.joined.has(key)) return;
    // A client-chosen id already stored is a retry (answered with the stored item) or a conflict
    // (refused): neither is a new message, so neither joins its author, who may have left since.
    if (item.id !== undefined && (await this.deps.store.getItem(item.id)) !== null) return;
    let joining = this.joining.get(key);
    if (!joining) {
      joining = this.join(caller, conversationId, item.author).finally(() => this.joining.delete(key));
      this.joining.set(key, joining);
    }
    await within(joining, this.options.waitMs);
    this.remember(key);
  }

  /** The member left (through this instance): their next message joins them again first. */
  left(conversationId: string, memberId: string): void {
    this.joined.delete(`${conversationId}/${memberId}`);
  }

  private async join(caller: Caller, conversationId: string, actor: Author): Promise<void> {
    try {
      const conversation = await visibleConversation(this.deps.store, caller, conversationId);
      const join: LifecycleOperation[] = conversation.participants.some((p) => p.id === actor.id && p.leftAt === undefined) ? [] : [{ op: 'join', userId: actor.id }];
      const takes = actor.kind === 'human' && conversation.status === 'open' && conversation.assigneeId === undefined && (await this.assignsOnReply(conversation.websiteId));
      if (join.length === 0 && !takes) return;
      const start = await this.deps.workflowStarts.inputFor(conversation);
      const operate = (operations: LifecycleOperation[]) => this.deps.conversations.operate(conversationId, { actor, operations }, start);
      if (!takes) return void (await operate(join));
      // As of nobody assigned: a colleague who took it meanwhile keeps it, and the reply only joins.
      await operate([...join, { op: 'assign', userId: actor.id, expectedAssigneeId: null }]).catch(async (err: unknown) => {
        this.deps.log.debug({ err, conversationId, memberId: actor.id }, 'not assigned on reply');
        if (join.length > 0) await operate(join);
      });
    } catch (err) {
      this.deps.log.debug({ err, conversationId, memberId: actor.id }, 'no join before the first message; the workflow joins the author on hearing of it');
    }
  }

  private async assignsOnReply(websiteId: string): Promise<boolean> {
    return (await loadLifecycleSettings(this.deps.store, websiteId)).assignOnReply;
  }

  private remember(key: string): void {
    this.joined.delete(key);
    this.joined.add(key);
    if (this.joined.size > this.options.capacity) this.joined.delete(this.joined.values().next().value!);
  }
}

/** Resolves when `work` settles or `ms` have passed, whichever is first. */
function within(work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void work.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
