import { describe, expect, it } from 'vitest';
import { withinCapacity } from '../../../activities/ai/capacity-check';
import { personHold } from '../../../activities/ai/person-hold';
import { countOpenAssigned } from '../../../activities/ai/store-lookups';
import { openStore, type Store } from '../../../activities/store';
import type { AssignFromQueueInput, AssignOutcome } from '../../../workflows/routing/activity-types';
import { openLifecycle } from '../../ai/helpers';
import { newConversation, useStore } from '../store/fixtures';

const ctx = useStore('capacity_check');
const WEBSITE = 'web_cap';

/**
 * An offer as each instance's routing activity runs it: the capacity check over its own store
 * (its own MongoClient), and an assign that, like the conversation workflow's, answers once the
 * store has the conversation as the agent's, after `delayMs` (the update's round trips).
 */
function instanceAssigner(store: Store, delayMs: number) {
  const assign = async ({ conversationId, agentId }: AssignFromQueueInput): Promise<AssignOutcome> => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await store.projectLifecycle(conversationId, openLifecycle({ handler: 'human', assigneeId: agentId }), 1);
    return 'assigned';
  };
  return withinCapacity(assign, {
    getTeamMember: (agentId) => store.getTeamMember(agentId),
    countOpenAssigned: (websiteId, agentId) => countOpenAssigned(store, websiteId, agentId),
    holdPerson: personHold(store, { retryMs: 5 }),
  });
}

describe('withinCapacity', () => {
  it('gives a person no more than their capacity when queues on two instances offer them conversations at the same moment', async () => {
    const store = ctx.get();
    const other = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
    try {
      await store.upsertTeamMember({ id: 'usr_gail', websiteId: WEBSITE, name: 'Gail', kind: 'human', teams: ['support', 'billing', 'technical'], capacity: 2 });
      const conversations = await Promise.all(Array.from({ length: 6 }, () => newConversation(store, { websiteId: WEBSITE })));
      const assigners = [instanceAssigner(store, 30), instanceAssigner(other, 30)];
      const teams = ['support', 'billing', 'technical'];
      const outcomes = await Promise.all(
        conversations.map((conversationId, i) => assigners[i % 2]!({ websiteId: WEBSITE, team: teams[i % 3]!, conversationId, agentId: 'usr_gail', checksCapacity: true })),
      );
      expect(outcomes.filter((o) => o === 'assigned')).toHaveLength(2);
      expect(outcomes.filter((o) => o !== 'assigned')).toEqual(Array.from({ length: 4 }, () => ({ outcome: 'agent_full', open: 2, capacity: 2 })));
      expect(await countOpenAssigned(store, WEBSITE, 'usr_gail')).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('assigns as before for a queue that does not ask for the check (an earlier version)', async () => {
    const store = ctx.get();
    await store.upsertTeamMember({ id: 'usr_hal', websiteId: WEBSITE, name: 'Hal', kind: 'human', teams: ['support'], capacity: 1 });
    const assign = instanceAssigner(store, 0);
    for (let i = 0; i < 2; i++) {
      const conversationId = await newConversation(store, { websiteId: WEBSITE });
      expect(await assign({ websiteId: WEBSITE, team: 'support', conversationId, agentId: 'usr_hal' })).toBe('assigned');
    }
    expect(await countOpenAssigned(store, WEBSITE, 'usr_hal')).toBe(2);
  });
});
