/**
 * The AI assistant and routing over the wire, with the offline (rule-based) model: it answers a
 * knowledge question; a visitor asking for a person is escalated and queued while no agent is
 * online, or assigned to the agent whose inbox is open (until it closes); the agent joins and hands
 * back to the AI; a person added and online at once gets the conversations waiting for their team;
 * a person in two teams gets no more than their capacity from both, and more only by hand;
 * the assistant's configuration is read and replaced through `/v1/ai-agents`.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { DEFAULT_ROUTING_RULES } from '../../workflows/routing/team-rules';
import { AGENT, sleep, waitUntil } from './support/clients';
import { useTestApp } from './support/app';
import { queueSlotOf } from './support/teams';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';

const t = useTestApp();

const queuedIn = async (team: string) =>
  (await t.app.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(t.app.websiteId, team), query: teamQueueState.name }).catch(() => undefined))?.queue.map((e) => e.conversationId) ?? [];
const conversationOf = async (id: string) => (await t.api.call('GET', `/v1/conversations/${id}`, AGENT)).body.conversation;

/** A visitor with a conversation and a first message. */
async function visitorAsks(conversationId: string, text: string) {
  const visitor = { visitorId: await t.api.newVisitor() };
  const socket = await t.open(visitor);
  await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
  const asked = await t.api.call('POST', '/v1/messages', visitor, { conversationId, item: { id: `${conversationId}-q`, type: 'message', text } });
  expect(asked.status).toBe(201);
  return { visitor, socket };
}

