import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../activities/store';
import type { Conversation } from '../../domain/conversation';
import type { Website } from '../../domain/people';
import type { ValidatedItem } from '../../plugins/registry';
import type { ConversationEngine } from '../../runtime/conversation-engine';
import type { Caller } from '../../server/caller';
import { ReplyJoins } from '../../server/services/reply-joins';
import type { WorkflowStarts } from '../../server/services/workflow-start';

const website = { id: 'web_1' } as Website;
const agent: Caller = { kind: 'agent', website, userId: 'usr_1' };
const reply: ValidatedItem = { type: 'message', visibility: 'public', author: { kind: 'human', id: 'usr_1' }, fields: {} };

/** Reply joins over a workflow whose `join` updates answer as `operate` says, counting them. */
function joinsWith(operate: () => Promise<unknown>, { waitMs = 2_000, participants = [] as Conversation['participants'], storedIds = [] as string[] } = {}) {
  const calls = { updates: 0 };
  const conversation = { id: 'conv_1', websiteId: 'web_1', visitorId: 'vis_1', participants } as unknown as Conversation;
  const joins = new ReplyJoins(
    {
      store: { getConversation: async () => conversation, getItem: async (id: string) => (storedIds.includes(id) ? { id } : null) } as unknown as Store,
      conversations: { operate: () => ((calls.updates += 1), operate()) } as unknown as ConversationEngine,
      workflowStarts: { inputFor: async () => ({}) } as unknown as WorkflowStarts,
      log: pino({ level: 'silent' }),
    },
    { waitMs },
  );
  return { joins, calls };
}

describe('ReplyJoins', () => {
  describe('#before', () => {
    it("waits for the author's join once, for messages sent at once and after", async () => {
      const { joins, calls } = joinsWith(() => new Promise((resolve) => setTimeout(resolve, 20)));
      await Promise.all([joins.before(agent, 'conv_1', reply), joins.before(agent, 'conv_1', reply)]);
      await joins.before(agent, 'conv_1', reply);
      expect(calls.updates).toBe(1);
    });

    it('lets the message go after waitMs when the workflow does not answer', async () => {
      const { joins } = joinsWith(() => new Promise(() => undefined), { waitMs: 50 });
      const started = performance.now();
      await joins.before(agent, 'conv_1', reply);
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it('lets the message go when the workflow refuses the join', async () => {
      const { joins } = joinsWith(() => Promise.reject(new Error('already a participant')));
      await expect(joins.before(agent, 'conv_1', reply)).resolves.toBeUndefined();
    });

    it('asks nothing for visitors, notes and members already in', async () => {
      const { joins, calls } = joinsWith(() => Promise.resolve());
      await joins.before({ kind: 'visitor', website, visitorId: 'vis_1' }, 'conv_1', { ...reply, author: { kind: 'visitor', id: 'vis_1' } });
      await joins.before(agent, 'conv_1', { ...reply, type: 'note', visibility: 'private' });
      const inAlready = joinsWith(() => Promise.resolve(), { participants: [{ id: 'usr_1', kind: 'human', joinedAt: new Date().toISOString() }] });
      await inAlready.joins.before(agent, 'conv_1', reply);
      expect(calls.updates + inAlready.calls.updates).toBe(0);
    });

    it('assigns the first reply in an open conversation nobody has to its author, and only joins them when someone took it meanwhile', async () => {
      const asked: string[][] = [];
      const conversation = { id: 'conv_1', websiteId: 'web_1', visitorId: 'vis_1', status: 'open', participants: [] } as unknown as Conversation;
      const joins = new ReplyJoins({
        store: { getConversation: async () => conversation, getItem: async () => null, getSetting: async () => null } as unknown as Store,
        conversations: {
          operate: async (_id: string, { operations }: { operations: Array<{ op: string }> }) => {
            asked.push(operations.map((o) => o.op));
            if (operations.some((o) => o.op === 'assign')) throw new Error('conversation was assigned to usr_2 meanwhile');
          },
        } as unknown as ConversationEngine,
        workflowStarts: { inputFor: async () => ({}) } as unknown as WorkflowStarts,
        log: pino({ level: 'silent' }),
      });
      await joins.before(agent, 'conv_1', reply);
      expect(asked).toEqual([['join', 'assign'], ['join']]);
    });

    it('asks nothing for a message whose id the store holds (a retry or a conflict), and joins for the next new one', async () => {
      const { joins, calls } = joinsWith(() => Promise.resolve(), { storedIds: ['msg_1'] });
      await joins.before(agent, 'conv_1', { ...reply, id: 'msg_1' });
      expect(calls.updates).toBe(0);
      await joins.before(agent, 'conv_1', { ...reply, id: 'msg_2' });
      expect(calls.updates).toBe(1);
    });
  });
});
