/**
 * A person's status (available / away), over the wire: an away person with the inbox open is
 * offered nothing and does not make the widget or the hand-off say the team is there, until they
 * are available again; the status is kept with the person across reconnects; they set their own, an
 * admin anyone's; and the team's sockets hear it.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_AWAY_MESSAGE } from '../../activities/ai/config';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueView } from '../../workflows/routing/team-queue-state';
import { AGENT, type Who } from './support/clients';
import { useTestApp } from './support/app';
import { askForPerson } from './support/ask-for-person';
import { queueSlotOf } from './support/teams';

const t = useTestApp();

const availability = async () => (await t.api.call('GET', '/v1/websites', { visitorId: await t.api.newVisitor() })).body.availability;
const onTeamPage = async (id: string) => ((await t.api.call('GET', '/v1/team', AGENT)).body.members as Array<{ id: string; online: boolean; status: string }>).find((m) => m.id === id);
const assigneeOf = async (conversationId: string) => (await t.api.call('GET', `/v1/conversations/${conversationId}`, AGENT)).body.conversation.assigneeId;
const setOwnStatus = (who: Who, status: string) => t.api.call('PUT', '/v1/team/me/status', who, { status });

/** A person in the support team, removed after the test. */
async function supportPerson(id: string): Promise<Who> {
  expect((await t.api.call('POST', '/v1/team/members', AGENT, { id, name: id, teams: ['support'] })).status).toBe(201);
  onTestFinished(async () => void (await t.api.call('DELETE', `/v1/team/members/${id}`, AGENT)));
  return { agent: id };
}

/** Whether the support queue holds the conversation in its line, with no offer of it under way: handled, and given to nobody. */
async function waitingInQueue(conversationId: string): Promise<boolean> {
  const queue = await t.app.engine.query<TeamQueueView>({ workflowId: teamQueueWorkflowId(t.app.websiteId, 'support'), query: teamQueueState.name });
  return queue.queue.some((entry) => entry.conversationId === conversationId) && queue.offering?.entry.conversationId !== conversationId;
}

describe('a person away', () => {
  it('with the inbox open is offered nothing and counts for nobody as there, and gets what waits once available', async () => {
    const ada = await supportPerson('ada_away');
    const before = new Date().toISOString();
    const set = await setOwnStatus(ada, 'away');
    expect(set.status).toBe(200);
    expect(set.body.member).toMatchObject({ id: 'ada_away', status: 'away' });
    // Since when: said again, it stays.
    expect(set.body.member.statusSince >= before).toBe(true);
    expect((await setOwnStatus(ada, 'away')).body.member.statusSince).toBe(set.body.member.statusSince);
    await t.open(ada);
    // Online for the team, and in the queue (no release of what is theirs), but with nothing to offer them.
    await expect.poll(async () => (await queueSlotOf(t.app, 'support', 'ada_away'))?.online, { timeout: 10_000 }).toBe(true);
    expect(await onTeamPage('ada_away')).toMatchObject({ online: true, status: 'away', statusSince: set.body.member.statusSince });

    // The only person online is away: the widget and the hand-off say the team is away.
    expect((await availability()).teamOnline).toBe(false);
    expect(await askForPerson(t, 'waits-while-away')).toBe(DEFAULT_AWAY_MESSAGE);
    await expect.poll(() => waitingInQueue('waits-while-away'), { timeout: 10_000 }).toBe(true);
    expect(await assigneeOf('waits-while-away')).toBeUndefined();

    expect((await setOwnStatus(ada, 'available')).body.member).toMatchObject({ status: 'available' });
    await expect.poll(() => assigneeOf('waits-while-away'), { timeout: 20_000 }).toBe('ada_away');
    expect((await availability()).teamOnline).toBe(true);
  });

  it('stays away across a reconnect: the status is kept with the person', async () => {
    const bea = await supportPerson('bea_away');
    expect((await setOwnStatus(bea, 'away')).status).toBe(200);
    const first = await t.open(bea);
    await expect.poll(async () => (await onTeamPage('bea_away'))?.online, { timeout: 10_000 }).toBe(true);
    await first.close();
    await expect.poll(async () => (await onTeamPage('bea_away'))?.online, { timeout: 10_000 }).toBe(false);

    await t.open(bea);
    await expect.poll(async () => (await onTeamPage('bea_away'))?.online, { timeout: 10_000 }).toBe(true);
    expect(await onTeamPage('bea_away')).toMatchObject({ status: 'away' });
    // Told to the queue as she came back: still no room for anything new.
    await expect.poll(async () => await queueSlotOf(t.app, 'support', 'bea_away'), { timeout: 10_000 }).toMatchObject({ online: true, capacity: 0 });
    expect((await availability()).teamOnline).toBe(false);
  });
});

