import { describe, expect, it } from 'vitest';
import { ROUTING_RULES_SETTING } from '../../activities/ai';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { DEFAULT_ROUTING_RULES } from '../../workflows/routing/team-rules';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

/** A conversation whose workflow runs (the AI handles it), made by a new visitor. */
async function runningConversation(id: string): Promise<void> {
  const visitor = { visitorId: await t.api.newVisitor() };
  expect((await t.api.call('POST', '/v1/conversations', visitor, { conversationId: id, defaultTimelineItems: [{ id: `${id}-q`, type: 'message', text: 'hello' }] })).status).toBe(201);
  await expect.poll(async () => (await t.app.engine.describe(`conversation:${id}`)).status).toBe('running');
}

const assign = (conversationId: string, userId: string) => t.api.call('POST', `/v1/conversations/${conversationId}/assign`, AGENT, { userId });
const events = async (conversationId: string) =>
  ((await t.api.call('GET', `/v1/conversations/${conversationId}/timeline?limit=100`, AGENT)).body.items as { type: string; event?: { kind: string; targetId?: string }; author: { id: string } }[])
    .filter((item) => item.type === 'event')
    .map((item) => `${item.event!.kind}:${item.event!.targetId ?? ''} by ${item.author.id}`);
const agentIn = async (team: string, agentId: string) =>
  (await t.app.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(t.app.websiteId, team), query: teamQueueState.name }).catch(() => undefined))?.agents.find((a) => a.agentId === agentId);
const queued = async (team: string) =>
  (await t.app.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(t.app.websiteId, team), query: teamQueueState.name }).catch(() => undefined))?.queue.map((e) => e.conversationId) ?? [];

/** How many changes the website changes workflow was told of: each starts a round over the running conversations. */
const changesTold = async () =>
  (await t.app.engine.history(`website-changes:${t.app.websiteId}`).catch(() => [])).filter((entry) => entry.kind === 'signal_received').length;

