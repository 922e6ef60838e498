/**
 * CORS on the widget's error answers: a page on an allowed origin reads every refusal of its calls
 * (the status, the JSON body, Retry-After), also those made before authentication looked at its
 * origin; a page on any other origin reads none.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { startTestApp } from './support/app';
import { Api, upgrade } from './support/clients';

const ORIGIN = 'https://shop.example';
const OTHER = 'https://evil.example';
const IP_BURST = 3;
let app: RunningApp;
let api: Api;

beforeAll(async () => {
  app = await startTestApp({ ipRate: { perSecond: 0.01, burst: IP_BURST } }, { env: { ALLOWED_ORIGINS: ORIGIN } });
  api = new Api(app);
});
afterAll(async () => {
  await app?.close();
});

/** Each test calls from an IP of its own (the proxy on loopback is believed), so each has its own per-IP budget. */
let nextIp = 1;
const fromNewIp = () => ({ 'X-Forwarded-For': `203.0.113.${nextIp++}` });

const listed = (header: string | null) => header?.split(',').map((name) => name.trim().toLowerCase()) ?? [];
const exposedBy = (headers: Headers) => headers.get('access-control-expose-headers')?.split(',').map((name) => name.trim().toLowerCase()) ?? [];

describe('CORS on error answers to widget calls', () => {
  it("lets an allowed origin read the per-IP limit's 429 and its Retry-After, and no other origin", async () => {
    const visitorId = 'cors-limited';
    const ip = fromNewIp();
    const answers = [];
    for (let i = 0; i <= IP_BURST; i++) answers.push(await api.call('GET', '/v1/conversations', { visitorId, origin: ORIGIN }, undefined, ip));
    expect(answers.map((a) => a.status)).toEqual([...Array<number>(IP_BURST).fill(200), 429]);
    const limited = answers.at(-1)!;
    expect(limited.body.error.code).toBe('ERR_RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(exposedBy(limited.headers)).toContain('retry-after');
    expect(limited.headers.get('vary')).toContain('Origin');

    const elsewhere = await api.call('GET', '/v1/conversations', { visitorId, origin: OTHER }, undefined, ip);
    expect(elsewhere.status).toBe(429);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect(elsewhere.headers.get('access-control-expose-headers')).toBeNull();
  });

  it('lets an allowed origin read refusals made before or by authentication: 404, 405, 401, and a download credential that does not decode', async () => {
    const visitorId = 'cors-refused';
    // The widget's first call, which has this instance read the website (error answers read none).
    expect((await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey, Origin: ORIGIN, ...fromNewIp() })).status).toBe(200);
    const refusals: Array<[string, string, Record<string, string>, number]> = [
      ['GET', '/v1/nothing-here', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId }, 404],
      ['PUT', '/v1/messages', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId }, 405],
      ['GET', '/v1/conversations', { 'X-Public-Key': app.keys.publicKey }, 401],
      ['GET', `/v1/files/file_x?publicKey=${app.keys.publicKey}&visitorId=%ff`, {}, 400],
    ];
    for (const [method, path, credentials, status] of refusals) {
      for (const origin of [ORIGIN, OTHER]) {
        const res = await api.call(method, path, { ...credentials, ...fromNewIp(), Origin: origin });
        const allowed = origin === ORIGIN;
        // From another origin, authentication refuses the origin itself where it gets to.
        if (allowed || status !== 401) expect(res.status, `${method} ${path} from ${origin}`).toBe(status);
        expect(res.headers.get('access-control-allow-origin'), `${method} ${path} from ${origin}`).toBe(allowed ? ORIGIN : null);
        if (allowed) expect(exposedBy(res.headers)).toContain('retry-after');
      }
    }
  });

  it('reads nothing from the store for the public key of an error answer, which outside /v1 no rate limit guards', async () => {
    const getWebsiteByPublicKey = vi.spyOn(app.store, 'getWebsiteByPublicKey');
    try {
      for (const [method, path] of [['GET', '/nothing-here'], ['POST', '/'], ['GET', '/v1/nothing-here'], ['DELETE', '/v1/websites']] as const) {
        const res = await api.call(method, path, { 'X-Public-Key': `pk_random-${method}${path}`, Origin: ORIGIN, ...fromNewIp() });
        expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
      }
      expect(getWebsiteByPublicKey).not.toHaveBeenCalled();
    } finally {
      getWebsiteByPublicKey.mockRestore();
    }
  });

  it('gives an unknown public key no CORS headers on an answer authentication did not get to', async () => {
    const res = await api.call('PUT', '/v1/messages', { 'X-Public-Key': 'pk_unknown-key', 'X-Visitor-Id': 'v', Origin: ORIGIN, ...fromNewIp() });
    expect(res.status).toBe(405);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("lets an origin this server's website allows read authentication's refusal of an unknown public key (a mistyped data-public-key), and no other origin", async () => {
    for (const origin of [ORIGIN, OTHER]) {
      const res = await api.call('GET', '/v1/websites', { 'X-Public-Key': 'pk_mistyped', Origin: origin, ...fromNewIp() });
      expect(res.status).toBe(401);
      expect(res.headers.get('access-control-allow-origin'), origin).toBe(origin === ORIGIN ? ORIGIN : null);
      expect(res.body.error.message).toContain('data-public-key');
    }
  });
});