describe('AI assistant and routing over the wire', () => {
  it('answers a knowledge question with the offline model, typing first, as the AI', async () => {
    const { socket } = await visitorAsks('ai-1', 'How do I reset my password?');
    const answer = await socket.waitFor((f) => f.type === 'timelineItemCreated' && f.payload.item.author.kind === 'ai' && f.payload.item.type === 'message', 20_000);
    expect(answer.payload.item).toMatchObject({ conversationId: 'ai-1', visibility: 'public', author: { kind: 'ai', id: DEFAULT_ASSISTANT_ID } });
    expect(answer.payload.item.text).toMatch(/Forgot password/);
    // Typing comes on the store's ephemeral stream, apart from the items: it may reach the socket after the answer.
    await socket.waitFor((f) => f.type === 'conversationTyping' && f.payload.conversationId === 'ai-1' && f.payload.actorType === 'ai' && f.payload.isTyping);
    // The AI's tool calls are private records: never sent to the visitor.
    expect(socket.of('timelineItemCreated', (p) => p.item.type === 'ai_tool_call')).toHaveLength(0);
    expect((await conversationOf('ai-1')).handler).toBe('ai');
  });

  it('escalates a visitor asking for a person and keeps it queued while no agent is online; the agent can then join', async () => {
    await visitorAsks('ai-2', 'Can I talk to a human please?');
    const escalated = await waitUntil(() => conversationOf('ai-2'), (c) => c.handler === 'human');
    expect(escalated).toMatchObject({ handler: 'human', escalatedAt: expect.any(String) });
    await sleep(500);
    expect((await conversationOf('ai-2')).assigneeId).toBeUndefined();

    const joined = await t.api.call('POST', '/v1/conversations/ai-2/participants', AGENT, { userId: AGENT.agent });
    expect(joined.status).toBe(200);
    expect(joined.body.conversation.participants).toContainEqual(expect.objectContaining({ id: AGENT.agent, kind: 'human' }));
  });

  it('routes an escalation to the agent whose inbox is open, who joins and then hands back to the AI', async () => {
    const inbox = await t.open(AGENT);
    const { socket } = await visitorAsks('ai-3', 'I want to speak to a real person');
    const assigned = await waitUntil(() => conversationOf('ai-3'), (c) => c.assigneeId !== undefined);
    expect(assigned).toMatchObject({ handler: 'human', assigneeId: AGENT.agent });
    await inbox.waitFor((f) => f.type === 'conversationUpdated' && f.payload.conversationId === 'ai-3' && f.payload.updates.assigneeId === AGENT.agent);

    expect((await t.api.call('POST', '/v1/conversations/ai-3/participants', AGENT, { userId: AGENT.agent })).status).toBe(200);
    // The AI does not take a conversation back from the people by itself: a backend acting as the assistant is refused.
    const byAssistant = await t.api.call('POST', '/v1/conversations/ai-3/handback', { agent: DEFAULT_ASSISTANT_ID }, {});
    expect(byAssistant.status).toBe(403);
    expect(byAssistant.body.error.message).toMatch(/person/);
    const handedBack = await t.api.call('POST', '/v1/conversations/ai-3/handback', AGENT, {});
    expect(handedBack.status).toBe(200);
    expect(handedBack.body.conversation.handler).toBe('ai');
    await socket.waitFor((f) => f.type === 'conversationUpdated' && f.payload.conversationId === 'ai-3' && f.payload.updates.handler === 'ai');
    const again = await t.api.call('POST', '/v1/conversations/ai-3/handback', AGENT, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ERR_INVALID_TRANSITION');
    // Handing back is for the team only.
    expect((await t.api.call('POST', '/v1/conversations/ai-3/handback', { visitorId: 'someone' }, {})).status).toBe(403);
  });

  it('keeps a backend acting as the assistant silent while the team has the conversation or the AI is paused; private notes and retries go through', async () => {
    const { socket } = await visitorAsks('ai-silent', 'How do I reset my password?');
    await socket.waitFor((f) => f.type === 'timelineItemCreated' && f.payload.item.author.kind === 'ai' && f.payload.item.type === 'message', 20_000);
    const AS_AI = { agent: DEFAULT_ASSISTANT_ID };
    const say = (id: string, type = 'message') => t.api.call('POST', '/v1/messages', AS_AI, { conversationId: 'ai-silent', item: { id, type, text: `From the bot (${id})` } });
    expect((await say('ai-silent-1')).status).toBe(201);

    expect((await t.api.call('POST', '/v1/conversations/ai-silent/ai/pause', AGENT, { minutes: 5 })).status).toBe(200);
    const whilePaused = await say('ai-silent-2');
    expect(whilePaused.status).toBe(409);
    expect(whilePaused.body.error.message).toMatch(/paused .* until/);
    expect((await t.api.call('POST', '/v1/conversations/ai-silent/ai/resume', AGENT, {})).status).toBe(200);

    expect((await t.api.call('POST', '/v1/conversations/ai-silent/participants', AGENT, { userId: AGENT.agent })).body.conversation.handler).toBe('human');
    const overThePerson = await say('ai-silent-3');
    expect(overThePerson.status).toBe(409);
    expect(overThePerson.body.error).toMatchObject({ code: 'ERR_INVALID_TRANSITION', message: expect.stringMatching(/team handles this conversation/) });
    expect((await say('ai-silent-note', 'note')).status).toBe(201);
    // What was stored before the person took over is answered again on a retry, not refused.
    const retried = await say('ai-silent-1');
    expect([retried.status, retried.body.item.id]).toEqual([201, 'ai-silent-1']);
    const publicTexts = (await t.api.call('GET', '/v1/conversations/ai-silent/timeline', { visitorId: (await conversationOf('ai-silent')).visitorId }))
      .body.items.filter((i: { author: { kind: string } }) => i.author.kind === 'ai').map((i: { text?: string }) => i.text);
    expect(publicTexts.filter((text: string | undefined) => text?.startsWith('From the bot'))).toEqual(['From the bot (ai-silent-1)']);

    expect((await t.api.call('POST', '/v1/conversations/ai-silent/handback', AGENT, {})).status).toBe(200);
    expect((await say('ai-silent-4')).status).toBe(201);
  });

  it('refuses to hand a conversation back to an assistant that is switched off, which would hand it over again', async () => {
    await visitorAsks('ai-6', 'Can I talk to a human please?');
    await waitUntil(() => conversationOf('ai-6'), (c) => c.handler === 'human');
    const off = await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { enabled: false });
    expect(off.status).toBe(200);
    try {
      const refused = await t.api.call('POST', '/v1/conversations/ai-6/handback', AGENT, {});
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'ERR_CONFLICT', details: { assistantId: DEFAULT_ASSISTANT_ID } });
      expect(refused.body.error.message).toMatch(/switched off/);
      expect((await conversationOf('ai-6')).handler).toBe('human');
    } finally {
      expect((await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { enabled: true })).status).toBe(200);
    }
    expect((await t.api.call('POST', '/v1/conversations/ai-6/handback', AGENT, {})).body.conversation.handler).toBe('ai');
  });

  it('changes some fields of the configuration with PATCH, leaving the others as they are', async () => {
    const before = (await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent;
    expect(before.knowledge.length).toBeGreaterThan(0);
    try {
      const patched = await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { enabled: false, debounceMs: 0 });
      expect(patched.status).toBe(200);
      expect(patched.body.agent).toEqual({ ...before, enabled: false, debounceMs: 0 });
      expect((await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent).toEqual(patched.body.agent);
      // Checked as a whole as a PUT is: a typo, or a value the rest makes wrong, changes nothing.
      const typo = await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { enable: true });
      expect([typo.status, typo.body.error.details.fields]).toEqual([400, [{ path: 'body.enable', message: 'unknown field' }]]);
      const hoursAlone = await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { onlyOutsideBusinessHours: true });
      expect(hoursAlone.status).toBe(400);
      expect((await t.api.call('PATCH', `/v1/ai-agents/${AGENT.agent}`, AGENT, { enabled: true })).status).toBe(404);
      expect((await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent).toEqual(patched.body.agent);
      // An optional field given as null is taken off; a required one cannot be.
      const hours = { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
      expect((await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { businessHours: hours })).body.agent.businessHours).toEqual(hours);
      const clearedHours = await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { businessHours: null });
      expect(clearedHours.status).toBe(200);
      expect(clearedHours.body.agent).toEqual(patched.body.agent);
      expect((await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { knowledge: null })).status).toBe(400);
    } finally {
      expect((await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { enabled: true, debounceMs: before.debounceMs })).body.agent).toEqual(before);
    }
  });

  it('stops routing to an agent once their last socket closes', async () => {
    await t.closeSockets();
    // Away once the queues of all the agent's teams have heard so: an escalation routed before that would still go to them.
    const { teams } = (await t.api.call('GET', '/v1/team', AGENT)).body.members.find((m: { id: string }) => m.id === AGENT.agent) as { teams: string[] };
    const online = async () => (await Promise.all(teams.map((team) => queueSlotOf(t.app, team, AGENT.agent)))).some((slot) => slot?.online === true);
    await expect.poll(online).toBe(false);
    await visitorAsks('ai-5', 'Please let me talk to a human');
    await waitUntil(() => conversationOf('ai-5'), (c) => c.handler === 'human');
    await sleep(500);
    expect((await conversationOf('ai-5')).assigneeId).toBeUndefined();
  });

  it('gives a person added and online at once the conversations waiting for their team, before the conversations were told of them', async () => {
    // A team of its own, whose only member never comes online: its conversations wait in its queue.
    expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-keeper', name: 'Keeper', teams: ['newcomers'] })).status).toBe(201);
    expect((await t.api.call('PUT', '/v1/settings/routing', AGENT, { rules: [{ team: 'newcomers', tags: ['newcomer'] }], defaultTeam: 'support' })).status).toBe(200);
    try {
      const ids = ['join-1', 'join-2', 'join-3'];
      for (const id of ids) {
        const visitor = { visitorId: await t.api.newVisitor() };
        expect((await t.api.call('POST', '/v1/conversations', visitor, { conversationId: id })).status).toBe(201);
        expect((await t.api.call('POST', `/v1/conversations/${id}/tags`, AGENT, { add: ['newcomer'] })).status).toBe(200);
        expect((await t.api.call('POST', `/v1/conversations/${id}/escalate`, AGENT, { reason: 'for the newcomers' })).status).toBe(200);
      }
      await expect.poll(() => queuedIn('newcomers'), { timeout: 10_000 }).toEqual(ids);

      // What a backend creating its people at their first sign-in does: add, make a token, connect at once
      // (within the second before the conversations are told of the person).
      expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-fay', name: 'Fay', teams: ['support', 'newcomers'], capacity: 5 })).status).toBe(201);
      const { token } = (await t.api.call('POST', '/v1/team/members/usr-fay/tokens', { agent: null }, {})).body;
      const inbox = await t.open({ memberToken: token });
      for (const id of ids) await expect.poll(async () => (await conversationOf(id)).assigneeId, { timeout: 10_000 }).toBe('usr-fay');
      // Not marked away: the queues go on offering her conversations.
      expect(await queueSlotOf(t.app, 'newcomers', 'usr-fay')).toMatchObject({ online: true });
      await inbox.close();
    } finally {
      expect((await t.api.call('PUT', '/v1/settings/routing', AGENT, DEFAULT_ROUTING_RULES)).status).toBe(200);
    }
  });

  it('routes a person in two teams no more than their capacity in all, while an agent may still assign them more by hand', async () => {
    expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-ivy', name: 'Ivy', teams: ['ivy-a', 'ivy-b'], capacity: 1 })).status).toBe(201);
    const rules = { rules: [{ team: 'ivy-a', tags: ['ivy-a'] }, { team: 'ivy-b', tags: ['ivy-b'] }], defaultTeam: 'support' };
    expect((await t.api.call('PUT', '/v1/settings/routing', AGENT, rules)).status).toBe(200);
    /** A conversation tagged for `team` and escalated there by an agent. */
    const escalatedTo = async (id: string, team: string) => {
      const visitor = { visitorId: await t.api.newVisitor() };
      expect((await t.api.call('POST', '/v1/conversations', visitor, { conversationId: id })).status).toBe(201);
      expect((await t.api.call('POST', `/v1/conversations/${id}/tags`, AGENT, { add: [team] })).status).toBe(200);
      expect((await t.api.call('POST', `/v1/conversations/${id}/escalate`, AGENT, { reason: `for ${team}` })).status).toBe(200);
      await expect.poll(() => queuedIn(team), { timeout: 10_000 }).toContain(id);
    };
    const assigneeOf = async (id: string) => (await conversationOf(id)).assigneeId;
    try {
      await escalatedTo('ivy-1', 'ivy-a');
      await escalatedTo('ivy-2', 'ivy-b');
      const { token } = (await t.api.call('POST', '/v1/team/members/usr-ivy/tokens', { agent: null }, {})).body;
      const inbox = await t.open({ memberToken: token });
      // Both queues offer her one at once: she gets one, the other waits, and both queues know her as full, still online.
      for (const team of ['ivy-a', 'ivy-b']) await expect.poll(() => queueSlotOf(t.app, team, 'usr-ivy'), { timeout: 10_000 }).toMatchObject({ online: true, open: 1 });
      const assignees = await Promise.all(['ivy-1', 'ivy-2'].map(assigneeOf));
      expect(assignees.filter((a) => a === 'usr-ivy')).toHaveLength(1);
      const waiting = assignees[0] === 'usr-ivy' ? 'ivy-2' : 'ivy-1';
      expect([...(await queuedIn('ivy-a')), ...(await queuedIn('ivy-b'))]).toEqual([waiting]);

      // Capacity limits routing, not people: an agent gives her the waiting one too.
      const byHand = await t.api.call('POST', `/v1/conversations/${waiting}/assign`, AGENT, { userId: 'usr-ivy' });
      expect(byHand.status).toBe(200);
      expect(byHand.body.conversation.assigneeId).toBe('usr-ivy');
      await escalatedTo('ivy-3', 'ivy-a');
      await sleep(500);
      expect(await assigneeOf('ivy-3')).toBeUndefined();
      await inbox.close();
    } finally {
      expect((await t.api.call('PUT', '/v1/settings/routing', AGENT, DEFAULT_ROUTING_RULES)).status).toBe(200);
    }
  });

  it('reads and replaces the assistant configuration the AI answers from', async () => {
    const listed = await t.api.call('GET', '/v1/ai-agents', { agent: null });
    expect(listed.body.agents).toEqual([expect.objectContaining({ id: DEFAULT_ASSISTANT_ID, model: 'builtin:rules' })]);
    const knowledge = [...listed.body.agents[0].knowledge, { id: 'hours', title: 'Opening hours', text: 'Our office opens at 9 and closes at 17, Monday to Friday.' }];
    const put = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { knowledge, debounceMs: 0 });
    expect(put.status).toBe(200);
    expect(put.body.agent).toMatchObject({ id: DEFAULT_ASSISTANT_ID, name: 'Acme Assistant', knowledge, debounceMs: 0 });
    expect((await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent.knowledge).toEqual(knowledge);
    expect((await t.api.call('PUT', `/v1/ai-agents/${AGENT.agent}`, AGENT, {})).status).toBe(404);
    // Not an object, or a field the configuration has not (a typo): refused, and nothing replaced.
    const array = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, [1]);
    expect(array.status).toBe(400);
    const typo = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { knowledge, instruction: 'Be brief' });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details.fields).toEqual([{ path: 'body.instruction', message: 'unknown field' }]);
    expect((await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent.knowledge).toEqual(knowledge);

    const { socket } = await visitorAsks('ai-4', 'What are the opening hours of your office?');
    const answer = await socket.waitFor((f) => f.type === 'timelineItemCreated' && f.payload.item.author.kind === 'ai' && f.payload.item.type === 'message', 20_000);
    expect(answer.payload.item.text).toMatch(/opens at 9/);
  });
});