describe('Team members', () => {
  it('a person added can act at once, and conversations already running learn of them', async () => {
    await runningConversation('team-1');
    expect((await assign('team-1', 'usr-sam')).body.error.message).toContain('No team member usr-sam');
    const added = await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-sam', name: 'Sam', teams: ['support', 'support'] });
    expect(added.status).toBe(201);
    expect(added.body.member).toEqual({ id: 'usr-sam', name: 'Sam', kind: 'human', teams: ['support'], capacity: 10, online: false, status: 'available', routed: true });
    expect((await t.api.call('GET', '/v1/conversations', { agent: 'usr-sam' })).status).toBe(200);
    // The workflow checks the assignee against the team it knows: it accepts once the roster workflow told it.
    await expect.poll(async () => (await assign('team-1', 'usr-sam')).status, { timeout: 10_000 }).toBe(200);
    const audit = (await t.api.call('GET', '/v1/conversations/team-1/audit', AGENT)).body.entries as { kind: string; name?: string; actor?: { id: string } }[];
    expect(audit).toContainEqual(expect.objectContaining({ kind: 'signal_received', name: 'rosterChanged', actor: { kind: 'human', id: 'agent_alex' } }));
    const team = (await t.api.call('GET', '/v1/team', AGENT)).body.members;
    expect(team).toContainEqual({ id: 'usr-sam', name: 'Sam', kind: 'human', teams: ['support'], capacity: 10, online: false, status: 'available', routed: true });
    expect(team).toContainEqual(expect.objectContaining({ id: DEFAULT_ASSISTANT_ID, kind: 'ai', online: true }));
  });

  it('adding with an id is safe to retry; the id of someone else is a conflict; without an id the server gives one', async () => {
    const body = { id: 'usr-kim', name: 'Kim', teams: ['billing'], capacity: 3 };
    expect((await t.api.call('POST', '/v1/team/members', AGENT, body)).status).toBe(201);
    const retry = await t.api.call('POST', '/v1/team/members', AGENT, body);
    expect(retry.status).toBe(200);
    expect(retry.body.member).toMatchObject({ id: 'usr-kim', capacity: 3 });
    const other = await t.api.call('POST', '/v1/team/members', AGENT, { ...body, name: 'Kim Two' });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toContain('usr-kim is taken');
    const fresh = await t.api.call('POST', '/v1/team/members', AGENT, { name: 'Lee' });
    expect(fresh.status).toBe(201);
    expect(fresh.body.member).toMatchObject({ id: expect.stringMatching(/^usr_[0-9a-f]{24}$/), teams: [], capacity: 10 });
    expect((await t.api.call('GET', `/v1/team/members/${fresh.body.member.id}`, AGENT)).body.member.name).toBe('Lee');
  });

  it('adding without an id is safe to retry under an Idempotency-Key', async () => {
    const add = (body: object, key: string, who = AGENT) => t.api.call('POST', '/v1/team/members', who, body, { 'Idempotency-Key': key });
    const first = await add({ name: 'Mo', teams: ['support'] }, 'add-mo-1');
    expect(first.status).toBe(201);
    const retry = await add({ name: 'Mo', teams: ['support'] }, 'add-mo-1');
    expect(retry.status).toBe(200);
    expect(retry.body.member.id).toBe(first.body.member.id);
    // Another key is another person; the same key with other fields is a conflict, as under a chosen id.
    const second = await add({ name: 'Mo', teams: ['support'] }, 'add-mo-2');
    expect(second.status).toBe(201);
    expect(second.body.member.id).not.toBe(first.body.member.id);
    expect((await add({ name: 'Moe' }, 'add-mo-1')).status).toBe(409);
    // The key is the acting member's: someone else's same key makes someone else.
    expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-kay', name: 'Kay' })).status).toBe(201);
    expect((await t.api.call('POST', '/v1/team/members', { agent: 'usr-kay' }, { name: 'Mo' }, { 'Idempotency-Key': 'add-mo-1' })).status).toBe(201);
    const bad = await add({ name: 'Mo' }, 'no spaces allowed');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
    const members = (await t.api.call('GET', '/v1/team', AGENT)).body.members as { name: string }[];
    expect(members.filter((m) => m.name === 'Mo')).toHaveLength(3);
    // The key named one request: once its person is removed, it brings nobody back, whatever the fields.
    expect((await t.api.call('DELETE', `/v1/team/members/${first.body.member.id}`, AGENT)).status).toBe(204);
    const toldBefore = await changesTold();
    for (const body of [{ name: 'Mo', teams: ['support'] }, { name: 'Someone else' }]) {
      const late = await add(body, 'add-mo-1');
      expect(late.status).toBe(409);
      expect(late.body.error.message).toContain('has since been removed');
    }
    // Refused before anything was told.
    expect(await changesTold()).toBe(toldBefore);
    expect((await t.api.call('GET', `/v1/team/members/${first.body.member.id}`, AGENT)).status).toBe(404);
  });

  it('a change of teams or capacity reaches the team queues while the person is online', async () => {
    await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-ola', name: 'Ola', teams: ['support'], capacity: 2 });
    const socket = await t.open({ agent: 'usr-ola' });
    await expect.poll(() => agentIn('support', 'usr-ola')).toMatchObject({ online: true, capacity: 2 });
    const changed = await t.api.call('PATCH', '/v1/team/members/usr-ola', AGENT, { teams: ['billing'], capacity: 4 });
    expect(changed.status).toBe(200);
    expect(changed.body.member).toMatchObject({ name: 'Ola', teams: ['billing'], capacity: 4, online: true });
    expect(await agentIn('billing', 'usr-ola')).toMatchObject({ online: true, capacity: 4, open: 0 });
    // The team Ola left forgets Ola.
    expect(await agentIn('support', 'usr-ola')).toBeUndefined();
    const renamed = await t.api.call('PATCH', '/v1/team/members/usr-ola', AGENT, { name: 'Ola N.' });
    expect(renamed.body.member).toMatchObject({ name: 'Ola N.', teams: ['billing'], capacity: 4 });
    await socket.close();
  });

  it('a person removed leaves their open conversations, whose assignment goes back to the team queue', async () => {
    await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-max', name: 'Max', teams: ['support'] });
    await runningConversation('team-2');
    await expect.poll(async () => (await assign('team-2', 'usr-max')).status, { timeout: 10_000 }).toBe(200);
    expect((await t.api.call('POST', '/v1/messages', { agent: 'usr-max' }, { conversationId: 'team-2', item: { id: 'team-2-a', type: 'message', text: 'On it' } })).status).toBe(201);
    await expect.poll(() => events('team-2')).toContain('participant_joined:usr-max by usr-max');

    expect((await t.api.call('DELETE', '/v1/team/members/usr-max', AGENT)).status).toBe(204);
    await expect.poll(() => events('team-2'), { timeout: 10_000 }).toEqual(expect.arrayContaining(['unassigned:usr-max by agent_alex', 'participant_left:usr-max by agent_alex']));
    await expect.poll(async () => (await t.api.call('GET', '/v1/conversations/team-2', AGENT)).body.conversation).not.toHaveProperty('assigneeId');
    // Nobody of the support team is online here, so it waits in that queue.
    await expect.poll(() => queued('support')).toContain('team-2');
    expect((await t.api.call('GET', '/v1/team/members/usr-max', AGENT)).status).toBe(404);
    expect(await agentIn('support', 'usr-max')).toBeUndefined();
    // Named still, for the timelines that mention him.
    const team = (await t.api.call('GET', '/v1/team', AGENT)).body;
    expect(team.members.map((m: { id: string }) => m.id)).not.toContain('usr-max');
    expect(team.formerMembers).toContainEqual({ id: 'usr-max', name: 'Max' });
    // And for visitors, whose widget asks for him by id (older timelines name him); nobody lists the people removed.
    const visitor = { visitorId: await t.api.newVisitor() };
    const widget = (await t.api.call('GET', '/v1/websites', visitor)).body;
    expect(widget.availableHumanAgents.map((m: { id: string }) => m.id)).not.toContain('usr-max');
    expect(JSON.stringify(widget)).not.toContain('usr-max');
    const names = await t.api.call('GET', '/v1/websites/members?ids=usr-max,agent_alex,nobody,usr-max', visitor);
    expect(names.body.members).toEqual([{ id: 'agent_alex', name: expect.any(String) }, { id: 'usr-max', name: 'Max' }]);
    const tooMany = await t.api.call('GET', `/v1/websites/members?ids=${Array.from({ length: 51 }, (_, i) => `u${i}`).join(',')}`, visitor);
    expect(tooMany.body.error.details.fields).toEqual([expect.objectContaining({ path: 'query.ids' })]);
    expect((await t.api.call('GET', '/v1/websites/members?ids=a&ids=b', visitor)).status).toBe(400);
    expect((await t.api.call('GET', '/v1/websites/members?ids=usr-max', {})).status).toBe(401);
    expect((await t.api.call('GET', '/v1/conversations', { agent: 'usr-max' })).status).toBe(401);
    expect((await assign('team-2', 'usr-max')).status).toBe(400);
    // A retry answers the same (the first attempt may have stopped before passing it on); nobody unknown is removed.
    expect((await t.api.call('DELETE', '/v1/team/members/usr-max', AGENT)).status).toBe(204);
    expect((await t.api.call('GET', '/v1/team', AGENT)).body.formerMembers).toContainEqual({ id: 'usr-max', name: 'Max' });
    expect((await t.api.call('DELETE', '/v1/team/members/usr-nobody', AGENT)).status).toBe(404);
    // Max comes back under the same id: on the team again, and the conversations know him again.
    const back = await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-max', name: 'Max', teams: ['billing'] });
    expect(back.status).toBe(201);
    expect(back.body.member).toMatchObject({ id: 'usr-max', teams: ['billing'] });
    await expect.poll(async () => (await assign('team-2', 'usr-max')).status, { timeout: 10_000 }).toBe(200);
  });

  it('closes the sockets a person removed had open: they hear nothing more', async () => {
    await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-gone', name: 'Gone', teams: ['support'] });
    const socket = await t.open({ agent: 'usr-gone' });
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
    expect((await t.api.call('DELETE', '/v1/team/members/usr-gone', AGENT)).status).toBe(204);
    expect(await closed).toBe(4003);
  });

  it('refuses what is not a field or out of range, naming it, and changes only people of the website', async () => {
    const bad = await t.api.call('POST', '/v1/team/members', AGENT, { name: ' ', capacity: 0, teams: 'support', role: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.capacity', 'body.name', 'body.role', 'body.teams']);
    const nothing = await t.api.call('PATCH', '/v1/team/members/agent_alex', AGENT, {});
    expect(nothing.status).toBe(400);
    expect((await t.api.call('PATCH', '/v1/team/members/nobody', AGENT, { capacity: 2 })).status).toBe(404);
    const assistant = await t.api.call('DELETE', `/v1/team/members/${DEFAULT_ASSISTANT_ID}`, AGENT);
    expect(assistant.status).toBe(409);
    expect(assistant.body.error.message).toContain('/v1/ai-agents');
    for (const id of ['backend', 'lifecycle', 'routing']) {
      const reserved = await t.api.call('POST', '/v1/team/members', AGENT, { id, name: 'System' });
      expect(reserved.body.error.details.fields).toEqual([expect.objectContaining({ path: 'body.id', message: `${id} is reserved` })]);
    }
    for (const name of ['x\u0000y', 'two\nlines', '\u202Eevil']) {
      const misleading = await t.api.call('POST', '/v1/team/members', AGENT, { name });
      expect(misleading.body.error.details.fields).toEqual([expect.objectContaining({ path: 'body.name', message: 'no control or text-direction characters' })]);
    }
    const visitor = { visitorId: await t.api.newVisitor() };
    expect((await t.api.call('GET', '/v1/team/members/agent_alex', visitor)).status).toBe(403);
    expect((await t.api.call('POST', '/v1/team/members', { agent: null }, { name: 'Zed' })).status).toBe(403);
    expect((await t.api.call('POST', '/v1/team/members', { agent: DEFAULT_ASSISTANT_ID }, { name: 'Zed' })).status).toBe(403);
  });

  it('refuses to leave a team the routing rules send conversations to with nobody in it', async () => {
    // Alex is the only person in `technical` (the demo's rules name it).
    const emptied = await t.api.call('PATCH', '/v1/team/members/agent_alex', AGENT, { teams: ['support'] });
    expect(emptied.status).toBe(409);
    expect(emptied.body.error).toMatchObject({ code: 'ERR_CONFLICT', details: { teams: ['technical'] } });
    // A refused removal tells the running conversations nothing (no round over them starts).
    const toldBefore = await changesTold();
    expect((await t.api.call('DELETE', '/v1/team/members/agent_alex', AGENT)).status).toBe(409);
    expect(await changesTold()).toBe(toldBefore);
    expect((await t.api.call('GET', '/v1/team/members/agent_alex', AGENT)).body.member.teams).toContain('technical');
  });

  it('lets only one of two removals at once empty a routed team', async () => {
    await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-v1', name: 'V1', teams: ['vip'] });
    await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-v2', name: 'V2', teams: ['vip'] });
    expect((await t.api.call('PUT', '/v1/settings/routing', AGENT, { rules: [{ team: 'vip', tags: ['vip'] }], defaultTeam: 'support' })).status).toBe(200);
    try {
      const both = await Promise.all(['usr-v1', 'usr-v2'].map((id) => t.api.call('DELETE', `/v1/team/members/${id}`, AGENT)));
      expect(both.map((answer) => answer.status).sort()).toEqual([204, 409]);
    } finally {
      await t.api.call('PUT', '/v1/settings/routing', AGENT, DEFAULT_ROUTING_RULES);
    }
  });

  it('does not let a change bring back a person removed at the same moment', async () => {
    for (let i = 0; i < 5; i += 1) {
      const id = `usr-race-${i}`;
      await t.api.call('POST', '/v1/team/members', AGENT, { id, name: 'Racer', teams: ['support'] });
      const [removed, changed] = await Promise.all([t.api.call('DELETE', `/v1/team/members/${id}`, AGENT), t.api.call('PATCH', `/v1/team/members/${id}`, AGENT, { name: 'Renamed' })]);
      expect(removed.status).toBe(204);
      expect([200, 404]).toContain(changed.status);
      expect((await t.api.call('GET', `/v1/team/members/${id}`, AGENT)).status).toBe(404);
    }
  });

  it('answers every retry of a removal 204, also while other changes of the team run at the same moment', async () => {
    for (let round = 0; round < 5; round += 1) {
      const ids = [`usr-again-x${round}`, `usr-again-y${round}`];
      for (const id of ids) await t.api.call('POST', '/v1/team/members', AGENT, { id, name: id, teams: ['support'] });
      const answers = await Promise.all([
        ...[...ids, ...ids].map((id) => t.api.call('DELETE', `/v1/team/members/${id}`, AGENT)),
        t.api.call('PATCH', '/v1/team/members/agent_alex', AGENT, { capacity: 10 }),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204, 204, 200]);
    }
  });

  it('does not hold up changes elsewhere because of a team already empty', async () => {
    // Rules written by other means than the API may name a team nobody is in.
    await t.app.store.putSetting(t.app.websiteId, ROUTING_RULES_SETTING, { rules: [{ team: 'ghosts', tags: ['boo'] }], defaultTeam: 'support' });
    try {
      expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-gus', name: 'Gus', teams: ['support'] })).status).toBe(201);
      expect((await t.api.call('PATCH', '/v1/team/members/usr-gus', AGENT, { name: 'Gus B.' })).status).toBe(200);
      expect((await t.api.call('DELETE', '/v1/team/members/usr-gus', AGENT)).status).toBe(204);
    } finally {
      await t.api.call('PUT', '/v1/settings/routing', AGENT, DEFAULT_ROUTING_RULES);
    }
  });
});
