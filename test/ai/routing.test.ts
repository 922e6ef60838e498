import { describe, expect, it } from 'vitest';
import { TeamQueueState } from '../../workflows/routing/team-queue-state';
import { chooseTeam, DEFAULT_ROUTING_RULES, type RoutingRules } from '../../workflows/routing/team-rules';
import { assignRejectionOutcome, createTeamQueueSignals, engineAssigner, type AssignerTeam } from '../../activities/ai/routing';
import type { ConversationLifecycle } from '../../domain/conversation';
import type { TeamMember } from '../../domain/people';
import type { RosterChange } from '../../workflows/conversation/definitions';
import { waitsForPerson } from '../../workflows/conversation/routing-notices';
import { openLifecycle } from './helpers';

/** The workflow's time, for the queue's held-back entries. */
const NOW = Date.UTC(2026, 11, 6);

describe('chooseTeam', () => {
  const rules: RoutingRules = {
    rules: [
      { team: 'vip', tags: ['billing'], priorities: ['urgent'] },
      ...DEFAULT_ROUTING_RULES.rules,
      { team: 'escalations', priorities: ['urgent'] },
    ],
    defaultTeam: 'support',
  };

  it('routes by tag', () => {
    expect(chooseTeam(rules, { tags: ['billing'], priority: 'medium' })).toBe('billing');
    expect(chooseTeam(rules, { tags: ['bug'], priority: 'low' })).toBe('technical');
  });

  it('needs both tag and priority when a rule lists both', () => {
    expect(chooseTeam(rules, { tags: ['billing'], priority: 'urgent' })).toBe('vip');
  });

  it('routes by priority alone', () => {
    expect(chooseTeam(rules, { tags: ['other'], priority: 'urgent' })).toBe('escalations');
  });

  it('falls back to the default team', () => {
    expect(chooseTeam(rules, { tags: [], priority: 'medium' })).toBe('support');
  });
});

