/**
 * Who counts as online for the visitor and for routing, over the wire: a person routing gives
 * nothing to (in no team) does not make the widget say "The team is online" before the hand-off says
 * the team is away; and a team socket opened with `presence=off` gets the website's frames but does
 * not make its person online, for presence frames, routing or the widget.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_AWAY_MESSAGE, DEFAULT_HANDOFF_MESSAGE } from '../../activities/ai/config';
import { DEFAULT_ROUTING_RULES } from '../../workflows/routing/team-rules';
import { AGENT, upgrade } from './support/clients';
import { useTestApp } from './support/app';
import { askForPerson } from './support/ask-for-person';
import { queueSlotOf } from './support/teams';

const t = useTestApp();

const availability = async () => (await t.api.call('GET', '/v1/websites', { visitorId: await t.api.newVisitor() })).body.availability;
const onTeamPage = async (id: string) => ((await t.api.call('GET', '/v1/team', AGENT)).body.members as Array<{ id: string; online: boolean; routed: boolean }>).find((m) => m.id === id);
const assigneeOf = async (conversationId: string) => (await t.api.call('GET', `/v1/conversations/${conversationId}`, AGENT)).body.conversation.assigneeId;

describe('a person in no team', () => {
  it('is said to get nothing from routing, and online does not make the widget promise what the hand-off takes back', async () => {
    const added = await t.api.call('POST', '/v1/team/members', AGENT, { id: 'tess_teamless', name: 'Tess Teamless' });
    expect(added.status).toBe(201);
    expect(added.body.member).toMatchObject({ teams: [], routed: false });
    onTestFinished(async () => void (await t.api.call('DELETE', '/v1/team/members/tess_teamless', AGENT)));

    await t.open({ agent: 'tess_teamless' });
    await expect.poll(async () => (await onTeamPage('tess_teamless'))?.online, { timeout: 10_000 }).toBe(true);
    // The widget and the hand-off agree: nobody routing hands the visitor to is there.
    expect((await availability()).teamOnline).toBe(false);
    expect(await askForPerson(t, 'teamless-away')).toBe(DEFAULT_AWAY_MESSAGE);
    expect(await assigneeOf('teamless-away')).toBeUndefined();

    // In a team routing sends to, she is counted, told of, and given the conversation.
    const changed = await t.api.call('PATCH', '/v1/team/members/tess_teamless', AGENT, { teams: ['support'] });
    expect(changed.body.member).toMatchObject({ teams: ['support'], routed: true });
    await expect.poll(async () => (await queueSlotOf(t.app, 'support', 'tess_teamless'))?.online, { timeout: 10_000 }).toBe(true);
    expect((await availability()).teamOnline).toBe(true);
    await expect.poll(() => assigneeOf('teamless-away'), { timeout: 20_000 }).toBe('tess_teamless');
    expect(await askForPerson(t, 'teamless-handed-off')).toBe(DEFAULT_HANDOFF_MESSAGE);
  });

  it('in a team no rule names, is said to get nothing until a rule names it, and team pages hear of the change', async () => {
    const backend = await t.open({ agent: null });
    const added = await t.api.call('POST', '/v1/team/members', AGENT, { id: 'sol_sales', name: 'Sol Sales', teams: ['sales'] });
    expect(added.body.member).toMatchObject({ teams: ['sales'], routed: false });
    onTestFinished(async () => void (await t.api.call('DELETE', '/v1/team/members/sol_sales', AGENT)));
    await backend.waitFor((f) => f.type === 'teamUpdated');
    const heard = backend.of('teamUpdated').length;

    const rules = { rules: [...DEFAULT_ROUTING_RULES.rules, { team: 'sales', tags: ['pricing'] }], defaultTeam: DEFAULT_ROUTING_RULES.defaultTeam };
    expect((await t.api.call('PUT', '/v1/settings/routing', AGENT, rules)).status).toBe(200);
    onTestFinished(async () => void (await t.api.call('PUT', '/v1/settings/routing', AGENT, DEFAULT_ROUTING_RULES)));
    // The Team page reads the team again when told, and now finds her routed.
    await backend.waitFor((f) => f.type === 'teamUpdated' && backend.of('teamUpdated').indexOf(f) >= heard);
    expect(await onTeamPage('sol_sales')).toMatchObject({ routed: true });
  });
});

describe('a team socket opened with presence=off', () => {
  it("gets the website's frames but does not make its person online for presence, routing or the widget", async () => {
    const backend = await t.open({ agent: null });
    const quiet = await t.open(AGENT, '&presence=off');
    const visitorId = await t.api.newVisitor();
    await t.open({ visitorId });
    // Presence words are read back in the order written: once the visitor's has come, the quiet socket's would have.
    await backend.waitFor((f) => f.type === 'visitorConnected' && f.payload.visitorId === visitorId);
    expect(backend.of('userConnected')).toEqual([]);
    expect(quiet.of('userConnected')).toEqual([]);
    expect((await onTeamPage(AGENT.agent))?.online).toBe(false);
    expect((await availability()).teamOnline).toBe(false);
    expect((await queueSlotOf(t.app, 'support', AGENT.agent))?.online ?? false).toBe(false);

    expect(await askForPerson(t, 'quiet-away')).toBe(DEFAULT_AWAY_MESSAGE);
    // It heard the conversation as any team socket does, and routing offered it to nobody.
    await quiet.waitFor((f) => f.type === 'conversationCreated' && f.payload.conversation.id === 'quiet-away');
    expect(await assigneeOf('quiet-away')).toBeUndefined();
  });

  it('is refused for a visitor, and any value but on or off is refused, naming the parameter', async () => {
    const visitorId = await t.api.newVisitor();
    const asVisitor = await upgrade(t.app, `/ws?publicKey=${t.app.keys.publicKey}&visitorId=${visitorId}&presence=off`);
    expect(asVisitor).toMatchObject({ status: 400, error: { code: 'ERR_INVALID_INPUT', message: expect.stringMatching(/^presence=off is for team sockets/) } });
    const unknown = await upgrade(t.app, `/ws?token=${t.app.keys.secretKey}&presence=maybe`);
    expect(unknown).toMatchObject({ status: 400, error: { code: 'ERR_INVALID_INPUT', message: expect.stringContaining('query.presence') } });
  });
});
