/** The access log: a line per request with what an operator needs, and never a caller's key, id or query. */
import http from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { accessLog } from '../../server/middleware/access-log';
import { recordingLog, type LogLine } from '../support/log-lines';
import { AGENT, Api, waitUntil } from './support/clients';
import { testConfig } from './support/app';

let app: RunningApp;
let api: Api;
let lines: LogLine[];

beforeAll(async () => {
  const recorded = recordingLog('info');
  lines = recorded.lines;
  app = await startApp(testConfig(), { log: recorded.log });
  api = new Api(app);
});
afterAll(async () => {
  await app?.close();
});

const requestLines = () => lines.filter((line) => line.msg === 'request');

/** The access lines logged from now on, once there are `count` of them. */
async function nextLines(count: number, send: () => Promise<unknown>): Promise<LogLine[]> {
  const before = requestLines().length;
  await send();
  return waitUntil(async () => requestLines().slice(before), (logged) => logged.length >= count);
}

describe('the access log', () => {
  it('logs method, path, status, duration, bytes and the request id; no key, visitor id or query string', async () => {
    const visitorId = await api.newVisitor();
    const visitor = { visitorId };
    await api.call('POST', '/v1/conversations', visitor, { conversationId: 'al-1' });
    const up = await api.call('POST', '/v1/files?conversationId=al-1&filename=a.txt', visitor, 'some words', { 'Content-Type': 'text/plain' });
    const fileId: string = up.body.file.id;

    let listed: Response | undefined;
    const logged = await nextLines(4, async () => {
      listed = await fetch(`${app.url}/v1/conversations?limit=5&status=open`, { headers: { ...api.headers(visitor), 'X-Request-Id': 'proxy-7f3a' } });
      await listed.arrayBuffer();
      await (await fetch(`${app.url}/v1/files/${fileId}?publicKey=${app.keys.publicKey}&visitorId=${visitorId}`, { headers: { Referer: `${app.url}/` } })).arrayBuffer();
      await api.call('GET', '/v1/nowhere', AGENT);
      await api.call('GET', '/v1/health', {});
    });
    expect(logged).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        pid: process.pid,
        hostname: expect.any(String),
        msg: 'request',
        method: 'GET',
        path: '/v1/conversations',
        status: 200,
        durationMs: expect.any(Number),
        bytes: Number(listed!.headers.get('content-length')),
        requestId: 'proxy-7f3a',
        websiteId: app.websiteId,
      },
      expect.objectContaining({ method: 'GET', path: `/v1/files/${fileId}`, status: 200, bytes: 'some words'.length }),
      expect.objectContaining({ method: 'GET', path: '/v1/nowhere', status: 404 }),
      expect.objectContaining({ method: 'GET', path: '/v1/health', status: 200 }),
    ]);
    expect(listed!.headers.get('x-request-id')).toBe('proxy-7f3a');
    for (const line of logged) expect(line.durationMs).toBeGreaterThanOrEqual(0);
    const written = JSON.stringify(requestLines());
    for (const secret of [app.keys.publicKey, app.keys.secretKey, visitorId, 'limit=5', '?']) expect(written).not.toContain(secret);
  });

  it('makes a request id when none came, or one not shaped as an id, and echoes it on the answer', async () => {
    const sent = [undefined, 'has spaces in it', 'x'.repeat(129), 'quote"d'];
    const answers: Response[] = [];
    const logged = await nextLines(sent.length, async () => {
      for (const id of sent) {
        const res = await fetch(`${app.url}/v1/health`, { headers: id === undefined ? {} : { 'X-Request-Id': id } });
        await res.arrayBuffer();
        answers.push(res);
      }
    });
    const echoed = answers.map((res) => res.headers.get('x-request-id'));
    for (const id of echoed) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(echoed).size).toBe(sent.length);
    expect(logged.map((line) => line.requestId)).toEqual(echoed);
  });

  it('names the website and the conversation a request is about, from its caller, path and message', async () => {
    const visitorId = await api.newVisitor();
    await api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'al-3' });
    const logged = await nextLines(2, async () => {
      await api.call('POST', '/v1/messages', AGENT, { conversationId: 'al-3', item: { type: 'message', text: 'hello' } });
      await api.call('PATCH', '/v1/conversations/al-3', AGENT, { priority: 'high' });
    });
    expect(logged).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/messages', status: 201, websiteId: app.websiteId, conversationId: 'al-3' }),
      expect.objectContaining({ method: 'PATCH', path: '/v1/conversations/al-3', status: 200, websiteId: app.websiteId, conversationId: 'al-3' }),
    ]);
  });

  it('marks a request whose client went away before its answer', async () => {
    const visitor = { visitorId: await api.newVisitor() };
    await api.call('POST', '/v1/conversations', visitor, { conversationId: 'al-2' });
    const [line] = await nextLines(1, async () => {
      const req = http.request(`${app.url}/v1/files?conversationId=al-2&filename=cut.txt`, {
        method: 'POST',
        headers: { ...api.headers(visitor), 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' },
      });
      req.on('error', () => undefined);
      req.write('the first words', () => setTimeout(() => req.destroy(), 200));
    });
    expect(line).toMatchObject({ method: 'POST', path: '/v1/files', aborted: true });
    // No answer was begun: no status, where it said 200 before.
    expect(line).not.toHaveProperty('status');
  });

  it('is not mounted at all when the log is above info, as the benchmark runs it', () => {
    expect(accessLog(pino({ level: 'warn' }))).toEqual([]);
    expect(accessLog(pino({ level: 'info' }))).toHaveLength(1);
  });
});