describe("a company's own page on an allowed origin, with a member token", () => {
  it('may send Authorization, X-Actor-User-Id, Idempotency-Key and If-Match, and reads its answers and its refusals; another origin reads neither', async () => {
    const preflight = await fetch(`${app.url}/v1/team/me`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,x-actor-user-id,idempotency-key,content-type,if-match' },
    });
    expect(listed(preflight.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(['authorization', 'x-actor-user-id', 'idempotency-key', 'content-type', 'if-match']));
    // No cookies: the API never lets a page send the browser's own credentials.
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const made = await api.call('POST', '/v1/team/members/agent_alex/tokens', { agent: null }, {}, fromNewIp());
    expect(made.status).toBe(201);
    for (const origin of [ORIGIN, OTHER]) {
      const me = await api.call('GET', '/v1/team/me', { memberToken: made.body.token }, undefined, { Origin: origin, ...fromNewIp() });
      expect(me.status).toBe(200);
      expect(me.headers.get('access-control-allow-origin'), origin).toBe(origin === ORIGIN ? ORIGIN : null);
      const refused = await api.call('GET', '/v1/team/me', { memberToken: 'mt_nobodys.token' }, undefined, { Origin: origin, ...fromNewIp() });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('access-control-allow-origin'), origin).toBe(origin === ORIGIN ? ORIGIN : null);
    }
  });
});

describe("this server's own pages", () => {
  it('are never refused their origin, which ALLOWED_ORIGINS need not name: the demo page at / works as the README says', async () => {
    const own = app.url;
    const first = await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey, Origin: own, ...fromNewIp() });
    expect(first.status).toBe(200);
    const visitorId = first.body.visitor.id as string;
    // A same-origin GET carries no Origin: its Referer names the page.
    const listed = await api.call('GET', '/v1/conversations', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId, Referer: `${own}/`, ...fromNewIp() });
    expect(listed.status).toBe(200);
    const socket = await upgrade(app, `/ws?publicKey=${app.keys.publicKey}&visitorId=${visitorId}`, { Origin: own });
    expect(socket.status).toBe(101);
    // Another page on the same machine is another origin, and still refused.
    const elsewhere = await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey, Origin: 'http://127.0.0.1:1', ...fromNewIp() });
    expect(elsewhere.status).toBe(403);
  });
});

describe('caching of widget answers', () => {
  it('marks every error answer no-store, whoever asked and whatever refused it', async () => {
    const visitorId = 'cache-refused';
    const ip = fromNewIp();
    const refusals: Array<[string, string, Record<string, string>]> = [
      ['GET', '/nothing-here', {}],
      ['GET', '/v1/nothing-here', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId, Origin: ORIGIN }],
      ['PUT', '/v1/messages', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId }],
      ['GET', '/v1/conversations', {}],
      ['GET', '/v1/conversations/nobodys', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId, Origin: OTHER }],
    ];
    for (const [method, path, headers] of refusals) {
      const res = await api.call(method, path, { ...headers, ...fromNewIp() });
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('cache-control'), `${method} ${path}`).toBe('no-store');
    }
    let limited;
    do limited = await api.call('GET', '/v1/conversations', { visitorId, origin: ORIGIN }, undefined, ip);
    while (limited.status !== 429);
    expect(limited.headers.get('cache-control')).toBe('no-store');
  });

  it("marks a caller's own answers no-store, as their URLs are every caller's: no shared cache may serve one to the next visitor", async () => {
    const visitorId = 'cache-own';
    const answers = [
      await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId, Origin: ORIGIN, ...fromNewIp() }),
      await api.call('GET', '/v1/conversations', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitorId, Origin: ORIGIN, ...fromNewIp() }),
      await api.call('GET', '/v1/team', { Authorization: `Bearer ${app.keys.secretKey}`, ...fromNewIp() }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('varies a widget answer by Origin and X-Public-Key, which decide its CORS headers, allowed or not, each named once', async () => {
    const visitorId = 'cache-vary';
    // The widget's first call, which has this instance read the website.
    const first = await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey, Origin: ORIGIN, ...fromNewIp() });
    expect(listed(first.headers.get('vary'))).toEqual(['origin', 'x-public-key']);
    const answers: Array<[string, string, Record<string, string>, number]> = [
      ['GET', '/v1/conversations', { 'X-Visitor-Id': visitorId, Origin: ORIGIN }, 200],
      // With allowed origins configured, a call that names none is refused as one from another origin.
      ['GET', '/v1/conversations', { 'X-Visitor-Id': visitorId }, 403],
      ['GET', '/v1/nothing-here', { 'X-Visitor-Id': visitorId, Origin: ORIGIN }, 404],
      ['GET', '/v1/nothing-here', { 'X-Visitor-Id': visitorId, Origin: OTHER }, 404],
      ['PUT', '/v1/messages', { 'X-Visitor-Id': visitorId, Origin: ORIGIN }, 405],
      ['GET', '/v1/conversations', { 'X-Visitor-Id': visitorId, Origin: OTHER }, 403],
      ['GET', '/v1/conversations/nobodys', { 'X-Visitor-Id': visitorId, Origin: ORIGIN }, 404],
    ];
    for (const [method, path, headers, status] of answers) {
      const res = await api.call(method, path, { 'X-Public-Key': app.keys.publicKey, ...headers, ...fromNewIp() });
      const what = `${method} ${path} from ${headers.Origin ?? 'no origin'}`;
      expect(res.status, what).toBe(status);
      expect(listed(res.headers.get('vary')), what).toEqual(['origin', 'x-public-key']);
    }
  });
});