describe('TeamQueueState', () => {
  const withAgents = () => {
    const state = new TeamQueueState();
    state.agentAvailable('ann', 2);
    state.agentAvailable('bob', 2);
    return state;
  };

  describe('#takeNext', () => {
    it('holds a conversation put back for later (its workflow set aside) and serves the ones behind it, then offers it again at its time, in its old place', () => {
      const state = withAgents();
      state.enqueue('c-aside', 'urgent');
      state.enqueue('c-next', 'medium');
      state.enqueue('c-last', 'low');
      const aside = state.takeNext(NOW)!;
      expect(aside.entry.conversationId).toBe('c-aside');
      state.putBackFrom(aside.entry, NOW + 60_000);
      expect(state.nextOfferIn(NOW)).toBe(60_000);
      expect(state.takeNext(NOW)).toMatchObject({ entry: { conversationId: 'c-next' } });
      expect(state.takeNext(NOW + 59_999)).toMatchObject({ entry: { conversationId: 'c-last' } });
      expect(state.takeNext(NOW + 59_999)).toBeUndefined();
      expect(state.takeNext(NOW + 60_000)).toMatchObject({ entry: { conversationId: 'c-aside', order: aside.entry.order } });
      expect(state.nextOfferIn(NOW + 60_000)).toBeUndefined();
    });

    it('hands out the highest priority first, first come first served within a priority', () => {
      const state = withAgents();
      state.enqueue('c-low', 'low');
      state.enqueue('c-med-1', 'medium');
      state.enqueue('c-urgent', 'urgent');
      state.enqueue('c-med-2', 'medium');
      const order: string[] = [];
      for (let next = state.takeNext(NOW); next; next = state.takeNext(NOW)) {
        order.push(next.entry.conversationId);
        state.assigned(next);
      }
      expect(order).toEqual(['c-urgent', 'c-med-1', 'c-med-2', 'c-low']);
    });

    it('offers a conversation someone let go of to anyone else, and keeps it waiting while only they could take it', () => {
      const state = withAgents();
      state.agentLoad('ann', 1);
      state.enqueue('c-let-go', 'urgent', 'bob');
      state.enqueue('c-new', 'low');
      // Bob, the least loaded, takes the other one; Ann the one Bob let go of.
      expect(state.peekNext(NOW)).toMatchObject({ entry: { conversationId: 'c-let-go' }, agentId: 'ann' });
      state.agentUnavailable('ann');
      expect(state.takeNext(NOW)).toMatchObject({ entry: { conversationId: 'c-new' }, agentId: 'bob' });
      expect(state.takeNext(NOW)).toBeUndefined();
      expect(state.waiting).toBe(1);
    });

    it('picks the least-loaded online agent, then who waited longest for one', () => {
      const state = withAgents();
      state.agentLoad('ann', 1);
      state.enqueue('c1', 'medium');
      state.enqueue('c2', 'medium');
      state.enqueue('c3', 'medium');
      const take = () => {
        const next = state.takeNext(NOW)!;
        state.assigned(next);
        return next.agentId;
      };
      expect([take(), take(), take()]).toEqual(['bob', 'ann', 'bob']);
    });

    it('keeps conversations waiting while everyone is at capacity or offline, and assigns when someone frees up', () => {
      const state = withAgents();
      state.agentLoad('ann', 2);
      state.agentUnavailable('bob');
      state.enqueue('c1', 'high');
      expect(state.takeNext(NOW)).toBeUndefined();
      expect(state.waiting).toBe(1);
      state.agentLoad('ann', 1);
      expect(state.takeNext(NOW)).toMatchObject({ entry: { conversationId: 'c1' }, agentId: 'ann' });
    });

    it('assigns as soon as an agent comes online', () => {
      const state = new TeamQueueState();
      state.enqueue('c1', 'medium');
      expect(state.peekNext(NOW)).toBeUndefined();
      state.agentAvailable('cid', 1);
      expect(state.peekNext(NOW)).toMatchObject({ agentId: 'cid' });
    });

    it('forgets an agent who left the team: nothing goes to them, and their slot is gone', () => {
      const state = withAgents();
      state.agentRemoved('ann');
      state.enqueue('c1', 'medium');
      expect(state.peekNext(NOW)).toMatchObject({ agentId: 'bob' });
      expect(state.snapshot().agents.map((a) => a.agentId)).toEqual(['bob']);
    });
  });

  describe('team-change notices', () => {
    it('keeps the newest of notices that arrive out of order, also when the newest took the agent off the team', () => {
      const state = withAgents();
      // Revision 7 moved ann out of this team; revision 5's notice, from another instance, comes after it.
      state.agentRemoved('ann', 7);
      state.agentAvailable('ann', 3, 5);
      state.agentLoad('ann', 0, 5);
      expect(state.snapshot().agents.map((a) => a.agentId)).toEqual(['bob']);
      // Bob's capacity went 1 at revision 8, then 4 at revision 9, told in the other order.
      state.agentAvailable('bob', 4, 9);
      state.agentAvailable('bob', 1, 8);
      state.agentUnavailable('bob', 8);
      expect(state.snapshot().agents).toEqual([expect.objectContaining({ agentId: 'bob', online: true, capacity: 4 })]);
      // Notices of one change come with one revision: each is taken.
      state.agentAvailable('ann', 2, 10);
      state.agentLoad('ann', 1, 10);
      expect(state.snapshot().agents).toContainEqual(expect.objectContaining({ agentId: 'ann', online: true, capacity: 2, open: 1 }));
    });

    it('takes no presence or load notice about an agent the newest team change took off the team, and carries that across continue-as-new', () => {
      const state = withAgents();
      state.agentRemoved('ann', 7);
      const copy = new TeamQueueState(JSON.parse(JSON.stringify(state.snapshot())));
      for (const queue of [state, copy]) {
        queue.agentAvailable('ann', 2);
        queue.agentLoad('ann', 0);
        queue.agentAvailable('ann', 2, 6);
        expect(queue.snapshot().agents.map((a) => a.agentId)).toEqual(['bob']);
      }
      // Presence still moves agents the queue has, and those no team change told it of.
      state.agentUnavailable('bob');
      state.agentAvailable('cid', 1);
      expect(state.snapshot().agents.map((a) => [a.agentId, a.online])).toEqual([
        ['bob', false],
        ['cid', true],
      ]);
    });
  });

  describe('#enqueue', () => {
    it('keeps one entry per conversation at its place in line, and gives it the priority it is queued with again', () => {
      const state = withAgents();
      state.enqueue('c1', 'low');
      state.enqueue('c2', 'medium');
      state.enqueue('c1', 'high', undefined, { takesLower: state.lowers('c1', 'high') });
      expect(state.snapshot().queue.map((e) => [e.conversationId, e.priority, e.order])).toEqual([
        ['c1', 'high', 1],
        ['c2', 'medium', 2],
      ]);
      expect(state.lowers('c1', 'low')).toBe(true);
      state.enqueue('c1', 'low', undefined, { takesLower: true });
      expect(state.snapshot().queue.map((e) => [e.conversationId, e.priority])).toEqual([
        ['c1', 'low'],
        ['c2', 'medium'],
      ]);
      expect(state.takeNext(0)?.entry.conversationId).toBe('c2');
    });

    it('dates a new entry as given, and keeps its date when it is queued again', () => {
      const state = withAgents();
      state.enqueue('c1', 'low', undefined, { since: 1_000 });
      state.enqueue('c2', 'medium');
      state.enqueue('c1', 'high', undefined, { since: 2_000 });
      expect(state.snapshot().queue.map((e) => [e.conversationId, e.priority, e.since])).toEqual([
        ['c1', 'high', 1_000],
        ['c2', 'medium', undefined],
      ]);
    });

    it('only ever raises the priority of an entry without `lowers` (queues replaying from before)', () => {
      const state = withAgents();
      state.enqueue('c1', 'high');
      state.enqueue('c1', 'low');
      expect(state.snapshot().queue.map((e) => e.priority)).toEqual(['high']);
    });
  });

  describe('#agentRefused', () => {
    it('puts the conversation back at its old place and marks the agent away', () => {
      const state = withAgents();
      state.enqueue('c1', 'medium');
      state.enqueue('c2', 'medium');
      const next = state.takeNext(NOW)!;
      state.agentRefused(next);
      expect(state.takeNext(NOW)).toMatchObject({ entry: { conversationId: 'c1' }, agentId: next.agentId === 'ann' ? 'bob' : 'ann' });
    });
  });

  describe('#assigned', () => {
    it('counts an assignment once when a load notice with it in came while it was offered, so the agent is offered the next one', () => {
      const state = new TeamQueueState();
      state.agentAvailable('lee', 2);
      state.enqueue('t0', 'medium');
      state.enqueue('t1', 'medium');
      const next = state.takeNext(NOW)!;
      const heardBefore = state.heardOf('lee');
      state.agentLoad('lee', 1); // the store's count, t0 in it, reported before the offer's answer came
      state.assigned(next, heardBefore);
      expect(state.snapshot().agents).toContainEqual(expect.objectContaining({ agentId: 'lee', open: 1 }));
      expect(state.takeNext(NOW)).toMatchObject({ entry: { conversationId: 't1' }, agentId: 'lee' });
    });

    it('counts it until the next load notice when none came meanwhile (and as before without heardBefore)', () => {
      const state = new TeamQueueState();
      state.agentAvailable('lee', 2);
      state.enqueue('t0', 'medium');
      state.assigned(state.takeNext(NOW)!, state.heardOf('lee'));
      expect(state.snapshot().agents).toContainEqual(expect.objectContaining({ agentId: 'lee', open: 1 }));
      state.enqueue('t1', 'medium');
      const next = state.takeNext(NOW)!;
      state.agentLoad('lee', 1);
      state.assigned(next);
      expect(state.snapshot().agents).toContainEqual(expect.objectContaining({ agentId: 'lee', open: 2 }));
    });
  });

  describe('#agentFull', () => {
    it('puts the conversation back at its place for someone else, and keeps the agent online at the load and capacity the store counted', () => {
      const state = withAgents();
      state.enqueue('c1', 'medium');
      state.enqueue('c2', 'medium');
      const next = state.takeNext(NOW)!;
      const other = next.agentId === 'ann' ? 'bob' : 'ann';
      state.agentFull(next, { open: 3, capacity: 3 }, state.heardOf(next.agentId));
      expect(state.snapshot().agents).toContainEqual(expect.objectContaining({ agentId: next.agentId, online: true, open: 3, capacity: 3 }));
      expect(state.takeNext(NOW)).toMatchObject({ entry: { conversationId: 'c1' }, agentId: other });
    });

    it('keeps what a load or availability notice said while the offer ran: it is as new as the count, or newer', () => {
      const state = withAgents();
      state.agentLoad('bob', 2);
      state.enqueue('c1', 'medium');
      const next = state.takeNext(NOW)!;
      const heardBefore = state.heardOf('ann');
      state.agentLoad('ann', 1); // Ann resolved one after the store counted 2
      state.agentFull(next, { open: 2, capacity: 2 }, heardBefore);
      expect(state.snapshot().agents).toContainEqual(expect.objectContaining({ agentId: 'ann', open: 1, capacity: 2 }));
      expect(state.takeNext(NOW)).toMatchObject({ entry: { conversationId: 'c1' }, agentId: 'ann' });
    });
  });

  describe('an agent gone offline', () => {
    const offline = (agentId: string, at: number) => {
      const state = withAgents();
      state.agentUnavailable(agentId);
      state.wentOffline(agentId, at);
      return state;
    };

    it('is asked about at once, and again when the release activity says the grace ends', () => {
      const state = offline('ann', NOW);
      expect(state.takeRelease(NOW)).toEqual({ agentId: 'ann', offlineForMs: 0 });
      expect(state.releaseDue(NOW)).toBeUndefined();
      state.releaseAnswered('ann', { outcome: 'not_yet', inMs: 60_000 }, NOW + 10);
      expect(state.nextReleaseIn(NOW + 10)).toBe(60_000);
      expect(state.takeRelease(NOW + 60_010)).toEqual({ agentId: 'ann', offlineForMs: 60_010 });
    });

    it('keeps the first time when told again, and is not noted while marked away for refusing work', () => {
      const state = offline('ann', NOW);
      state.wentOffline('ann', NOW + 5_000);
      expect(state.snapshot().offline).toEqual({ ann: { since: NOW, askAt: NOW } });
      state.wentOffline('bob', NOW); // still online here: nothing to note
      expect(state.snapshot().offline).not.toHaveProperty('bob');
    });

    it('is asked about again when a load notice says they hold conversations after a release, and forgotten when they come back', () => {
      const state = offline('ann', NOW);
      state.takeRelease(NOW);
      state.releaseAnswered('ann', { outcome: 'released', conversations: 2 }, NOW);
      state.heldWhileOffline('ann', 0, NOW + 1);
      expect(state.releaseDue(NOW + 1)).toBeUndefined();
      state.heldWhileOffline('ann', 1, NOW + 2); // reopened by its visitor
      expect(state.takeRelease(NOW + 2)).toEqual({ agentId: 'ann', offlineForMs: 2 });
      state.agentAvailable('ann', 3);
      state.releaseAnswered('ann', { outcome: 'not_yet', inMs: 1 }, NOW + 3);
      expect(state.snapshot().offline).toBeUndefined();
    });

    it('round-trips through continue-as-new', () => {
      const state = offline('ann', NOW);
      const copy = new TeamQueueState(JSON.parse(JSON.stringify(state.snapshot())));
      expect(copy.snapshot()).toEqual(state.snapshot());
      expect(copy.releaseDue(NOW)).toEqual({ agentId: 'ann', offlineForMs: 0 });
    });
  });

  describe('#snapshot', () => {
    it('round-trips through continue-as-new, an entry held back included', () => {
      const state = withAgents();
      state.enqueue('c1', 'urgent');
      state.enqueue('c2', 'low');
      state.putBackFrom(state.takeNext(NOW)!.entry, NOW + 1_000);
      const copy = new TeamQueueState(JSON.parse(JSON.stringify(state.snapshot())));
      expect(copy.snapshot()).toEqual(state.snapshot());
      expect(copy.takeNext(NOW)?.entry.conversationId).toBe('c2');
      expect(copy.takeNext(NOW + 1_000)?.entry.conversationId).toBe('c1');
    });
  });
});

