/** What the per-IP and per-visitor limits of REST calls cover, and what they leave alone. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { startTestApp, type LimitOverrides } from './support/app';
import { Api, upgrade } from './support/clients';

let app: RunningApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function started(limits: LimitOverrides, env: NodeJS.ProcessEnv = {}): Promise<RunningApp> {
  app = await startTestApp(limits, { env });
  return app;
}

/** The status an upgrade with no credentials from behind `headers` is answered with: 401, or 429 once its IP is out of tokens. */
const upgradeStatus = async (running: RunningApp, headers: Record<string, string>): Promise<number> => (await upgrade(running, '/ws', headers)).status;

/** The statuses of `count` GETs of `path`, one after the other. */
async function statuses(running: RunningApp, path: string, count: number, headers: Record<string, string> = {}): Promise<number[]> {
  const answered: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${running.url}${path}`, { headers });
    await res.arrayBuffer();
    answered.push(res.status);
  }
  return answered;
}

describe('per-IP limit', () => {
  it('leaves health probes alone, so a load balancer sharing an IP with the traffic still sees the instance up', async () => {
    const running = await started({ ipRate: { perSecond: 0.01, burst: 10 } });
    expect(await statuses(running, '/v1/health', 15)).toEqual(Array(15).fill(200));
    expect(await statuses(running, '/v1/websites', 11)).toEqual([...Array(10).fill(401), 429]);
  });

  it('charges each client behind a trusted proxy by its X-Forwarded-For, and with TRUST_PROXY=0 the connection, REST and socket upgrades alike', async () => {
    const limits = { ipRate: { perSecond: 0.01, burst: 2 } };
    const behind = (client: string) => ({ 'X-Forwarded-For': client });
    const byDefault = await started(limits);
    expect([...(await statuses(byDefault, '/v1/websites', 2, behind('203.0.113.1'))), ...(await statuses(byDefault, '/v1/websites', 1, behind('203.0.113.2')))]).toEqual([401, 401, 401]);
    expect(await upgradeStatus(byDefault, behind('203.0.113.3'))).toBe(401);
    // The addresses of one IPv6 /64 are one client: a subscriber is handed the whole /64.
    expect(await statuses(byDefault, '/v1/websites', 2, behind('2001:db8:1:2::a'))).toEqual([401, 401]);
    expect(await statuses(byDefault, '/v1/websites', 1, behind('2001:db8:1:2::b'))).toEqual([429]);
    expect(await statuses(byDefault, '/v1/websites', 1, behind('2001:db8:1:3::a'))).toEqual([401]);
    await byDefault.close();
    const trustingNone = await started(limits, { TRUST_PROXY: '0' });
    expect(await statuses(trustingNone, '/v1/websites', 1, behind('203.0.113.1'))).toEqual([401]);
    expect(await upgradeStatus(trustingNone, behind('203.0.113.2'))).toBe(401);
    expect(await statuses(trustingNone, '/v1/websites', 1, behind('203.0.113.3'))).toEqual([429]);
    expect(await upgradeStatus(trustingNone, behind('203.0.113.4'))).toBe(429);
  });
});

describe('per-visitor limit', () => {
  it("charges a visitor's bootstrap (GET /v1/websites) to it like its other calls, and never refuses a new visitor's first", async () => {
    const running = await started({ visitorRate: { perSecond: 0.01, burst: 3 } });
    const api = new Api(running);
    const bootstrap = async (visitorId?: string) => (await api.call('GET', '/v1/websites', { 'X-Public-Key': running.keys.publicKey, ...(visitorId ? { 'X-Visitor-Id': visitorId } : {}) })).status;
    expect([await bootstrap('v-boot'), await bootstrap('v-boot'), await bootstrap('v-boot'), await bootstrap('v-boot')]).toEqual([200, 200, 200, 429]);
    // One bucket for all of the visitor's calls.
    expect((await api.call('GET', '/v1/conversations', { visitorId: 'v-busy' })).status).toBe(200);
    expect((await api.call('GET', '/v1/conversations', { visitorId: 'v-busy' })).status).toBe(200);
    expect([await bootstrap('v-busy'), await bootstrap('v-busy')]).toEqual([200, 429]);
    // A visitor given its id by this call, and one naming a new id of its own, start with a full bucket.
    expect([await bootstrap(), await bootstrap(), await bootstrap('v-new')]).toEqual([200, 200, 200]);
  });
});

describe('searches', () => {
  it("are limited per team member, a refusal saying so and when to retry; the member's other listings, and the secret key's searches, are not", async () => {
    const running = await started({ searchRate: { perSecond: 0.01, burst: 2 } });
    const api = new Api(running);
    const search = (agent: string | null, query = 'q=refund') => api.call('GET', `/v1/conversations?${query}`, { agent });
    expect([(await search('agent_alex')).status, (await search('agent_alex', 'q=refund&status=open')).status]).toEqual([200, 200]);
    const refused = await search('agent_alex');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'ERR_RATE_LIMITED', message: expect.stringContaining('Too many searches'), details: { retryAfterSeconds: expect.any(Number) } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(1);
    expect((await api.call('GET', '/v1/conversations?status=open', { agent: 'agent_alex' })).status).toBe(200);
    expect((await search(null)).status).toBe(200);
  });
});

describe('new conversations', () => {
  it('are limited per visitor and per IP by the hour, visitors only; a refusal says so and when to retry', async () => {
    const running = await started({ conversationRate: { visitor: { perSecond: 2 / 3_600, burst: 2 }, ip: { perSecond: 3 / 3_600, burst: 3 } } });
    const api = new Api(running);
    const open = async (visitorId: string, conversationId: string) => api.call('POST', '/v1/conversations', { visitorId }, { conversationId });
    // What makes no conversation costs nothing: a refused request, a retry of one made.
    expect((await open('v-conv-1', 'lim-1')).status).toBe(201);
    expect((await open('v-conv-1', 'lim-1')).status).toBe(201);
    expect((await api.call('POST', '/v1/conversations', { visitorId: 'v-conv-1' }, { conversationId: 'lim-bad', priority: 'high' })).status).toBe(403);
    expect((await open('v-conv-1', 'lim-2')).status).toBe(201);
    const refused = await open('v-conv-1', 'lim-3');
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toBe('Too many new conversations');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(1_000);
    // With its budget spent, a retry of one it made still gets it (its first answer may have been lost).
    const retried = await open('v-conv-1', 'lim-2');
    expect([retried.status, retried.body.conversation?.id]).toEqual([201, 'lim-2']);
    // A new visitor id from the same IP meets the IP's limit: 3 in all.
    expect([(await open('v-conv-2', 'lim-4')).status, (await open('v-conv-3', 'lim-5')).status]).toEqual([201, 429]);
    // Naming another visitor's conversation is no way past it.
    expect((await open('v-conv-3', 'lim-2')).status).toBe(429);
    // The visitor's other calls, and the team's conversations, are not limited by it.
    expect((await api.call('GET', '/v1/conversations', { visitorId: 'v-conv-1' })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await api.call('POST', '/v1/conversations', { agent: 'agent_alex' }, { conversationId: `lim-team-${i}`, visitorId: 'v-conv-1' })).status).toBe(201);
  });

  it('let requests sent at the same moment open no more than the count allows, and give back what a refused one took', async () => {
    const running = await started({ conversationRate: { visitor: { perSecond: 3 / 3_600, burst: 3 }, ip: { perSecond: 100 / 3_600, burst: 100 } } });
    const api = new Api(running);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => api.call('POST', '/v1/conversations', { visitorId: 'v-burst' }, { conversationId: `burst-${i}` })));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(3);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(9);
    // A request refused after taking its tokens (a visitor may not set priority) leaves the IP's count as it was:
    // 100 less the 3 made, so 97 more visitors of this IP each get one.
    expect((await api.call('POST', '/v1/conversations', { visitorId: 'v-burst-2' }, { conversationId: 'burst-bad', priority: 'high' })).status).toBe(403);
    const others = await Promise.all(Array.from({ length: 98 }, (_, i) => api.call('POST', '/v1/conversations', { visitorId: `v-burst-ip-${i}` }, { conversationId: `burst-ip-${i}` })));
    expect(others.filter((answer) => answer.status === 201)).toHaveLength(97);
  });

  it('are counted in the store, so instances sharing it draw on one budget per visitor and per IP', async () => {
    const limits = { conversationRate: { visitor: { perSecond: 3 / 3_600, burst: 3 }, ip: { perSecond: 5 / 3_600, burst: 5 } } };
    const database = { MONGODB_DB: `test_shared_limits_${process.pid}_${Date.now()}` };
    const first = await started(limits, database);
    const second = await startTestApp(limits, { engine: first.engine, env: { ...database, MONGODB_URI: first.mongoUri } });
    try {
      const [a, b] = [new Api(first), new Api(second)];
      const open = async (api: Api, visitorId: string, conversationId: string) => api.call('POST', '/v1/conversations', { visitorId }, { conversationId });
      const statusesOf = async (...calls: [Api, string, string][]) => {
        const answered: number[] = [];
        for (const call of calls) answered.push((await open(...call)).status);
        return answered;
      };
      // A retry of one made, on the other instance, costs nothing.
      expect(await statusesOf([a, 'v-shared', 'shared-1'], [b, 'v-shared', 'shared-1'], [b, 'v-shared', 'shared-2'])).toEqual([201, 201, 201]);
      expect(await statusesOf([a, 'v-shared', 'shared-3'], [b, 'v-shared', 'shared-4'], [a, 'v-shared', 'shared-5'])).toEqual([201, 429, 429]);
      // The visitor regains one of its 3 an hour in 20 minutes.
      const refused = await open(b, 'v-shared', 'shared-6');
      expect(refused.body.error.message).toBe('Too many new conversations');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(1_190);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(1_200);
      // The IP's 5 an hour are shared too: 3 taken above, 2 left for every visitor of it on either instance.
      expect(await statusesOf([b, 'v-next', 'shared-7'], [a, 'v-other', 'shared-8'], [b, 'v-last', 'shared-9'])).toEqual([201, 201, 429]);
    } finally {
      await second.close();
    }
  });
});
