import { describe, expect, it } from 'vitest';
import { withinCapacity } from '../../../activities/ai/capacity-check';
import { personHold } from '../../../activities/ai/person-hold';
import { countOpenAssigned } from '../../../activities/ai/store-lookups';
import { openStore, type Store } from '../../../activities/store';
import type { WaitingEntry } from '../../../activities/ai/waiting-elsewhere';
import type { AssignFromQueueInput, AssignOutcome } from '../../../workflows/routing/activity-types';
import { openLifecycle } from '../../ai/helpers';
import { newConversation, useStore } from '../store/fixtures';

const ctx = useStore('capacity_check');
const WEBSITE = 'web_cap';

interface CheckOptions {
  /** How long the assign takes to answer once called (the update's round trips). */
  delayMs?: number;
  /** What `waitingFor` answers: waiting for the person in their other teams' queues, first first. */
  waiting?: WaitingEntry[];
  /** Conversations the assign finds taken (`conversation_unavailable`). */
  taken?: string[];
}

/**
 * An offer as each instance's routing activity runs it: the capacity check over its own store
 * (its own MongoClient), and an assign that, like the conversation workflow's, answers once the
 * store has the conversation as the agent's, after `delayMs`. Records which other teams it read
 * and what it took out of their lines.
 */
function instanceAssigner(store: Store, { delayMs = 0, waiting = [], taken = [] }: CheckOptions = {}) {
  const read: string[][] = [];
  const withdrawn: string[][] = [];
  const assign = async ({ conversationId, agentId }: AssignFromQueueInput): Promise<AssignOutcome> => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (taken.includes(conversationId)) return 'conversation_unavailable';
    await store.projectLifecycle(conversationId, openLifecycle({ handler: 'human', assigneeId: agentId }), 1);
    return 'assigned';
  };
  const check = withinCapacity(assign, {
    getTeamMember: (agentId) => store.getTeamMember(agentId),
    countOpenAssigned: (websiteId, agentId) => countOpenAssigned(store, websiteId, agentId),
    holdPerson: personHold(store, { retryMs: 5 }),
    waitingFor: async (_websiteId, _agentId, teams) => {
      read.push([...teams]);
      return waiting;
    },
    withdraw: async (_websiteId, team, conversationId) => void withdrawn.push([team, conversationId]),
    assigneeOf: async (conversationId) => (await store.getConversation(conversationId))?.assigneeId,
  });
  return Object.assign(check, { read, withdrawn });
}

