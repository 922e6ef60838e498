import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTeamQueueSignals } from '../../activities/ai';
import type { RunningApp } from '../../runtime/app';
import type { TeamAvailability } from '../../server/realtime/agent-availability';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { userHashOf } from '../../server/services/identity';
import { AGENT, Api, SocketClient, sleep, waitUntil } from './support/clients';
import { startTestApp } from './support/app';
import { recordingTeams } from './support/teams';
import { loadConfig } from '../../runtime/config';
import { wantsTemporal } from '../../runtime/engine/temporal-connection';
import { freshDbName, testMongo } from '../support/mongo';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { WIDGET_SETTINGS_TTL_MS } from '../../server/services/widget-settings';

let first: RunningApp;
let second: RunningApp;
const sockets: SocketClient[] = [];

beforeAll(async () => {
  const database = { MONGODB_DB: `test_multi_${process.pid}_${Date.now()}` };
  first = await startTestApp(undefined, { env: database });
  // A second server instance on the same store; the workflow engine is shared, as a Temporal cluster would be.
  second = await startTestApp(undefined, { engine: first.engine, env: { ...database, MONGODB_URI: first.mongoUri } });
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await second?.close();
  await first?.close();
});

describe('Two server instances sharing one store', () => {
  describe.skipIf(wantsTemporal(loadConfig(process.env).temporal))('#embedded engine (Temporal serves several instances; the lease guards the embedded engine only)', () => {
    it('refuses to start a second embedded engine on the store, saying to use Temporal, until the first one stops', async () => {
      const mongo = await testMongo();
      const store = { MONGODB_URI: mongo.uri, MONGODB_DB: freshDbName('lease') };
      try {
        const owner = await startTestApp(undefined, { env: store, engineLeaseTtlMs: 500 });
        try {
          const otherKeys = { SECRET_KEY: 'sk_refused_0123456789abcdef', ALLOWED_ORIGINS: 'https://elsewhere.example' };
          await expect(startTestApp(undefined, { env: { ...store, ...otherKeys }, engineLeaseTtlMs: 500 })).rejects.toThrow(/runs the embedded workflow engine on this store.*TEMPORAL_ADDRESS/);
          // Refused before it wrote anything: the website keeps its keys and origins.
          expect(await owner.store.getWebsite(owner.websiteId)).toMatchObject({ secretKey: owner.keys.secretKey, allowedOrigins: [] });
        } finally {
          await owner.close();
        }
        // Its lease went with it: the next instance runs the engine at once (and stops when that lease is taken).
        const fatal: string[] = [];
        const next = await startTestApp(undefined, { env: store, engineLeaseTtlMs: 300, onFatal: (reason) => fatal.push(reason) });
        const client = await MongoClient.connect(mongo.uri);
        try {
          await client.db(store.MONGODB_DB).collection('engine_lease').updateOne({}, { $set: { holder: 'someone else', host: 'elsewhere', pid: 7 } });
        } finally {
          await client.close();
        }
        await expect.poll(() => fatal).toEqual(['another instance (pid 7 on elsewhere) took over the embedded workflow engine of this store']);
        await expect(fetch(`${next.url}/v1/health`)).rejects.toThrow();
        await expect(next.engine.describe('anything')).rejects.toMatchObject({ code: 'ERR_ENGINE_SHUT_DOWN' });
        await next.close();
      } finally {
        await mongo.close();
      }
    });
  });

  describe('#events', () => {
    it('reach every socket on either instance exactly once', async () => {
      expect(second.keys).toEqual(first.keys);
      const api1 = new Api(first);
      const api2 = new Api(second);
      const visitorId = await api1.newVisitor();
      const onFirst = await SocketClient.open(first, { visitorId });
      const onSecond = await SocketClient.open(second, { visitorId });
      const agentOnFirst = await SocketClient.open(first, AGENT);
      const agentOnSecond = await SocketClient.open(second, AGENT);
      sockets.push(onFirst, onSecond, agentOnFirst, agentOnSecond);

      await api1.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'multi-1' });
      const ids = Array.from({ length: 10 }, (_, i) => `multi-1-${i}`);
      for (const [i, id] of ids.entries()) {
        const api = i % 2 === 0 ? api1 : api2;
        const who = i % 3 === 0 ? AGENT : { visitorId };
        expect((await api.call('POST', '/v1/messages', who, { conversationId: 'multi-1', item: { id, type: 'message', text: `m${i}` } })).status).toBe(201);
      }
      await api2.call('POST', '/v1/messages', AGENT, { conversationId: 'multi-1', item: { id: 'multi-1-note', type: 'note', text: 'private' } });

      for (const socket of [onFirst, onSecond, agentOnFirst, agentOnSecond]) {
        for (const id of ids) await socket.itemFrame(id);
      }
      await agentOnFirst.itemFrame('multi-1-note');
      await agentOnSecond.itemFrame('multi-1-note');
      await sleep(300);
      for (const socket of [onFirst, onSecond, agentOnFirst, agentOnSecond]) {
        const seqs = socket.of('timelineItemCreated', (p) => p.conversationId === 'multi-1').map((f) => f.payload.item.seq);
        expect(new Set(seqs).size).toBe(seqs.length);
      }
      expect(onSecond.of('timelineItemCreated').map((f) => f.payload.item.id)).not.toContain('multi-1-note');

      // Ephemeral events cross instances too (a typist's own other sockets are not told).
      onFirst.send({ type: 'conversationTyping', payload: { conversationId: 'multi-1', isTyping: true } });
      await agentOnSecond.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorId === visitorId);
      agentOnFirst.send({ type: 'conversationTyping', payload: { conversationId: 'multi-1', isTyping: true } });
      await onSecond.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorType === 'human');
      expect(onSecond.of('conversationTyping', (p) => p.actorId === visitorId)).toEqual([]);
    });
  });

  describe('#presence', () => {
    it('tells agents a visitor left only when its last socket on any instance closes', async () => {
      const visitorId = await new Api(first).newVisitor();
      const agent = await SocketClient.open(first, AGENT);
      sockets.push(agent);
      const presenceOf = () => agent.of('visitorConnected', (p) => p.visitorId === visitorId).length + agent.of('visitorDisconnected', (p) => p.visitorId === visitorId).length;
      const onFirst = await SocketClient.open(first, { visitorId });
      await agent.waitFor((f) => f.type === 'visitorConnected' && f.payload.visitorId === visitorId);
      const onSecond = await SocketClient.open(second, { visitorId });
      await onFirst.close();
      await sleep(500);
      expect(presenceOf()).toBe(1); // still there, through the second instance
      // An agent who opens the inbox now, on the first instance, is told the visitor is online on the second.
      const lateAgent = await SocketClient.open(first, AGENT);
      sockets.push(lateAgent);
      expect(lateAgent.of('CONNECTION_ESTABLISHED')[0]?.payload.online.visitorIds).toContain(visitorId);
      await onSecond.close();
      await agent.waitFor((f) => f.type === 'visitorDisconnected' && f.payload.visitorId === visitorId);
      expect(presenceOf()).toBe(2);
    });
  });

  describe('#identify', () => {
    it("lets a visitor identified on one instance read its contact's conversations on the other at once", async () => {
      const [api1, api2] = [new Api(first), new Api(second)];
      const phone = { visitorId: await api1.newVisitor() };
      const laptop = { visitorId: await api1.newVisitor() };
      const externalId = `multi-user-${Date.now()}`;
      const userHash = userHashOf(first.keys.identitySecret, externalId);
      await api1.call('POST', '/v1/conversations', phone, { conversationId: 'multi-contact' });
      expect((await api1.call('POST', '/v1/contacts/identify', phone, { externalId, userHash })).status).toBe(200);
      // The second instance knows the laptop (and caches it) before the first links it to the contact.
      expect((await api2.call('GET', '/v1/conversations', laptop)).body.conversations).toEqual([]);
      expect((await api1.call('POST', '/v1/contacts/identify', laptop, { externalId, userHash })).status).toBe(200);
      const listed = await waitUntil(
        async () => (await api2.call('GET', '/v1/conversations', laptop)).body.conversations.map((c: { id: string }) => c.id),
        (ids: string[]) => ids.includes('multi-contact'),
        20_000, // well under the visitor cache's minute (server/directory.ts): the link itself must reach the other instance
      );
      expect(listed).toEqual(['multi-contact']);
    });

    it('of two identifies of one device as two people at once, one on each instance, links one and refuses the other having changed nobody', async () => {
      const [api1, api2] = [new Api(first), new Api(second)];
      const identify = (api: Api, device: { visitorId: string }, externalId: string, profile: { name?: string } = {}) =>
        api.call('POST', '/v1/contacts/identify', device, { externalId, userHash: userHashOf(first.keys.identitySecret, externalId), ...profile });
      for (let round = 0; round < 5; round++) {
        const [ann, bob] = [`race-ann-${round}-${Date.now()}`, `race-bob-${round}-${Date.now()}`];
        expect((await identify(api1, { visitorId: await api1.newVisitor() }, ann, { name: 'Ann before' })).status).toBe(200);
        const device = { visitorId: await api1.newVisitor() };
        const [asAnn, asBob] = await Promise.all([identify(api1, device, ann, { name: 'Ann now' }), identify(api2, device, bob, { name: 'Bob' })]);
        const [won, lost, loser] = asAnn.status === 200 ? [asAnn, asBob, bob] : [asBob, asAnn, ann];
        expect([won.status, lost.status], `round ${round}`).toEqual([200, 409]);
        expect(lost.body.error.message).toMatch(/linked to another contact/);
        expect(won.body.visitor.contactId).toBe(won.body.contact.id);
        // The loser's person, read through a device of their own: as before the race (Bob had no contact yet).
        const loserNow = (await identify(api2, { visitorId: await api2.newVisitor() }, loser)).body.contact;
        expect(loserNow.name, `round ${round}`).toBe(loser === ann ? 'Ann before' : undefined);
      }
    });
  });

  describe('#team', () => {
    it('a person removed on one instance can no longer act on the other at once, and agents on both hear the team changed', async () => {
      const [api1, api2] = [new Api(first), new Api(second)];
      const watchers = [await SocketClient.open(first, AGENT), await SocketClient.open(second, AGENT)];
      sockets.push(...watchers);
      expect((await api1.call('POST', '/v1/team/members', AGENT, { id: 'usr-multi', name: 'Multi', teams: ['support'] })).status).toBe(201);
      await Promise.all(watchers.map((w) => w.waitFor((f) => f.type === 'teamUpdated')));
      // The second instance knows the person (and caches them) before the first removes them.
      expect((await api2.call('GET', '/v1/conversations', { agent: 'usr-multi' })).status).toBe(200);
      const heard = watchers.map((w) => w.of('teamUpdated').length);
      expect((await api1.call('DELETE', '/v1/team/members/usr-multi', AGENT)).status).toBe(204);
      // Agents on both hear of the removal; the second instance has taken it in by then (the frame
      // goes out as it forgets the person), however long the word took to get there.
      await Promise.all(watchers.map((w, i) => w.waitFor((f) => f.type === 'teamUpdated' && w.of('teamUpdated').indexOf(f) >= heard[i]!)));
      const status = await waitUntil(
        async () => (await api2.call('GET', '/v1/conversations', { agent: 'usr-multi' })).status,
        (code: number) => code === 401,
        2_000, // well under the member cache's lifetime: the word itself must reach the other instance
      );
      expect(status).toBe(401);
    });
  });

  it('a member token revoked on one instance is refused on the other at once, and its socket there closes', async () => {
    const [api1, api2] = [new Api(first), new Api(second)];
    expect((await api1.call('POST', '/v1/team/members', AGENT, { id: 'usr-multi-tok', name: 'Token' })).status).toBe(201);
    const { token, tokenId } = (await api1.call('POST', '/v1/team/members/usr-multi-tok/tokens', { agent: null }, {})).body;
    // The second instance knows the token (and caches it) before the first revokes it.
    expect((await api2.call('GET', '/v1/conversations', { memberToken: token })).status).toBe(200);
    const socket = await SocketClient.open(second, { memberToken: token });
    sockets.push(socket);
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
    expect((await api1.call('DELETE', `/v1/team/members/usr-multi-tok/tokens/${tokenId}`, { memberToken: token })).status).toBe(204);
    expect(await closed).toBe(4401);
    const status = await waitUntil(
      async () => (await api2.call('GET', '/v1/conversations', { memberToken: token })).status,
      (code: number) => code === 401,
      2_000, // under the token cache's lifetime: the word itself must reach the other instance
    );
    expect(status).toBe(401);
  });

  it("the widget's bootstrap on one instance answers an assistant change made on the other within moments, well before its cache would let it go", async () => {
    const [firstApi, secondApi] = [new Api(first), new Api(second)];
    const path = `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`;
    const before = (await firstApi.call('GET', path, AGENT)).body.agent;
    const welcome = async () => (await secondApi.call('GET', '/v1/websites', { 'X-Public-Key': second.keys.publicKey })).body.welcomeMessages;
    try {
      // Read there first: the second instance now keeps the configuration.
      expect(await welcome()).toEqual(before.welcomeMessages ?? []);
      expect((await firstApi.call('PATCH', path, AGENT, { welcomeMessages: ['Changed elsewhere'] })).status).toBe(200);
      await expect.poll(welcome, { timeout: WIDGET_SETTINGS_TTL_MS / 2 }).toEqual(['Changed elsewhere']);
    } finally {
      expect((await firstApi.call('PUT', path, AGENT, before)).status).toBe(200);
    }
  });

  describe('#team changes at the same moment', () => {
    const routeVip = (api: Api) => api.call('PUT', '/v1/settings/routing', AGENT, { rules: [{ team: 'vip', tags: ['vip'] }], defaultTeam: 'support' });
    const routeDefault = (api: Api) => api.call('PUT', '/v1/settings/routing', AGENT, { rules: [], defaultTeam: 'support' });
    const vipStaff = async (api: Api) =>
      ((await api.call('GET', '/v1/team', AGENT)).body.members as { id: string; teams: string[] }[]).filter((m) => m.teams.includes('vip')).map((m) => m.id);

    it('two removals on two instances cannot together empty a team the routing rules name', async () => {
      const [api1, api2] = [new Api(first), new Api(second)];
      for (let round = 0; round < 3; round += 1) {
        const ids = [`usr-vip-a${round}`, `usr-vip-b${round}`];
        for (const id of ids) expect((await api1.call('POST', '/v1/team/members', AGENT, { id, name: id, teams: ['vip'] })).status).toBe(201);
        expect((await routeVip(api1)).status).toBe(200);
        const answers = await Promise.all([api1.call('DELETE', `/v1/team/members/${ids[0]}`, AGENT), api2.call('DELETE', `/v1/team/members/${ids[1]}`, AGENT)]);
        expect(answers.map((a) => a.status).sort()).toEqual([204, 409]);
        expect(await vipStaff(api2)).toHaveLength(1);
        expect((await routeDefault(api1)).status).toBe(200);
        for (const id of await vipStaff(api1)) expect((await api1.call('DELETE', `/v1/team/members/${id}`, AGENT)).status).toBe(204);
      }
    });

    it('answers every retry of a removal 204, the retries and other changes coming through both instances at once', async () => {
      const apis = [new Api(first), new Api(second)];
      for (let round = 0; round < 5; round += 1) {
        const ids = [`usr-twice-x${round}`, `usr-twice-y${round}`];
        for (const id of ids) expect((await apis[0]!.call('POST', '/v1/team/members', AGENT, { id, name: id, teams: ['support'] })).status).toBe(201);
        const answers = await Promise.all([
          ...[...ids, ...ids].map((id, i) => apis[i % 2]!.call('DELETE', `/v1/team/members/${id}`, AGENT)),
          apis[round % 2]!.call('PATCH', '/v1/team/members/agent_alex', AGENT, { capacity: 10 }),
        ]);
        expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204, 204, 200]);
      }
    });

    it('a removal on one instance and routing rules naming the team on the other cannot both be taken', async () => {
      const [api1, api2] = [new Api(first), new Api(second)];
      for (let round = 0; round < 3; round += 1) {
        const id = `usr-vip-only${round}`;
        expect((await api1.call('POST', '/v1/team/members', AGENT, { id, name: id, teams: ['vip'] })).status).toBe(201);
        const [removed, routed] = await Promise.all([api1.call('DELETE', `/v1/team/members/${id}`, AGENT), routeVip(api2)]);
        // Whichever came second saw the first: the rules then name nobody's team (400), or the removal would empty it (409).
        expect([removed.status, routed.status]).toSatisfy(([r, p]: number[]) => (r === 204 && p === 400) || (r === 409 && p === 200));
        expect((await routeDefault(api1)).status).toBe(200);
        await api1.call('DELETE', `/v1/team/members/${id}`, AGENT);
      }
    });
  });

  describe('#team queues told of team changes', () => {
    it('keep the newest change when the notice of an older one, made on the other instance, comes last', async () => {
      const env = { MONGODB_URI: first.mongoUri, MONGODB_DB: `test_moves_${process.pid}_${Date.now()}` };
      const signals = createTeamQueueSignals(first.engine);
      const held: Array<() => void> = [];
      // A's notices of team changes wait until let go, as if slow on their way.
      const slow: TeamAvailability = {
        ...signals,
        agentReconciled: (...args) => new Promise((resolve, reject) => held.push(() => void signals.agentReconciled(...args).then(resolve, reject))),
      };
      const a = await startTestApp(undefined, { engine: first.engine, env, teams: slow });
      const b = await startTestApp(undefined, { engine: first.engine, env });
      const agentIn = async (team: string) =>
        (await first.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(a.websiteId, team), query: teamQueueState.name })).agents.find((x) => x.agentId === 'usr-mover');
      const isOnline = async (app: RunningApp) =>
        ((await new Api(app).call('GET', '/v1/team/members/usr-mover', AGENT)).body.member as { online: boolean }).online;
      try {
        const [apiA, apiB] = [new Api(a), new Api(b)];
        expect((await apiB.call('POST', '/v1/team/members', AGENT, { id: 'usr-mover', name: 'Mover', teams: ['moves-support'] })).status).toBe(201);
        sockets.push(await SocketClient.open(b, { agent: 'usr-mover' }));
        await waitUntil(async () => (await isOnline(a)) && (await isOnline(b)), Boolean, 5_000);
        await expect.poll(() => agentIn('moves-support')).toMatchObject({ online: true });

        const toBilling = apiA.call('PATCH', '/v1/team/members/usr-mover', AGENT, { teams: ['moves-billing'] });
        await waitUntil(async () => held.length, (n) => n === 1, 5_000);
        expect((await apiB.call('PATCH', '/v1/team/members/usr-mover', AGENT, { teams: ['moves-sales'] })).status).toBe(200);
        held.splice(0).forEach((letGo) => letGo());
        expect((await toBilling).status).toBe(200);

        expect(await agentIn('moves-sales')).toMatchObject({ online: true });
        expect(await agentIn('moves-billing')).toBeUndefined();
        expect(await agentIn('moves-support')).toBeUndefined();
      } finally {
        held.splice(0).forEach((letGo) => letGo());
        await Promise.all([a.close(), b.close()]);
      }
    });
  });

  describe('#team queues', () => {
    /** Short beats, so restatements and the expiry of a silent instance come within a second or two. */
    const HEARTBEAT_MS = 400;
    /** What the instances of a test told the team queues, in order: `<instance>:online|offline:<userId>`. */
    let told: string[] = [];
    const running: RunningApp[] = [];
    let databases = 0;
    let database = '';

    /** Starts instances named `names` on a database of this test's own, each telling `told` what it tells the team queues. */
    async function start(...names: string[]): Promise<RunningApp[]> {
      const apps: RunningApp[] = [];
      for (const name of names) {
        const teams = recordingTeams(told, `${name}:`);
        const env = { MONGODB_URI: first.mongoUri, MONGODB_DB: database };
        apps.push(await startTestApp({ ws: { heartbeatMs: HEARTBEAT_MS } }, { engine: first.engine, env, teams }));
      }
      running.push(...apps);
      return apps;
    }

    /** Stops every instance, which waits for what each still had to tell. */
    async function stopAll(): Promise<void> {
      const apps = running.splice(0);
      await Promise.all(apps.map((app) => app.close()));
    }

    /** A socket that hears presence without being anyone (an API key with no user). */
    const watcher = (app: RunningApp) => SocketClient.open(app, { agent: null });
    const presenceOf = (type: 'userConnected' | 'userDisconnected') => (f: { type: string; payload: any }) => f.type === type && f.payload.userId === AGENT.agent;

    beforeEach(() => {
      told = [];
      database = `test_queues_${process.pid}_${Date.now()}_${databases++}`;
    });
    afterEach(stopAll);

    it('hear once that an agent went when its last sockets, on both instances, close at the same moment', async () => {
      const [a, b] = await start('A', 'B');
      const watchers = [await watcher(a!), await watcher(b!)];
      const agentSockets = [await SocketClient.open(a!, AGENT), await SocketClient.open(b!, AGENT)];
      await Promise.all(watchers.map((w) => w.waitFor(presenceOf('userConnected'))));
      await Promise.all(agentSockets.map((socket) => socket.close()));
      // Both instances have read both offline announcements.
      await Promise.all(watchers.map((w) => w.waitFor(presenceOf('userDisconnected'))));
      await stopAll();
      expect(told.filter((word) => word.includes(':offline:'))).toEqual([expect.stringMatching(new RegExp(`^[AB]:offline:${AGENT.agent}$`))]);
      expect(told.filter((word) => word.includes(':online:'))).toHaveLength(1);
    });

    it('leave an agent who refused work away while it stays connected, across beats and a new instance', async () => {
      const [a, b] = await start('A', 'B');
      await SocketClient.open(a!, AGENT);
      await SocketClient.open(b!, AGENT);
      await waitUntil(async () => told.length, (n) => n > 0, 5_000);
      // The queue marks the agent away when it refuses an offer: from here, nothing may say it is back.
      const refusedAt = told.length;
      const beats = await restatementsOf(a!);
      await waitUntil(async () => beats.of(a!) >= 3 && beats.of(b!) >= 3, Boolean, 10_000);
      const [c] = await start('C');
      // The new instance learns of the agent from the others' restatements.
      const team = new Api(c!);
      const agentOnline = async () => (await team.call('GET', '/v1/team', { agent: null })).body.members.some((m: { id: string; online: boolean }) => m.id === AGENT.agent && m.online);
      expect(await waitUntil(agentOnline, Boolean, 5_000)).toBe(true);
      const [laterA, laterB] = [beats.of(a!), beats.of(b!)];
      await waitUntil(async () => beats.of(a!) >= laterA + 3 && beats.of(b!) >= laterB + 3, Boolean, 10_000);
      await beats.close();
      await stopAll();
      expect(told.slice(refusedAt).filter((word) => word.includes(':online:'))).toEqual([]);
    });

    it('hear that an agent went when the close is overtaken by its instance’s own restatement', async () => {
      const [a, b] = await start('A', 'B');
      const watchers = [await watcher(a!), await watcher(b!)];
      const agent = await SocketClient.open(a!, AGENT);
      await waitUntil(async () => told.length, (n) => n > 0, 5_000);
      // A's beat restates the website without the agent, with a number above the offline's, and the
      // stream carries it first: the offline, read later, is old news.
      await a!.store.publishEphemeral({ websiteId: a!.websiteId, visibility: 'private', type: 'presenceRestated', payload: { instanceId: a!.store.instanceId, seq: 1_000_000, people: [] } });
      await agent.close();
      await Promise.all(watchers.map((w) => w.waitFor(presenceOf('userDisconnected'))));
      await stopAll();
      expect(told).toEqual([`A:online:${AGENT.agent}`, `A:offline:${AGENT.agent}`]);
    });

    it('hear once, from one instance, that the agents of an instance that crashed went', async () => {
      const [a, b] = await start('A', 'B');
      const watchers = [await watcher(a!), await watcher(b!)];
      // An instance, as heard through the store, announces the agent and then says nothing more.
      await a!.store.publishEphemeral({ websiteId: a!.websiteId, visibility: 'private', type: 'presence', payload: { kind: 'user', id: AGENT.agent, online: true, instanceId: 'inst_crashed', seq: 1 } });
      await Promise.all(watchers.map((w) => w.waitFor(presenceOf('userConnected'))));
      // Three silent beats later both instances notice.
      await Promise.all(watchers.map((w) => w.waitFor(presenceOf('userDisconnected'), 10_000)));
      await stopAll();
      expect(told).toEqual([expect.stringMatching(new RegExp(`^[AB]:offline:${AGENT.agent}$`))]);
    });
  });
});

/** Counts each instance's restatements (its beats) as the store's stream carries them. */
async function restatementsOf(app: RunningApp) {
  const counts = new Map<string, number>();
  const watch = await app.store.watchChanges((change) => {
    if (change.type === 'ephemeral' && change.event.type === 'presenceRestated') counts.set(change.origin, (counts.get(change.origin) ?? 0) + 1);
  });
  return { of: (instance: RunningApp) => counts.get(instance.store.instanceId) ?? 0, close: () => watch.close() };
}