describe('assignRejectionOutcome', () => {
  it('drops a conversation that is closed or already with a human', () => {
    expect(assignRejectionOutcome(openLifecycle({ status: 'resolved' }))).toBe('conversation_unavailable');
    expect(assignRejectionOutcome(openLifecycle({ assigneeId: 'ann', handler: 'human' }))).toBe('conversation_unavailable');
  });
  it('blames the agent otherwise', () => {
    expect(assignRejectionOutcome(openLifecycle({ handler: 'unassigned' }))).toBe('agent_unavailable');
    // Escalated and waiting: the agent is not on the team the workflow knows (left it; see engineAssigner for one not told of yet).
    expect(assignRejectionOutcome(openLifecycle({ handler: 'human', escalatedAt: '2026-12-04T10:00:00.000Z' }))).toBe('agent_unavailable');
  });
});

describe('engineAssigner', () => {
  const waiting = openLifecycle({ handler: 'human', escalatedAt: '2026-12-04T10:00:00.000Z' });
  const fay: TeamMember = { id: 'fay', websiteId: 'w1', name: 'Fay', kind: 'human', teams: ['support', 'billing'], capacity: 5 };

  /** A conversation waiting for a person, whose workflow knows the team `known` (ids) until told another. */
  function conversationKnowing(known: string[]) {
    const signalled: { signal: string; args: unknown[] }[] = [];
    let roster = known;
    let lifecycle = waiting;
    const engine = {
      query: async <R>() => lifecycle as R,
      signal: async (o: { workflowId: string; signal: string; args: unknown[] }) => {
        signalled.push({ signal: o.signal, args: o.args });
        roster = (o.args[0] as RosterChange).roster.map((m) => m.id);
      },
      executeUpdate: async <R>(o: { args: unknown[] }) => {
        const { userId, expectedAssigneeId, onlyWhileWaiting } = o.args[0] as { userId: string; expectedAssigneeId?: string | null; onlyWhileWaiting?: true };
        const refuse = (message: string) => Object.assign(new Error(message), { code: 'ERR_UPDATE_REJECTED' });
        if (!roster.includes(userId)) throw refuse(`${userId} is not a member of the team`);
        // As the workflow's validator judges an assignment made only while it waits, or as of an assignee.
        if (onlyWhileWaiting && !waitsForPerson(lifecycle)) throw refuse('conversation no longer waits for a person');
        if (expectedAssigneeId !== undefined && expectedAssigneeId !== (lifecycle.assigneeId ?? null)) throw refuse(`conversation was assigned to ${lifecycle.assigneeId} meanwhile`);
        lifecycle = { ...lifecycle, assigneeId: userId, handler: 'human' };
        return lifecycle as R;
      },
    };
    /** Someone changes the conversation (`change`) after routing's look at it and before its own assignment. */
    const changedMeanwhile = (change: Partial<ConversationLifecycle>) => {
      const look = engine.query;
      engine.query = async <R>() => {
        const seen = await look<R>();
        lifecycle = { ...lifecycle, ...change };
        engine.query = look;
        return seen;
      };
    };
    return { engine, signalled, changedMeanwhile, lifecycle: () => lifecycle };
  }
  const storeTeam = (members: TeamMember[]): AssignerTeam => ({
    getTeamMember: async (id) => members.find((m) => m.id === id),
    rosterNow: async (_websiteId, actor) => ({ actor, roster: members.map(({ id, kind }) => ({ id, kind })), revision: 7 }),
  });
  const offer = { websiteId: 'w1', team: 'billing', conversationId: 'c1', agentId: 'fay' };

  it('gives a conversation not told yet of a person on the team the team as the store holds it, and assigns it to them', async () => {
    const { engine, signalled } = conversationKnowing(['ann']);
    expect(await engineAssigner(engine, storeTeam([fay]))(offer)).toBe('assigned');
    expect(signalled).toEqual([{ signal: 'rosterChanged', args: [{ actor: { kind: 'system', id: 'routing' }, roster: [{ id: 'fay', kind: 'human' }], revision: 7 }] }]);
  });

  it('does not overwrite an assignment a person made between its look at the conversation and its own: the conversation is no longer the queue\'s', async () => {
    const { engine, changedMeanwhile, lifecycle } = conversationKnowing(['ann', 'fay']);
    changedMeanwhile({ assigneeId: 'ann' });
    expect(await engineAssigner(engine, storeTeam([fay]))(offer)).toBe('conversation_unavailable');
    expect(lifecycle().assigneeId).toBe('ann');
  });

  it('does not undo a hand-back to the AI made between its look at the conversation and its assignment', async () => {
    const { engine, changedMeanwhile, lifecycle } = conversationKnowing(['ann', 'fay']);
    changedMeanwhile({ handler: 'ai' });
    expect(await engineAssigner(engine, storeTeam([fay]))(offer)).toBe('conversation_unavailable');
    expect(lifecycle()).toMatchObject({ handler: 'ai' });
    expect(lifecycle().assigneeId).toBeUndefined();
  });

  it('blames the agent, telling the conversation nothing, when the store does not have them on the queue\'s team either', async () => {
    for (const members of [[], [{ ...fay, teams: ['support'] }], [{ ...fay, websiteId: 'w2' }]]) {
      const { engine, signalled } = conversationKnowing(['ann']);
      expect(await engineAssigner(engine, storeTeam(members))(offer)).toBe('agent_unavailable');
      expect(signalled).toEqual([]);
    }
  });
});

describe('createTeamQueueSignals', () => {
  it("tells each of a person's team queues, as they come online, their capacity and then their load as the store counts it", async () => {
    const sent: Array<{ workflowId: string; signal: string; args: unknown }> = [];
    const engine = { signalWithStart: async (o: { workflowId: string; signal: string; signalArgs: unknown[] }) => void sent.push({ workflowId: o.workflowId, signal: o.signal, args: o.signalArgs[0] }) };
    const lee: TeamMember = { id: 'lee', websiteId: 'w1', name: 'Lee', kind: 'human', teams: ['support', 'technical'], capacity: 2 };
    await createTeamQueueSignals(engine, async (websiteId, agentId) => (websiteId === 'w1' && agentId === 'lee' ? 1 : 0)).agentOnline(lee);
    expect(sent.map(({ workflowId, signal, args }) => [workflowId, signal, (args as { capacity?: number; open?: number }).capacity ?? (args as { open?: number }).open])).toEqual([
      ['team-queue:w1:support', 'agentAvailable', 2],
      ['team-queue:w1:technical', 'agentAvailable', 2],
      ['team-queue:w1:support', 'agentLoad', 1],
      ['team-queue:w1:technical', 'agentLoad', 1],
    ]);
  });
});