describe('withinCapacity', () => {
  it('gives a person no more than their capacity when queues on two instances offer them conversations at the same moment', async () => {
    const store = ctx.get();
    const other = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
    try {
      await store.upsertTeamMember({ id: 'usr_gail', websiteId: WEBSITE, name: 'Gail', kind: 'human', teams: ['support', 'billing', 'technical'], capacity: 2 });
      const conversations = await Promise.all(Array.from({ length: 6 }, () => newConversation(store, { websiteId: WEBSITE })));
      const assigners = [instanceAssigner(store, { delayMs: 30 }), instanceAssigner(other, { delayMs: 30 })];
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

  it('gives a person away nothing from an offer made before their queue heard it, answering no room (capacity 0)', async () => {
    const store = ctx.get();
    await store.upsertTeamMember({ id: 'usr_ava', websiteId: WEBSITE, name: 'Ava', kind: 'human', teams: ['support'], capacity: 3, status: 'away' });
    const conversationId = await newConversation(store, { websiteId: WEBSITE });
    const check = instanceAssigner(store);
    expect(await check({ websiteId: WEBSITE, team: 'support', conversationId, agentId: 'usr_ava', checksCapacity: true })).toEqual({ outcome: 'agent_full', open: 0, capacity: 0 });
    expect(await countOpenAssigned(store, WEBSITE, 'usr_ava')).toBe(0);
  });

  it('assigns as before for a queue that does not ask for the check (an earlier version)', async () => {
    const store = ctx.get();
    await store.upsertTeamMember({ id: 'usr_hal', websiteId: WEBSITE, name: 'Hal', kind: 'human', teams: ['support'], capacity: 1 });
    const assign = instanceAssigner(store);
    for (let i = 0; i < 2; i++) {
      const conversationId = await newConversation(store, { websiteId: WEBSITE });
      expect(await assign({ websiteId: WEBSITE, team: 'support', conversationId, agentId: 'usr_hal' })).toBe('assigned');
    }
    expect(await countOpenAssigned(store, WEBSITE, 'usr_hal')).toBe(2);
  });

  describe('a person in several teams with a slot free', () => {
    let people = 0;
    /** Gail, in the support, billing and technical teams (a new person each time: the store is shared). */
    async function gail(capacity = 1): Promise<string> {
      people += 1;
      const id = `usr_gail_${people}`;
      await ctx.get().upsertTeamMember({ id, websiteId: WEBSITE, name: 'Gail', kind: 'human', teams: ['support', 'billing', 'technical'], capacity });
      return id;
    }
    /** A medium conversation support's queue offers her, queued at 5,000 (workflow time). */
    const offerOf = (agentId: string, conversationId: string): AssignFromQueueInput => ({
      websiteId: WEBSITE,
      team: 'support',
      conversationId,
      agentId,
      checksCapacity: true,
      place: { priority: 'medium', since: 5_000 },
    });
    const conversations = (n: number) => Promise.all(Array.from({ length: n }, () => newConversation(ctx.get(), { websiteId: WEBSITE })));
    const waitingIn = (team: string, conversationId: string, place: Omit<WaitingEntry, 'team' | 'conversationId'>): WaitingEntry => ({ team, conversationId, ...place });
    const assigneeOf = async (conversationId: string) => (await ctx.get().getConversation(conversationId))?.assigneeId;

    it('gives her last slot to a conversation that comes first in another of her teams’ queues, takes it out of that line, and tells the offering queue', async () => {
      const store = ctx.get();
      const agentId = await gail();
      const [medium, urgent] = await conversations(2);
      const check = instanceAssigner(store, { waiting: [waitingIn('billing', urgent!, { priority: 'urgent', since: 9_000 })] });

      expect(await check(offerOf(agentId, medium!))).toEqual({ outcome: 'higher_priority_elsewhere', conversationId: urgent, team: 'billing', open: 1, capacity: 1 });
      expect([await assigneeOf(urgent!), await assigneeOf(medium!)]).toEqual([agentId, undefined]);
      expect(check.read).toEqual([['billing', 'technical']]);
      expect(check.withdrawn).toEqual([['billing', urgent]]);
    });

    it('at one priority, gives it to the one waiting longest: an undated entry (queued before entries were dated) before a dated one', async () => {
      const store = ctx.get();
      const [medium, older, undated] = await conversations(3);
      const check = instanceAssigner(store, { waiting: [waitingIn('billing', older!, { priority: 'medium', since: 4_000 })] });
      expect(await check(offerOf(await gail(), medium!))).toMatchObject({ outcome: 'higher_priority_elsewhere', conversationId: older });

      const first = instanceAssigner(store, { waiting: [waitingIn('technical', undated!, { priority: 'medium' })] });
      expect(await first(offerOf(await gail(), medium!))).toMatchObject({ outcome: 'higher_priority_elsewhere', conversationId: undated });
    });

    it('assigns the offered conversation while she has room for it and all that come first elsewhere, and when nothing elsewhere comes first', async () => {
      const store = ctx.get();
      const agentId = await gail(2);
      const [medium, later] = await conversations(2);
      const urgentElsewhere = [waitingIn('billing', 'conv_elsewhere', { priority: 'urgent', since: 9_000 })];
      expect(await instanceAssigner(store, { waiting: urgentElsewhere })(offerOf(agentId, medium!))).toBe('assigned');

      // One slot left: a medium one queued later and a low one elsewhere come after the offer.
      const after = [waitingIn('billing', 'conv_later', { priority: 'medium', since: 6_000 }), waitingIn('technical', 'conv_low', { priority: 'low', since: 1_000 })];
      const check = instanceAssigner(store, { waiting: after });
      expect(await check(offerOf(agentId, later!))).toBe('assigned');
      expect(check.withdrawn).toEqual([]);
      expect([await assigneeOf(medium!), await assigneeOf(later!)]).toEqual([agentId, agentId]);
    });

    it('gives the next that comes first when one was taken meanwhile, and the offered one when all were', async () => {
      const store = ctx.get();
      const [medium, high] = await conversations(2);
      const waiting = [waitingIn('billing', 'conv_gone', { priority: 'urgent', since: 9_000 }), waitingIn('technical', high!, { priority: 'high', since: 7_000 })];
      expect(await instanceAssigner(store, { waiting, taken: ['conv_gone'] })(offerOf(await gail(), medium!))).toMatchObject({ outcome: 'higher_priority_elsewhere', conversationId: high });

      const agentId = await gail();
      const check = instanceAssigner(store, { waiting: waiting.slice(0, 1), taken: ['conv_gone'] });
      expect(await check(offerOf(agentId, medium!))).toBe('assigned');
      expect(await assigneeOf(medium!)).toBe(agentId);
    });

    it('tells a queue whose offer waited while its conversation was given to her from another queue’s offer to drop it, not put it back in line', async () => {
      const store = ctx.get();
      const agentId = await gail();
      const [medium, urgent] = await conversations(2);
      const supportOffer = instanceAssigner(store, { waiting: [waitingIn('billing', urgent!, { priority: 'urgent', since: 9_000 })] });
      expect(await supportOffer(offerOf(agentId, medium!))).toMatchObject({ outcome: 'higher_priority_elsewhere', conversationId: urgent });

      const billingOffer = instanceAssigner(store);
      expect(await billingOffer({ ...offerOf(agentId, urgent!), team: 'billing', place: { priority: 'urgent', since: 9_000 } })).toBe('conversation_unavailable');
      expect(await billingOffer(offerOf(agentId, medium!))).toEqual({ outcome: 'agent_full', open: 1, capacity: 1 });
    });

    it('assigns as before an offer that does not say its place (a queue of an earlier version)', async () => {
      const store = ctx.get();
      const medium = await newConversation(store, { websiteId: WEBSITE });
      const { place: _place, ...unplaced } = offerOf(await gail(), medium);
      const check = instanceAssigner(store, { waiting: [waitingIn('billing', 'conv_urgent', { priority: 'urgent', since: 9_000 })] });
      expect(await check(unplaced)).toBe('assigned');
      expect(check.read).toEqual([]);
    });
  });
});