describe('who sets a status', () => {
  it("an admin sets anyone's; an agent token only its own person's, and a status that is not one is refused", async () => {
    await supportPerson('cal_agent');
    await supportPerson('dee_other');
    const made = await t.api.call('POST', '/v1/team/members/cal_agent/tokens', { agent: null }, { role: 'agent' });
    expect(made.status).toBe(201);
    const cal: Who = { memberToken: made.body.token };

    const byAdmin = await t.api.call('PATCH', '/v1/team/members/dee_other', AGENT, { status: 'away' });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.member).toMatchObject({ id: 'dee_other', status: 'away' });
    expect(await onTeamPage('dee_other')).toMatchObject({ status: 'away' });
    // A retry of her addition is still the same addition: her status is hers since, and stays.
    const retried = await t.api.call('POST', '/v1/team/members', AGENT, { id: 'dee_other', name: 'dee_other', teams: ['support'] });
    expect(retried.status).toBe(200);
    expect(retried.body.member).toMatchObject({ status: 'away' });

    const byAgent = await t.api.call('PATCH', '/v1/team/members/dee_other', cal, { status: 'available' });
    expect(byAgent.status).toBe(403);
    expect(await onTeamPage('dee_other')).toMatchObject({ status: 'away' });

    const own = await setOwnStatus(cal, 'away');
    expect(own.status).toBe(200);
    expect(own.body.member).toMatchObject({ id: 'cal_agent', status: 'away' });
    expect((await t.api.call('GET', '/v1/team/me', cal)).body.member).toMatchObject({ status: 'away' });

    const wrong = await setOwnStatus(cal, 'busy');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect(JSON.stringify(wrong.body.error.details)).toContain('status');
    // Nobody to set it for: a secret key without an acting person.
    expect((await setOwnStatus({ agent: null }, 'away')).status).toBe(403);
  });

  it("reaches the team's other sockets as userStatusChanged, with since when, not visitors'", async () => {
    const eve = await supportPerson('eve_status');
    const backend = await t.open({ agent: null });
    const colleague = await t.open(AGENT, '&presence=off');
    const visitor = await t.open({ visitorId: await t.api.newVisitor() });

    const away = await setOwnStatus(eve, 'away');
    expect(away.status).toBe(200);
    const said = (f: { type: string; payload: any }) => f.type === 'userStatusChanged' && f.payload.userId === 'eve_status';
    for (const socket of [backend, colleague]) {
      expect((await socket.waitFor(said)).payload).toEqual({ userId: 'eve_status', websiteId: t.app.websiteId, status: 'away', statusSince: away.body.member.statusSince });
    }
    // The team hears it through the same feed as teamUpdated, which came with it: the visitor heard nothing by then.
    await backend.waitFor((f) => f.type === 'teamUpdated');
    expect(visitor.frames.filter(said)).toEqual([]);

    // Away said again keeps its time; available again starts a new one.
    await setOwnStatus(eve, 'away');
    await expect.poll(() => backend.frames.filter(said).length).toBe(2);
    expect(backend.frames.filter(said)[1]!.payload.statusSince).toBe(away.body.member.statusSince);
    const back = await setOwnStatus(eve, 'available');
    await expect.poll(() => backend.frames.filter(said).length).toBe(3);
    expect(backend.frames.filter(said)[2]!.payload).toEqual({ userId: 'eve_status', websiteId: t.app.websiteId, status: 'available', statusSince: back.body.member.statusSince });
    expect(back.body.member.statusSince > away.body.member.statusSince).toBe(true);
  });
});
