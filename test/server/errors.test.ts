import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { userHashOf } from '../../server/services/identity';
import { AGENT, Api, waitUntil, type Who } from './support/clients';
import { startTestApp } from './support/app';
import { solidPng } from '../support/png';

const ORIGIN = 'https://shop.example';
let app: RunningApp;
let api: Api;
let visitor: { visitorId: string; origin: string };

/** A plain GET with exactly these headers (fetch would not send `Referer` as given). */
function statusOf(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${app.url}${path}`, { headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

/** A GET with these headers, a header given as a list sent once per value (fetch would join them); its status and parsed body. */
function answerTo(path: string, headers: Record<string, string | string[]>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${app.url}${path}`, { headers }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

/** Another visitor of the website, with its own rate limit (the shared one's burst is small). */
async function freshVisitor(conversationId: string): Promise<{ visitorId: string; origin: string }> {
  const created = await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey, Origin: ORIGIN });
  const fresh = { visitorId: created.body.visitor.id, origin: ORIGIN };
  await api.call('POST', '/v1/conversations', fresh, { conversationId });
  return fresh;
}

/** The fields a request's `400` names. */
async function fieldsOf(method: string, path: string, who: Who | Record<string, string>, body?: string, headers: Record<string, string> = {}) {
  const res = await api.call(method, path, who, body, headers);
  expect(res.status, `${method} ${path}`).toBe(400);
  return res.body.error.details.fields;
}

beforeAll(async () => {
  app = await startTestApp(
    { jsonBodyBytes: 2_048, fileMaxBytes: 1_024, visitorRate: { perSecond: 1, burst: 60 } },
    { env: { ALLOWED_ORIGINS: ORIGIN } },
  );
  api = new Api(app);
  const created = await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey, Origin: ORIGIN });
  visitor = { visitorId: created.body.visitor.id, origin: ORIGIN };
  await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-1' });
});
afterAll(async () => {
  await app?.close();
});

describe('Chat API errors', () => {
  describe('#400', () => {
    it("refuses the team a conversation for a visitor the website does not have (a mistyped id), naming the field, and makes nothing", async () => {
      const typo = await api.call('POST', '/v1/conversations', AGENT, { conversationId: 'err-typo', visitorId: 'vis_doesnotexist' });
      expect(typo.status).toBe(400);
      expect(typo.body.error.details.fields).toEqual([{ path: 'body.visitorId', message: 'names no visitor of this website' }]);
      expect((await api.call('GET', '/v1/conversations/err-typo', AGENT)).status).toBe(404);
      expect((await api.call('POST', '/v1/conversations', AGENT, { conversationId: 'err-known', visitorId: visitor.visitorId })).status).toBe(201);
    });

    it('names every failing field', async () => {
      const res = await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-1', item: { text: 5 } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_INVALID_INPUT');
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['body.item.type', 'body.item.text']));
    });

    it('refuses message text with nothing to read or control characters, naming the field', async () => {
      const post = (text: string) => api.call('POST', '/v1/messages', AGENT, { conversationId: 'err-1', item: { type: 'note', text } });
      const refusals: Array<[string, string]> = [
        ['\u200b\u200b', 'text is empty'],
        ['nul:\u0000:end', 'no control characters (but tab and line breaks)'],
        ['csi:\u009b2J', 'no control characters (but tab and line breaks)'],
        ['nel:\u0085:end', 'no control characters (but tab and line breaks)'],
      ];
      for (const [text, message] of refusals) {
        const refused = await post(text);
        expect(refused.status, message).toBe(400);
        expect(refused.body.error.details.fields).toEqual([{ path: 'body.item.text', message }]);
      }
      expect((await post('tab\there\r\nand a new line')).status).toBe(201);
    });

    it('refuses hidden control and text-direction characters in what people read: reasons, titles, tags', async () => {
      const fieldsOf = async (path: string, body: unknown) => (await api.call('POST', path, AGENT, body)).body.error?.details.fields.map((f: { path: string }) => f.path);
      expect(await fieldsOf('/v1/conversations/err-1/resolve', { reason: 'a\u0000b' })).toEqual(['body.reason']);
      expect(await fieldsOf('/v1/conversations/err-1/escalate', { reason: 'refund\u202Ednuf', summary: 'x\u0007' })).toEqual(['body.reason', 'body.summary']);
      expect(await fieldsOf('/v1/conversations/err-1/tags', { add: ['vip\u200F', 'arabic\u061Cmark'] })).toEqual(['body.add.0', 'body.add.1']);
      expect((await api.call('PATCH', '/v1/conversations/err-1', AGENT, { title: 'Refund\u2066' })).status).toBe(400);
      // Lines and tabs are a reason's text, not a label's: a title and a tag are one line.
      expect(await fieldsOf('/v1/conversations/err-1/resolve', { reason: 'first line\nsecond\tline' })).toBeUndefined();
      // A reason may hold the direction marks right-to-left writing needs; a label may not (it is one name-like line).
      expect((await api.call('POST', '/v1/conversations/err-1/reopen', AGENT, { reason: 'הוחזר 100 ₪\u200F' })).status).toBe(200);
      expect(await fieldsOf('/v1/conversations/err-1/tags', { add: ['line\nbreak', 'tab\tx', 'cr\rx'] })).toEqual(['body.add.0', 'body.add.1', 'body.add.2']);
      expect((await api.call('PATCH', '/v1/conversations/err-1', AGENT, { title: 'Refund\tpending' })).status).toBe(400);
      // A tag stored before tags were one line can still be named, to take it off or filter by it: it is not on this conversation (409), not a 400.
      const removed = await api.call('POST', '/v1/conversations/err-1/tags', AGENT, { remove: ['vip\tgold'] });
      expect(removed.status).toBe(409);
      expect((await api.call('GET', `/v1/conversations?tag=${encodeURIComponent('vip\tgold')}`, AGENT)).status).toBe(200);
    });

    it('refuses a title, tag or name with nothing to see (spaces and zero-width characters only), naming the field', async () => {
      const nothing = 'nothing to see: only spaces or invisible characters';
      // Zero-width and format characters, and the characters drawn as nothing that people post as "blank" names (Hangul fillers, blank Braille).
      for (const blank of ['\u200b', '\u200b \u2060', '\u2060\u200d', '\u3164', '\u2800\u2800', '\u115F\u1160', '\u034F\uFE0F']) {
        const titled = await api.call('PATCH', '/v1/conversations/err-1', AGENT, { title: blank });
        expect(titled.status).toBe(400);
        expect(titled.body.error.details.fields).toEqual([{ path: 'body.title', message: nothing }]);
        const tagged = await api.call('POST', '/v1/conversations/err-1/tags', AGENT, { add: ['ok', blank] });
        expect(tagged.body.error.details.fields).toEqual([{ path: 'body.add.1', message: nothing }]);
        const named = await api.call('POST', '/v1/team/members', AGENT, { name: blank });
        expect(named.body.error.details.fields).toEqual([{ path: 'body.name', message: nothing }]);
      }
      // A zero-width joiner inside an emoji, or a non-joiner inside a Persian word, is part of what is seen.
      expect((await api.call('PATCH', '/v1/conversations/err-1', AGENT, { title: 'Order \u{1F469}\u200D\u{1F4BB} \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645 \u2764\uFE0F' })).status).toBe(200);
      const { conversation } = (await api.call('GET', '/v1/conversations/err-1', AGENT)).body;
      expect(conversation.tags).not.toContain('ok');
    });

    it('refuses a credential sent twice, naming it, rather than act as one of them', async () => {
      const bearer = `Bearer ${app.keys.secretKey}`;
      const cases: Array<[string, Record<string, string | string[]>, string, string]> = [
        ['/v1/team', { Authorization: [bearer, 'Bearer sk_another_0123456789'] }, 'headers.authorization', 'Authorization'],
        ['/v1/team', { Authorization: bearer, 'X-Actor-User-Id': ['agent_alex', 'agent_sam'] }, 'headers.x-actor-user-id', 'X-Actor-User-Id'],
        ['/v1/conversations', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': [visitor.visitorId, 'vis_other'], Origin: ORIGIN }, 'headers.x-visitor-id', 'X-Visitor-Id'],
        [`/v1/files/f_1?token=${app.keys.secretKey}&token=sk_another_0123456789`, {}, 'query.token', 'token'],
      ];
      for (const [path, headers, field, name] of cases) {
        const { status, body } = await answerTo(path, headers);
        expect(status, field).toBe(400);
        expect(body.error.details.fields).toEqual([{ path: field, message: `given 2 times: give ${name} once` }]);
      }
      expect((await answerTo('/v1/team', { Authorization: bearer, 'X-Actor-User-Id': 'agent_alex' })).status).toBe(200);
    });

    it('keeps a tag or title in one Unicode form: ü typed as u and a combining mark is the same tag as ü', async () => {
      const tags = async (add: string) => api.call('POST', '/v1/conversations/err-1/tags', AGENT, { add: [add] });
      expect((await tags('m\u00fcller')).status).toBe(200);
      const again = await tags('mu\u0308ller');
      expect(again.status).toBe(409);
      expect(again.body.error.message).toBe('every tag is already on the conversation');
      const titled = await api.call('PATCH', '/v1/conversations/err-1', AGENT, { title: 'Cafe\u0301 order' });
      expect(titled.body.conversation.title).toBe('Caf\u00e9 order');
    });

    it('refuses control and text-direction characters in a contact\'s name, as in a team member\'s, and links nothing', async () => {
      const visitor = await freshVisitor('err-contact-name');
      const externalId = 'err-contact';
      const identify = (name: string) => api.call('POST', '/v1/contacts/identify', visitor, { externalId, userHash: userHashOf(app.keys.identitySecret, externalId), name });
      for (const name of ['Ann\u202Enimda', 'Bob\u0007\u0000', 'line\nbreak']) {
        const refused = await identify(name);
        expect(refused.status).toBe(400);
        expect(refused.body.error.details.fields).toEqual([{ path: 'body.name', message: 'no control or text-direction characters' }]);
      }
      const bootstrap = await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': visitor.visitorId, Origin: ORIGIN });
      expect(bootstrap.body.visitor.contact).toBeUndefined();
      expect((await identify('Ann Admin')).body.contact).toMatchObject({ externalId, name: 'Ann Admin' });
    });

    it('refuses fields the server assigns, malformed JSON and bad query values', async () => {
      const authored = await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-1', item: { type: 'message', text: 'x', author: { kind: 'human', id: 'agent_alex' } } });
      expect(authored.status).toBe(400);
      expect(authored.body.error.details.fields[0].path).toBe('body.item.author');
      const malformed = await api.call('POST', '/v1/messages', visitor, '{"conversationId":', { 'Content-Type': 'application/json' });
      expect(malformed.status).toBe(400);
      const limit = await api.call('GET', '/v1/conversations/err-1/timeline?limit=500', visitor);
      expect(limit.status).toBe(400);
      expect(limit.body.error.details.fields[0].path).toBe('query.limit');
      const fieldOf = async (query: string) => (await api.call('GET', `/v1/conversations/err-1/timeline?${query}`, AGENT)).body.error?.details.fields[0];
      expect(await fieldOf('limit=5&limit=6')).toEqual({ path: 'query.limit', message: 'given 2 times: give limit once' });
      const listed = await api.call('GET', '/v1/conversations?status=open&status=open', AGENT);
      expect(listed.body.error.details.fields).toEqual([{ path: 'query.status', message: 'given 2 times: give status once' }]);
      expect(await fieldOf('limit=0x10')).toEqual({ path: 'query.limit', message: 'expected a whole number' });
      expect(await fieldOf('afterSeq=')).toEqual({ path: 'query.afterSeq', message: 'expected a whole number' });
      expect((await api.call('GET', '/v1/conversations/err-1/timeline?limit=5&afterSeq=0', AGENT)).status).toBe(200);
      expect(await fieldOf('afterSeq=1&beforeSeq=3')).toEqual({ path: 'query.beforeSeq', message: 'not with afterSeq' });
      // A bracketed key, written for another parser, would read as no filter at all: it is refused, named.
      const listing = async (query: string) => (await api.call('GET', `/v1/conversations?${query}`, AGENT)).body.error?.details.fields;
      expect(await listing('priority[]=low')).toEqual([{ path: 'query.priority[]', message: 'not a parameter: give one plain value, as priority=low' }]);
      expect(await listing('status[$ne]=open&tag[0]=vip')).toEqual([
        { path: 'query.status[$ne]', message: expect.any(String) },
        { path: 'query.tag[0]', message: expect.any(String) },
      ]);
      expect(await fieldOf('afterSeq[gt]=3')).toEqual({ path: 'query.afterSeq[gt]', message: expect.any(String) });
      const upload = await api.call('POST', '/v1/files?conversationId=err-1&filename=a.txt&filename[]=b.txt', AGENT, 'hi', { 'Content-Type': 'text/plain' });
      expect(upload.body.error.details.fields).toEqual([{ path: 'query.filename[]', message: expect.any(String) }]);
      // A cache-buster asks for nothing, and is taken.
      expect((await api.call('GET', '/v1/conversations?priority=low&limit=5&_=1733400000', AGENT)).status).toBe(200);
    });

    it('refuses a parameter a list or read does not take, naming it, rather than answer as if it were not there', async () => {
      const refused = await api.call('GET', '/v1/conversations?updated_since=2099-01-01T00:00:00Z&sort_by=createdAt&order=asc&limit=5', AGENT);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('query.updated_since') });
      expect(refused.body.error.details.fields).toEqual(['updated_since', 'sort_by', 'order'].map((name) => ({ path: `query.${name}`, message: 'unknown parameter' })));
      const timeline = await api.call('GET', '/v1/conversations/err-1/timeline?after_seq=3', visitor);
      expect(timeline.body.error?.details.fields).toEqual([{ path: 'query.after_seq', message: 'unknown parameter' }]);
      const names = await api.call('GET', `/v1/websites/members?ids=${AGENT.agent}&id=${AGENT.agent}`, visitor);
      expect(names.body.error?.details.fields).toEqual([{ path: 'query.id', message: 'unknown parameter' }]);
    });

    it('refuses ids a URL would read as a path step (. and ..), which no route could reach', async () => {
      const own = await freshVisitor('err-dots');
      for (const id of ['.', '..']) {
        const opened = await api.call('POST', '/v1/conversations', own, { conversationId: id });
        expect(opened.body.error.details.fields).toEqual([{ path: 'body.conversationId', message: expect.stringContaining('path step') }]);
        const item = await api.call('POST', '/v1/messages', own, { conversationId: 'err-dots', item: { id, type: 'message', text: 'x' } });
        expect(item.body.error.details.fields).toEqual([{ path: 'body.item.id', message: expect.stringContaining('path step') }]);
      }
      expect((await api.call('POST', '/v1/conversations', own, { conversationId: '...' })).status).toBe(201);
    });

    it('refuses JSON nested too deep to store, naming where, instead of failing with 500', async () => {
      const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
      const deep = await api.call('POST', '/v1/conversations', visitor, `{"conversationId":"deep-1","metadata":{"x":${nested(500)}}}`, { 'Content-Type': 'application/json' });
      expect(deep.status).toBe(400);
      expect(deep.body.error.details.fields[0].path).toMatch(/^body\.metadata\.x(\.0)+$/);
      const answer = await api.call('POST', '/v1/conversations/err-1/items/none/actions/choose', visitor, `{"answer":${nested(500)}}`, { 'Content-Type': 'application/json' });
      expect(answer.status).toBe(400);
      const shallow = await api.call('POST', '/v1/conversations', visitor, `{"conversationId":"deep-2","metadata":{"x":${nested(20)}}}`, { 'Content-Type': 'application/json' });
      expect(shallow.status).toBe(201);
    });

    it('refuses text the store would not keep as sent (a lone surrogate, a key holding NUL), naming where, instead of storing U+FFFD or failing with 500', async () => {
      const visitor = await freshVisitor('err-text');
      // Written as JSON escapes: JSON.stringify would send them the same way.
      const lone = await api.call('POST', '/v1/messages', visitor, '{"conversationId":"err-text","item":{"id":"err-lone","type":"message","text":"a\\ud800b"}}', { 'Content-Type': 'application/json' });
      expect(lone.status).toBe(400);
      expect(lone.body.error.details.fields).toEqual([{ path: 'body.item.text', message: expect.stringContaining('surrogate') }]);
      const timeline = await api.call('GET', '/v1/conversations/err-text/timeline', visitor);
      expect(timeline.body.items.map((item: { id: string }) => item.id)).not.toContain('err-lone');
      const tag = await api.call('POST', '/v1/conversations/err-text/tags', AGENT, '{"add":["bad\\udc00"]}', { 'Content-Type': 'application/json' });
      expect(tag.body.error.details.fields[0].path).toBe('body.add.0');
      const nulKey = await api.call('POST', '/v1/conversations', AGENT, '{"visitorId":"v-nul","metadata":{"a\\u0000b":1}}', { 'Content-Type': 'application/json' });
      expect(nulKey.status).toBe(400);
      expect(nulKey.body.error.details.fields[0]).toEqual({ path: 'body.metadata', message: 'has a key holding NUL' });
      const emoji = await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-text', item: { id: 'err-emoji', type: 'message', text: 'ok 😀' } });
      expect(emoji.status).toBe(201);
      // NUL in a value the store keeps as sent (a message's text refuses it, as a control character).
      const nulValue = await api.call('POST', '/v1/conversations', AGENT, { visitorId: visitor.visitorId, metadata: { a: 'x\u0000y' } });
      expect(nulValue.status).toBe(201);
    });

    it("refuses an item id shaped like the server's own, so no client can take a workflow's event id first and stall its lifecycle", async () => {
      await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-own-ids' });
      // The ids the conversation's workflow gives its first events: taken first, its resolve would never be written.
      for (const version of [1, 2, 3]) {
        const taken = await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-own-ids', item: { id: `conversation:err-own-ids:event:${version}.0`, type: 'message', text: 'x' } });
        expect(taken.status).toBe(400);
        expect(taken.body.error.details.fields[0].path).toBe('body.item.id');
      }
      const resolved = await api.call('POST', '/v1/conversations/err-own-ids/resolve', AGENT, {});
      expect(resolved.status).toBe(200);
      const events = (await api.call('GET', '/v1/conversations/err-own-ids/timeline', AGENT)).body.items.filter((item: { type: string }) => item.type === 'event');
      expect(events.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining([expect.stringMatching(/^conversation:err-own-ids:event:[123]\.0$/)]));
    });

    it('answers a body that does not say it is JSON with 415, and requests the HTTP parser refuses with a JSON error', async () => {
      const visitor = await freshVisitor('err-types');
      const text = await api.call('POST', '/v1/messages', visitor, '{"conversationId":"err-types","item":{"type":"message","text":"x"}}', { 'Content-Type': 'text/plain' });
      expect(text.status).toBe(415);
      expect(text.body.error.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
      // Without credentials the answer is 401 whatever the body: nothing of the route is told.
      for (const path of ['/v1/messages', '/v1/conversations', '/v1/contacts/identify', '/v1/ai-agents/x']) {
        const anonymous = await fetch(`${app.url}${path}`, { method: path.includes('ai-agents') ? 'PUT' : 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x'.repeat(10) });
        expect([path, anonymous.status]).toEqual([path, 401]);
      }
      // A POST with no body at all needs no Content-Type.
      expect((await api.call('POST', '/v1/conversations/err-types/seen', visitor)).status).toBe(200);

      const raw = (request: string) =>
        new Promise<string>((resolve, reject) => {
          // Written, not ended: each request here is answered and its connection closed by the server.
          const socket = net.connect(app.port, '127.0.0.1', () => socket.write(request));
          let answer = '';
          socket.on('data', (chunk) => (answer += chunk.toString()));
          socket.on('close', () => resolve(answer));
          socket.on('error', reject);
        });
      const huge = await raw(`GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(huge).toMatch(/^HTTP\/1\.1 431 /);
      expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'ERR_HEADERS_TOO_LARGE' } });
      const garbled = await raw('NOT A REQUEST\r\n\r\n');
      expect(garbled).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(garbled.slice(garbled.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'ERR_INVALID_INPUT' } });
      // Those Node itself answers with a bare status line: a JSON body too, and the request's id.
      const hostless = await raw('GET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n');
      expect(hostless).toMatch(/^HTTP\/1\.1 400 /);
      expect(hostless).toMatch(/\r\nX-Request-Id: \S+\r\n/i);
      expect(JSON.parse(hostless.slice(hostless.indexOf('\r\n\r\n') + 4)).error.details.fields).toEqual([{ path: 'headers.host', message: expect.stringContaining('Host') }]);
      const expectation = await raw('POST /v1/messages HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
      expect(expectation).toMatch(/^HTTP\/1\.1 417 /);
      expect(JSON.parse(expectation.slice(expectation.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'ERR_EXPECTATION_FAILED', message: expect.stringContaining('100-continue') } });
      // An HTTP/1.0 request needs no Host, and its Expect is not read, as Node has it.
      expect(await raw('GET /v1/health HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
      expect(await raw('GET /v1/health HTTP/1.0\r\nExpect: 200-ok\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
      // An Expect naming 100-continue among others is met, as Node meets it (100 Continue, then the answer).
      const continued = await raw('GET /v1/health HTTP/1.1\r\nHost: x\r\nExpect: 100-continue, x-other\r\nConnection: close\r\n\r\n');
      expect(continued).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    });

    it('answers a request the HTTP layer cannot read with a 4xx, not 500', async () => {
      const visitor = await freshVisitor('err-http');
      const gzip = await api.call('POST', '/v1/messages', visitor, '{"conversationId":"err-http"}', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      expect(gzip.status).toBe(400);
      expect(gzip.body.error.code).toBe('ERR_INVALID_INPUT');
      const brotli = await api.call('POST', '/v1/messages', visitor, '{"conversationId":"err-http"}', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' });
      expect(brotli.status).toBeLessThan(500);
      const badEscape = await api.call('GET', '/v1/conversations/%E0%A4%A', visitor);
      expect(badEscape.status).toBe(400);
      expect(badEscape.body.error.code).toBe('ERR_INVALID_INPUT');
      expect((await api.call('GET', '/v1/files/%FF', visitor)).status).toBe(400);
    });

    it('names the part of the request the HTTP layer could not read', async () => {
      const visitor = await freshVisitor('err-unreadable');
      const message = JSON.stringify({ conversationId: 'err-unreadable', item: { type: 'message', text: 'x' } });
      const json = { 'Content-Type': 'application/json' };
      expect(await fieldsOf('GET', '/v1/conversations/%ff', visitor)).toEqual([{ path: 'params.id', message: 'not percent-encoded UTF-8' }]);
      expect(await fieldsOf('GET', '/v1/conversations/%E0%A4%A/timeline', visitor)).toEqual([{ path: 'params.id', message: 'not percent-encoded UTF-8' }]);
      expect(await fieldsOf('GET', '/v1/files/%FF', visitor)).toEqual([{ path: 'params.id', message: 'not percent-encoded UTF-8' }]);
      expect(await fieldsOf('DELETE', '/v1/team/members/agent_alex/tokens/%ff', AGENT)).toEqual([{ path: 'params.tokenId', message: 'not percent-encoded UTF-8' }]);
      expect(await fieldsOf('POST', '/v1/messages', visitor, message, { ...json, 'Content-Encoding': 'gzip' })).toEqual([{ path: 'body', message: 'not gzip data: incorrect header check' }]);
      expect(await fieldsOf('POST', '/v1/messages', visitor, 'x', { ...json, 'Content-Encoding': 'br' })).toEqual([{ path: 'body', message: expect.stringMatching(/^not br data: /) }]);
      // A path no route takes is told as sent.
      expect((await api.call('GET', '/v1/conver%ffsations', visitor)).body.error).toEqual({ code: 'ERR_NOT_FOUND', message: 'No route GET /v1/conver%ffsations' });
      // A percent-encoded id that decodes is the id.
      expect((await api.call('GET', '/v1/conversations/err%2Dunreadable', visitor)).body.conversation.id).toBe('err-unreadable');
    });

    it('refuses a JSON body that is not UTF-8, rather than store U+FFFD for its bytes', async () => {
      const visitor = await freshVisitor('err-utf8');
      const json = { 'Content-Type': 'application/json' };
      const latin1 = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
      const title = await api.call('PATCH', '/v1/conversations/err-utf8', AGENT, latin1('{"title":"caf\u00e9"}'), json);
      expect(title.status).toBe(400);
      expect(title.body.error).toEqual({ code: 'ERR_INVALID_INPUT', message: 'Request body is not valid UTF-8', details: { fields: [{ path: 'body', message: 'not UTF-8 text' }] } });
      const message = await api.call('POST', '/v1/messages', visitor, latin1('{"conversationId":"err-utf8","item":{"type":"message","text":"caf\u00e9"}}'), json);
      expect(message.status).toBe(400);
      expect(message.body.error.details.fields).toEqual([{ path: 'body', message: 'not UTF-8 text' }]);
      expect((await api.call('GET', '/v1/conversations/err-utf8', AGENT)).body.conversation.title).toBeUndefined();
      expect((await api.call('GET', '/v1/conversations/err-utf8/timeline', visitor)).body.items).toEqual([]);
      // The same text in UTF-8 is taken.
      expect((await api.call('PATCH', '/v1/conversations/err-utf8', AGENT, new TextEncoder().encode('{"title":"caf\u00e9"}'), json)).body.conversation.title).toBe('caf\u00e9');
    });

    it('refuses a query parameter that is not percent-encoded UTF-8, naming it, where it would have been read as U+FFFD or as sent', async () => {
      const visitor = await freshVisitor('err-query');
      const undecodable = (path: string) => [{ path, message: 'not percent-encoded UTF-8' }];
      expect(await fieldsOf('GET', '/v1/conversations?cursor=%E0%A4%A', AGENT)).toEqual(undecodable('query.cursor'));
      expect(await fieldsOf('GET', '/v1/conversations?status=%ZZ', AGENT)).toEqual(undecodable('query.status'));
      expect(await fieldsOf('GET', '/v1/conversations?tag=%ED%A0%80', AGENT)).toEqual(undecodable('query.tag'));
      expect(await fieldsOf('GET', '/v1/conversations?tag=vip&tag=%ff', AGENT)).toEqual(undecodable('query.tag'));
      expect(await fieldsOf('GET', '/v1/conversations?cur%ffsor=1&limit=5', AGENT)).toEqual(undecodable('query.cur%ffsor'));
      expect(await fieldsOf('GET', '/v1/conversations/err-query/timeline?cursor=%E0%A4%A', visitor)).toEqual(undecodable('query.cursor'));
      expect(await fieldsOf('GET', '/v1/websites/members?ids=agent_alex,%ff', visitor)).toEqual(undecodable('query.ids'));
      const text = { 'Content-Type': 'text/plain' };
      expect(await fieldsOf('POST', '/v1/files?conversationId=err-query&filename=a%ED%A0%80.txt', visitor, 'hi', text)).toEqual(undecodable('query.filename'));
      expect(await fieldsOf('POST', '/v1/files?conversationId=err-query&filename=b%E0%A4%A.txt', visitor, 'hi', text)).toEqual(undecodable('query.filename'));
      const stored = await api.call('POST', '/v1/files?conversationId=err-query&filename=100%25+sure%2B.txt', visitor, 'hi', text);
      expect(stored.body.file.filename).toBe('100% sure+.txt');
      // A download's credentials in its query are read as a route reads its query.
      const download = `${stored.body.file.url}?publicKey=${app.keys.publicKey}&visitorId=%ff`;
      expect(await fieldsOf('GET', download, {})).toEqual(undecodable('query.visitorId'));
      // What decodes is read as before.
      expect((await api.call('GET', '/v1/conversations?tag=caf%C3%A9&status=open', AGENT)).status).toBe(200);
    });

    it('refuses bracketed and undecodable query parameters on the routes that read no query too', async () => {
      const bracketed = (key: string) => [{ path: `query.${key}`, message: 'not a parameter: give one plain value, as priority=low' }];
      expect(await fieldsOf('GET', '/v1/team?a[]=1', AGENT)).toEqual(bracketed('a[]'));
      expect(await fieldsOf('GET', '/v1/settings/lifecycle?x[y]=1', AGENT)).toEqual(bracketed('x[y]'));
      expect(await fieldsOf('GET', '/v1/health?x[y]=1', {})).toEqual(bracketed('x[y]'));
      expect(await fieldsOf('GET', '/v1/team?x=%ZZ', AGENT)).toEqual([{ path: 'query.x', message: 'not percent-encoded UTF-8' }]);
      // Those routes still ignore a plain parameter they do not read, given once or more.
      expect((await api.call('GET', '/v1/team?x=1', AGENT)).status).toBe(200);
      expect((await api.call('GET', '/v1/team?x=1&x=2', AGENT)).status).toBe(200);
    });

    it('tells a JSON body that is not an object from one that is not JSON', async () => {
      const json = { 'Content-Type': 'application/json' };
      for (const [body, kind] of [['null', 'null'], ['"str"', 'string'], [' 42', 'number']]) {
        const res = await api.call('POST', '/v1/messages', AGENT, body, json);
        expect(res.status).toBe(400);
        expect(res.body.error).toEqual({ code: 'ERR_INVALID_INPUT', message: 'Request body must be a JSON object', details: { fields: [{ path: 'body', message: `expected a JSON object, got ${kind}` }] } });
      }
      const malformed = await api.call('POST', '/v1/messages', AGENT, '{"conversationId":', json);
      expect(malformed.body.error).toMatchObject({ message: 'Request body is not valid JSON', details: { fields: [{ path: 'body', message: expect.any(String) }] } });
    });

    it('refuses to assign or add a user who is not on the team, naming the field', async () => {
      for (const path of ['assign', 'participants']) {
        const res = await api.call('POST', `/v1/conversations/err-1/${path}`, AGENT, { userId: 'usr_nobody' });
        expect(res.status).toBe(400);
        expect(res.body.error.details.fields).toEqual([{ path: 'body.userId', message: expect.any(String) }]);
      }
      // A visitor learns nothing about who is on the team.
      expect((await api.call('POST', '/v1/conversations/err-1/assign', visitor, { userId: 'usr_nobody' })).status).toBe(403);
    });

    it('refuses a tag longer than the workflow takes, naming it', async () => {
      const res = await api.call('POST', '/v1/conversations/err-1/tags', AGENT, { add: ['x'.repeat(51)] });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0].path).toBe('body.add.0');
    });

    it('refuses a tag both added and removed in one request', async () => {
      const res = await api.call('POST', '/v1/conversations/err-1/tags', AGENT, { add: ['vip', 'billing'], remove: ['billing'] });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields).toEqual([{ path: 'body.remove', message: 'a tag cannot be both added and removed' }]);
    });

    it('gives details one shape, {fields: [{path, message}]}, whichever module refused the input', async () => {
      const shape = { fields: expect.arrayContaining([{ path: expect.any(String), message: expect.any(String) }]) };
      // The plugin registry: a quick_replies item without options.
      const plugin = await api.call('POST', '/v1/messages', AGENT, { conversationId: 'err-1', item: { type: 'quick_replies', prompt: 'Pick one' } });
      expect(plugin.status).toBe(400);
      expect(plugin.body.error.details).toEqual(shape);
      expect(plugin.body.error.details.fields[0].path).toBe('body.item.options');
      // The store: a cursor it did not make.
      const store = await api.call('GET', '/v1/conversations/err-1/timeline?cursor=nonsense', visitor);
      expect(store.status).toBe(400);
      expect(store.body.error.details).toEqual({ fields: [{ path: 'query.cursor', message: expect.any(String) }] });
      const listing = await api.call('GET', '/v1/conversations?cursor=nonsense', visitor);
      expect(listing.body.error.details.fields[0].path).toBe('query.cursor');
      // Cursors that are JSON but not a position the server made.
      const cursor = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url');
      const at = new Date().toISOString();
      for (const position of [{ at: 'not a date', id: 'x' }, { at: 'zzzz', id: 'x' }, { at, id: '' }, { at, id: 'x', extra: 1 }, { at: 1, id: 'x' }]) {
        const forged = await api.call('GET', `/v1/conversations?cursor=${cursor(position)}`, AGENT);
        expect(forged.status, JSON.stringify(position)).toBe(400);
        expect(forged.body.error.details.fields).toEqual([{ path: 'query.cursor', message: 'invalid cursor' }]);
      }
      expect((await api.call('GET', `/v1/conversations?cursor=${cursor({ at, id: 'x' })}`, AGENT)).status).toBe(200);
      expect((await api.call('GET', `/v1/conversations/err-1/timeline?cursor=${cursor({ afterSeq: 0, extra: 1 })}`, AGENT)).status).toBe(400);
      // The server's files: a file part naming no file of the conversation.
      const file = await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-1', item: { type: 'message', parts: [{ type: 'text', text: 'see' }, { type: 'file', fileId: 'file_none' }] } });
      expect(file.body.error.details.fields).toEqual([{ path: 'body.item.parts.1.fileId', message: 'no such file in this conversation' }]);
      // Files are uploaded to a conversation that exists: an initial item can name none, and nothing is created.
      const initialItems = [{ type: 'message', text: 'first' }, { type: 'message', parts: [{ type: 'file', fileId: 'file_none' }] }];
      const initial = await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-file-1', defaultTimelineItems: initialItems });
      expect(initial.status).toBe(400);
      expect(initial.body.error.details.fields).toEqual([{ path: 'body.defaultTimelineItems.1.parts.0.fileId', message: expect.stringContaining('after the conversation is created') }]);
      expect((await api.call('GET', '/v1/conversations/err-file-1', visitor)).status).toBe(404);
      const withoutFile = await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-file-1', defaultTimelineItems: initialItems.slice(0, 1) });
      expect(withoutFile.status).toBe(201);
      // The server's own schemas: an assistant configuration.
      const config = await api.call('PUT', '/v1/ai-agents/ai_assistant', AGENT, { model: 'gpt-4', stepBudget: 0 });
      expect(config.status).toBe(400);
      expect(config.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.model', 'body.stepBudget']);
      // Nested fields too: a misspelt one is refused, not left at its default.
      const nested = await api.call('PUT', '/v1/ai-agents/ai_assistant', AGENT, {
        escalation: { maxVisitorTurn: 0 },
        knowledge: [{ id: 'k', title: 't', text: 'x', foo: 1 }, { id: 'k', title: 't', text: 'y' }],
        businessHours: { timeZone: 'UTC', open: '08:00' },
        permissions: ['tag', 'set_priority', 'tag'],
      });
      expect(nested.status).toBe(400);
      expect(nested.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(
        ['body.businessHours.open', 'body.escalation.maxVisitorTurn', 'body.knowledge', 'body.knowledge.0.foo', 'body.permissions', 'body.permissions'].sort(),
      );
      const other = await api.call('PUT', '/v1/ai-agents/ai_assistant', AGENT, { id: 'ai_other' });
      expect(other.status).toBe(400);
      expect(other.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.id']);
    });

    it('reports unknown item types', async () => {
      const res = await api.call('POST', '/v1/messages', AGENT, { conversationId: 'err-1', item: { type: 'acme.nope', text: 'x' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_UNKNOWN_ITEM_TYPE');
      expect(res.body.error.details).toEqual({ fields: [{ path: 'body.item.type', message: expect.stringContaining('acme.nope') }] });
    });
  });

  describe('#401', () => {
    it('refuses missing and wrong credentials', async () => {
      expect((await api.call('GET', '/v1/conversations', {})).status).toBe(401);
      expect((await api.call('GET', '/v1/conversations', { 'X-Public-Key': 'pk_wrongwrongwrong', 'X-Visitor-Id': 'v1' })).status).toBe(401);
      expect((await api.call('GET', '/v1/conversations', { Authorization: 'Bearer sk_wrong' })).status).toBe(401);
      const unknownActor = await api.call('GET', '/v1/team', { agent: 'nobody' });
      expect(unknownActor.status).toBe(401);
      expect(unknownActor.body.error.code).toBe('ERR_UNAUTHENTICATED');
    });

    it('says what to send: the credentials of each kind of caller, and where a public key sent as a bearer goes', async () => {
      const missing = await api.call('GET', '/v1/conversations', {});
      expect(missing.body.error.message).toBe('Missing credentials: the widget sends X-Public-Key and X-Visitor-Id; the team sends Authorization: Bearer <secret key or member token>');
      const publicAsBearer = await api.call('GET', '/v1/team', { Authorization: `Bearer ${app.keys.publicKey}` });
      expect(publicAsBearer.status).toBe(401);
      expect(publicAsBearer.body.error.message).toBe('That is a public key: it goes in X-Public-Key (with X-Visitor-Id); Authorization: Bearer takes the secret key or a member token');
    });
  });

  describe('#403', () => {
    it('says which header to add when the secret key acts as nobody, a read such as GET /v1/team/me too', async () => {
      const me = await api.call('GET', '/v1/team/me', { agent: null });
      expect(me.status).toBe(403);
      expect(me.body.error.message).toBe('This needs an acting team member: add X-Actor-User-Id naming one (actorUserId on /ws), or send their member token');
    });

    it('refuses what the caller may not do', async () => {
      expect((await api.call('POST', '/v1/conversations/err-1/resolve', visitor, {})).status).toBe(403);
      expect((await api.call('GET', '/v1/team', visitor)).status).toBe(403);
      // Priority and tags are the team's triage, and so are filters that would probe them.
      expect((await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-urgent', priority: 'urgent' })).status).toBe(403);
      expect((await api.call('GET', '/v1/conversations?tag=vip', visitor)).status).toBe(403);
      // A secret key without an actor may read but not write.
      expect((await api.call('GET', '/v1/conversations/err-1', { agent: null })).status).toBe(200);
      const write = await api.call('POST', '/v1/messages', { agent: null }, { conversationId: 'err-1', item: { type: 'message', text: 'x' } });
      expect(write.status).toBe(403);
      expect(write.body.error.code).toBe('ERR_FORBIDDEN');
    });

    it("refuses an AI tool-call record from the API, also from a backend acting as the assistant: only the assistant's workflow writes them", async () => {
      const assistant = { agent: DEFAULT_ASSISTANT_ID };
      const record = { type: 'ai_tool_call', toolName: 'escalate', input: { reason: 'forged' }, state: 'accepted' };
      const posted = await api.call('POST', '/v1/messages', assistant, { conversationId: 'err-1', item: { id: 'forged-call', ...record } });
      expect(posted.status).toBe(403);
      expect(posted.body.error).toMatchObject({ code: 'ERR_FORBIDDEN', message: expect.stringContaining('"ai_tool_call"') });
      expect(posted.body.error.message).toMatch(/only its workflow writes them/);
      const initial = await api.call('POST', '/v1/conversations', assistant, { conversationId: 'err-forged', visitorId: visitor.visitorId, defaultTimelineItems: [record] });
      expect(initial.status).toBe(403);
      expect((await api.call('GET', '/v1/conversations/err-forged', AGENT)).status).toBe(404);
      const timeline = await api.call('GET', '/v1/conversations/err-1/timeline?limit=100', AGENT);
      expect(timeline.body.items.filter((item: { id: string }) => item.id === 'forged-call')).toEqual([]);
      // The assistant's own messages are still its to post.
      expect((await api.call('POST', '/v1/messages', assistant, { conversationId: 'err-1', item: { type: 'message', text: 'Hello from the assistant' } })).status).toBe(201);
    });

    it('refuses a widget call from an origin the website does not allow', async () => {
      const res = await api.call('GET', '/v1/conversations', { ...visitor, origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('#404', () => {
    it('hides other visitors’ conversations and unknown things', async () => {
      const other = { visitorId: 'someone-else', origin: ORIGIN };
      const res = await api.call('GET', '/v1/conversations/err-1', other);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ERR_NOT_FOUND');
      expect((await api.call('POST', '/v1/messages', other, { conversationId: 'err-1', item: { type: 'message', text: 'hi' } })).status).toBe(404);
      expect((await api.call('GET', '/v1/conversations/nope', AGENT)).status).toBe(404);
      expect((await api.call('GET', '/v1/files/file_nope', AGENT)).status).toBe(404);
      expect((await api.call('GET', '/v1/nothing-here', AGENT)).status).toBe(404);
    });

    it('answers 404 for an unknown conversation before checking who is on the team', async () => {
      for (const path of ['assign', 'participants']) {
        expect((await api.call('POST', `/v1/conversations/nope/${path}`, AGENT, { userId: 'usr_nobody' })).status).toBe(404);
      }
    });
  });

  describe('#405', () => {
    it('answers a path some route takes, asked with another method, with 405 and the methods it takes in Allow', async () => {
      const cases: Array<[string, string, string]> = [
        ['DELETE', '/v1/conversations', 'GET, HEAD, OPTIONS, POST'],
        ['PUT', '/v1/conversations/err-1', 'GET, HEAD, OPTIONS, PATCH'],
        ['PUT', '/v1/conversations/err-1/timeline', 'GET, HEAD, OPTIONS'],
        ['GET', '/v1/conversations/err-1/assign', 'DELETE, OPTIONS, POST'],
        ['GET', '/v1/messages', 'OPTIONS, POST'],
        ['HEAD', '/v1/messages', 'OPTIONS, POST'],
        ['POST', '/v1/files/file_nope', 'GET, HEAD, OPTIONS'],
        ['PATCH', '/v1/settings/lifecycle', 'GET, HEAD, OPTIONS, PUT'],
        ['POST', '/inbox', 'GET, HEAD, OPTIONS'],
      ];
      for (const [method, path, allow] of cases) {
        const res = await api.call(method, path, AGENT);
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
        if (method === 'HEAD') continue;
        expect(res.body.error, `${method} ${path}`).toEqual({
          code: 'ERR_METHOD_NOT_ALLOWED',
          message: `${path} does not take ${method}: it takes ${allow}`,
          details: { allowed: allow.split(', ') },
        });
      }
    });

    it('answers a plain OPTIONS to a path some route takes with 204 and the Allow its 405 gives, credentials or none', async () => {
      const cases: Array<[string, string]> = [
        ['/v1/conversations', 'GET, HEAD, OPTIONS, POST'],
        ['/v1/conversations/err-1/assign', 'DELETE, OPTIONS, POST'],
        ['/v1/messages', 'OPTIONS, POST'],
        ['/v1/health', 'GET, HEAD, OPTIONS'],
        ['/inbox', 'GET, HEAD, OPTIONS'],
      ];
      for (const [path, allow] of cases) {
        for (const who of [AGENT, {}]) {
          const res = await api.call('OPTIONS', path, who);
          expect(res.status, path).toBe(204);
          expect(res.headers.get('allow'), path).toBe(allow);
        }
        expect((await api.call('PUT', path, AGENT)).headers.get('allow'), path).toBe(allow);
      }
      const nowhere = await api.call('OPTIONS', '/v1/nothing-here', AGENT);
      expect(nowhere.status).toBe(404);
      expect(nowhere.headers.get('allow')).toBeNull();
    });

    it('still answers 404 for a path no route takes, whatever the method, and CORS preflights as before', async () => {
      for (const [method, path] of [['PUT', '/v1/conversations/err-1/messages'], ['GET', '/v1/nothing-here'], ['DELETE', '/v1/conversations/err-1/resolve/now']]) {
        const res = await api.call(method!, path!, AGENT);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get('allow')).toBeNull();
      }
      const preflight = await fetch(`${app.url}/v1/conversations`, { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'DELETE' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    });
  });

  describe('#409', () => {
    it('reports conflicting ids and invalid transitions', async () => {
      const otherContent = await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-1', metadata: { page: '/pricing' } });
      expect(otherContent.status).toBe(409);
      expect(otherContent.body.error.code).toBe('ERR_CONFLICT');
      await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-1', item: { id: 'err-1-m', type: 'message', text: 'a' } });
      expect((await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-1', item: { id: 'err-1-m', type: 'message', text: 'b' } })).status).toBe(409);

      // On a conversation with no visitor message under way: one whose workflow hears of it only after
      // the resolve would reopen the conversation (the visitor wrote), and the second resolve would pass.
      await api.call('POST', '/v1/conversations', AGENT, { conversationId: 'err-resolve', visitorId: visitor.visitorId });
      expect((await api.call('POST', '/v1/conversations/err-resolve/resolve', AGENT, {})).status).toBe(200);
      const again = await api.call('POST', '/v1/conversations/err-resolve/resolve', AGENT, {});
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('ERR_INVALID_TRANSITION');
    });

    it('takes a rating once the conversation is resolved, not while it is open (it would undo the team’s triage)', async () => {
      const rater = await freshVisitor('err-rating');
      const rate = (conversationId: string) => api.call('POST', '/v1/messages', rater, { conversationId, item: { type: 'rating', score: 1 } });
      const early = await rate('err-rating');
      expect(early.status).toBe(409);
      expect(early.body.error).toMatchObject({ code: 'ERR_INVALID_TRANSITION', message: expect.stringContaining('while the conversation is resolved') });
      const initial = await api.call('POST', '/v1/conversations', rater, { conversationId: 'err-rating-2', defaultTimelineItems: [{ type: 'rating', score: 5 }] });
      expect(initial.status).toBe(409);
      expect((await api.call('GET', '/v1/conversations/err-rating-2', rater)).status).toBe(404);
      expect((await api.call('POST', '/v1/conversations/err-rating/resolve', AGENT, {})).status).toBe(200);
      const rated = await api.call('POST', '/v1/messages', rater, { conversationId: 'err-rating', item: { id: 'err-rating-1', type: 'rating', score: 1 } });
      expect(rated.status).toBe(201);
      // The low score reopens the conversation; a retry of the same rating still gets its stored item.
      await waitUntil(async () => (await api.call('GET', '/v1/conversations/err-rating', AGENT)).body.conversation.status, (status) => status === 'open');
      const retried = await api.call('POST', '/v1/messages', rater, { conversationId: 'err-rating', item: { id: 'err-rating-1', type: 'rating', score: 1 } });
      expect(retried.status).toBe(201);
      expect(retried.body.item.seq).toBe(rated.body.item.seq);
    });

    it('creates nothing when an initial item id is taken or repeated, and counts initial items as content a retry must repeat', async () => {
      const visitor = await freshVisitor('err-init-0');
      await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-init-0', item: { id: 'err-taken', type: 'message', text: 'mine' } });
      const taken = await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-init-1', defaultTimelineItems: [{ type: 'message', text: 'hello' }, { id: 'err-taken', type: 'message', text: 'x' }] });
      expect(taken.status).toBe(409);
      expect((await api.call('GET', '/v1/conversations/err-init-1', visitor)).status).toBe(404);
      const twice = await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-init-1', defaultTimelineItems: [{ id: 'err-twice', type: 'message', text: 'a' }, { id: 'err-twice', type: 'message', text: 'b' }] });
      expect(twice.status).toBe(400);
      expect(twice.body.error.details.fields[0].path).toBe('body.defaultTimelineItems.1.id');
      expect((await api.call('GET', '/v1/conversations/err-init-1', visitor)).status).toBe(404);

      const request = { conversationId: 'err-init-2', defaultTimelineItems: [{ type: 'message', text: 'hello' }] };
      expect((await api.call('POST', '/v1/conversations', visitor, request)).status).toBe(201);
      const retried = await api.call('POST', '/v1/conversations', visitor, request);
      expect(retried.status).toBe(201);
      expect(retried.body.initialTimelineItems.map((item: { seq: number }) => item.seq)).toEqual([1]);
      const changed = await api.call('POST', '/v1/conversations', visitor, { ...request, defaultTimelineItems: [{ type: 'message', text: 'something else' }] });
      expect(changed.status).toBe(409);
      const without = await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-init-2' });
      expect(without.status).toBe(409);
    });

    it('changes nothing when one change of a request is refused', async () => {
      await api.call('POST', '/v1/conversations', visitor, { conversationId: 'err-atomic' });
      expect((await api.call('PATCH', '/v1/conversations/err-atomic', AGENT, { title: 'Refund' })).status).toBe(200);
      const patch = await api.call('PATCH', '/v1/conversations/err-atomic', AGENT, { priority: 'urgent', title: 'Refund' });
      expect(patch.status).toBe(409);
      expect(patch.body.error.message).toBe('set_title: title is unchanged');
      const tags = await api.call('POST', '/v1/conversations/err-atomic/tags', AGENT, { add: ['billing'], remove: ['absent'] });
      expect(tags.status).toBe(409);
      const after = await api.call('GET', '/v1/conversations/err-atomic', AGENT);
      expect(after.body.conversation).toMatchObject({ priority: 'medium', title: 'Refund', tags: [] });
      const both = await api.call('PATCH', '/v1/conversations/err-atomic', AGENT, { priority: 'urgent', title: 'Refund, twice' });
      expect(both.body.conversation).toMatchObject({ priority: 'urgent', title: 'Refund, twice' });
      const audit = await api.call('GET', '/v1/conversations/err-atomic/audit', AGENT);
      const changeSets = audit.body.entries.filter((entry: { name?: string }) => entry.name === 'changeSet').map((entry: { kind: string }) => entry.kind);
      // Temporal writes no history event for an update its validator rejected.
      const rejected = app.engine.kind === 'temporal' ? [] : ['update_rejected', 'update_rejected'];
      expect(changeSets).toEqual([...rejected, 'update_accepted', 'update_completed']);
    });
  });

  describe('#413', () => {
    it('refuses JSON bodies and files over their limits', async () => {
      const big = await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-1', item: { type: 'message', text: 'x'.repeat(5_000) } });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('ERR_PAYLOAD_TOO_LARGE');
      // What the client may send, and what the operator would raise.
      expect(big.body.error.message).toBe("Request body is over the JSON body limit of 2048 bytes (the server's JSON_BODY_LIMIT_BYTES)");
      expect(big.body.error.details).toEqual({ limitBytes: 2048, setting: 'JSON_BODY_LIMIT_BYTES' });
      const file = await api.call('POST', '/v1/files?conversationId=err-1&filename=a.txt', visitor, new Uint8Array(4_096), { 'Content-Type': 'text/plain' });
      expect(file.status).toBe(413);
      const empty = await api.call('POST', '/v1/files?conversationId=err-1&filename=empty.txt', AGENT, new Uint8Array(0), { 'Content-Type': 'text/plain' });
      expect(empty.status).toBe(400);
      expect(empty.body.error.details.fields).toEqual([{ path: 'body', message: 'an upload needs at least one byte' }]);
    });
  });

  describe('#415', () => {
    it('tells the widget the upload limits it enforces, so it can refuse a file before sending it', async () => {
      const website = await api.call('GET', '/v1/websites', visitor);
      expect(website.body.files).toEqual({ maxBytes: 1_024, mediaTypes: expect.arrayContaining(['image/png', 'text/plain']) });
      expect(website.body.files.mediaTypes).not.toContain('text/html');
    });

    it('tells a multipart form upload to send the raw file bytes with their Content-Type', async () => {
      const form = new FormData();
      form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
      const res = await fetch(`${app.url}/v1/files?conversationId=err-1&filename=a.txt`, { method: 'POST', headers: api.headers(visitor), body: form });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Send the file's raw bytes as the body with the file's own Content-Type, not a multipart form: Content-Type must be one of /);
    });

    it('refuses file types that are not allowed', async () => {
      const res = await api.call('POST', '/v1/files?conversationId=err-1&filename=a.html', visitor, '<script>', { 'Content-Type': 'text/html' });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses an upload whose bytes are not of the type it declares', async () => {
      const res = await api.call('POST', '/v1/files?conversationId=err-1&filename=a.png', visitor, '<svg onload="alert(1)"/>', { 'Content-Type': 'image/png' });
      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'ERR_UNSUPPORTED_MEDIA_TYPE', message: "The file's bytes are not image/png: declare the type the file is" });
    });
    it('refuses a file name whose extension is not of the declared type, naming the extensions that are', async () => {
      const upload = (filename: string, type: string, body: string) =>
        api.call('POST', `/v1/files?conversationId=err-1&filename=${encodeURIComponent(filename)}`, visitor, body, { 'Content-Type': type });
      const program = await upload('setup.exe', 'application/pdf', '%PDF-1.7');
      expect(program.status).toBe(415);
      expect(program.body.error).toMatchObject({
        code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
        details: { fields: [{ path: 'query.filename', message: "a application/pdf file's name ends with .pdf" }], extensions: ['.pdf'] },
      });
      const page = await upload('evil.html', 'text/plain', '<html><script>alert(1)</script></html>');
      expect(page.status).toBe(415);
      expect(page.body.error.details.extensions).toEqual(['.txt', '.text', '.log']);
      expect((await upload('Notes.TXT', 'text/plain', '<html> is text here')).status).toBe(201);
    });

    it('refuses a PDF or text upload whose bytes are not what it declares', async () => {
      const program = await api.call('POST', '/v1/files?conversationId=err-1&filename=invoice.pdf', visitor, 'MZ\x90\x00\x03', { 'Content-Type': 'application/pdf' });
      expect(program.status).toBe(415);
      expect(program.body.error.message).toBe("The file's bytes are not application/pdf: declare the type the file is");
      const binary = await api.call('POST', '/v1/files?conversationId=err-1&filename=notes.txt', visitor, new Uint8Array([104, 105, 0, 1]), { 'Content-Type': 'text/plain' });
      expect(binary.status).toBe(415);
      expect(binary.body.error.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('#files', () => {
    it('stores an upload with its image size and serves it only to those who may see the conversation', async () => {
      const png = solidPng(3, 2);
      const up = await api.call('POST', '/v1/files?conversationId=err-1&filename=dot.png', visitor, png, { 'Content-Type': 'image/png' });
      expect(up.status).toBe(201);
      expect(up.body.file).toMatchObject({ mediaType: 'image/png', filename: 'dot.png', size: png.length, width: 3, height: 2 });
      const own = await fetch(`${app.url}${up.body.file.url}`, { headers: api.headers(visitor) });
      expect(own.status).toBe(200);
      expect(new Uint8Array(await own.arrayBuffer())).toEqual(png);
      const viaQuery = `${up.body.file.url}?publicKey=${app.keys.publicKey}&visitorId=${visitor.visitorId}`;
      expect((await fetch(`${app.url}${viaQuery}`, { headers: { Origin: ORIGIN } })).status).toBe(200);
      // An `<img src>` on the shop's page: no Origin, so the page's origin comes from its Referer.
      expect(await statusOf(viaQuery, { Referer: `${ORIGIN}/products/42` })).toBe(200);
      expect(await statusOf(viaQuery, { Referer: 'https://elsewhere.example/page' })).toBe(403);
      expect(await statusOf(viaQuery, {})).toBe(403);
      const stranger = await api.call('GET', up.body.file.url, { visitorId: 'stranger', origin: ORIGIN });
      expect(stranger.status).toBe(404);
      expect(stranger.body.error.message).not.toContain('err-1'); // nor which conversation holds it

      const message = await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-1', item: { type: 'message', text: 'see', parts: [{ type: 'file', fileId: up.body.file.id }] } });
      expect(message.status).toBe(201);
      expect(message.body.item.parts[0]).toMatchObject({ fileId: up.body.file.id, width: 3, mediaType: 'image/png' });
    });

    it('keeps a file the team attached to a private note from the visitor until a public item shares it', async () => {
      // A visitor of its own: this file's visitor is held to 1 call a second, which downloads count against.
      const visitor = await freshVisitor('err-note-file');
      const up = await api.call('POST', '/v1/files?conversationId=err-note-file&filename=internal.png', AGENT, solidPng(1, 1), { 'Content-Type': 'image/png' });
      expect(up.status).toBe(201);
      const part = { type: 'file', fileId: up.body.file.id };
      const note = await api.call('POST', '/v1/messages', AGENT, { conversationId: 'err-note-file', item: { type: 'note', text: 'internal', parts: [part] } });
      expect(note.status).toBe(201);
      expect(note.body.item.parts).toEqual([expect.objectContaining({ type: 'file', fileId: up.body.file.id, filename: 'internal.png', width: 1, height: 1 })]);
      expect((await api.call('GET', up.body.file.url, AGENT)).status).toBe(200);
      expect((await api.call('GET', up.body.file.url, visitor)).status).toBe(404);
      // Nor can the visitor make it public by naming it in a message of its own (were the id to leak).
      const shared = await api.call('POST', '/v1/messages', visitor, { conversationId: 'err-note-file', item: { type: 'message', text: 'mine now', parts: [part] } });
      expect(shared.body.error.details.fields).toEqual([{ path: 'body.item.parts.0.fileId', message: 'no such file in this conversation' }]);
      expect((await api.call('GET', up.body.file.url, visitor)).status).toBe(404);
      expect((await api.call('POST', '/v1/messages', AGENT, { conversationId: 'err-note-file', item: { type: 'message', text: 'here it is', parts: [part] } })).status).toBe(201);
      expect((await api.call('GET', up.body.file.url, visitor)).status).toBe(200);
    });

    it('leaves a team upload a visitor was refused to name as unattached as it was (the sweep still deletes it)', async () => {
      const own = await freshVisitor('err-sweep');
      const up = await api.call('POST', '/v1/files?conversationId=err-sweep&filename=draft.png', AGENT, solidPng(1, 1), { 'Content-Type': 'image/png' });
      const named = await api.call('POST', '/v1/messages', own, { conversationId: 'err-sweep', item: { type: 'message', text: 'x', parts: [{ type: 'file', fileId: up.body.file.id }] } });
      expect(named.status).toBe(400);
      await app.store.deleteUnattachedFiles(new Date(Date.now() + 60_000), 1_000);
      expect((await api.call('GET', up.body.file.url, AGENT)).status).toBe(404);
    });

    it('names a download with Content-Disposition as RFC 6266 says, and refuses file names that read as others', async () => {
      const upload = (filename: string) =>
        api.call('POST', `/v1/files?conversationId=err-1&filename=${encodeURIComponent(filename)}`, AGENT, 'plain text', { 'Content-Type': 'text/plain' });
      const up = await upload("résumé (final)'s*.txt");
      expect(up.status).toBe(201);
      const served = await fetch(`${app.url}${up.body.file.url}`, { headers: api.headers(AGENT) });
      expect(served.headers.get('content-disposition')).toBe(
        `attachment; filename="r?sum? (final)'s*.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%28final%29%27s%2A.txt`,
      );
      for (const misleading of ['invoice\u202Etxt.exe', 'two\r\nlines.txt', 'tab\there.txt']) {
        const refused = await upload(misleading);
        expect(refused.body.error.details.fields).toEqual([{ path: 'query.filename', message: 'no control or text-direction characters' }]);
      }
      // Zero-width characters hide where the name ends: `invoice.pdf​​​….exe` saves as invoice.pdf___….exe.
      for (const hidden of [`invoice.pdf${'\u200b'.repeat(30)}.txt`, 'a\u2060b.txt', 'notes\ufeff.txt']) {
        const refused = await upload(hidden);
        expect(refused.status, hidden).toBe(400);
        expect(refused.body.error.details.fields).toEqual([{ path: 'query.filename', message: 'no zero-width or other invisible format characters' }]);
      }
      // A download saved under such a name would be the folder itself, or its parent.
      for (const folder of ['.', '..', ' .. ']) {
        const refused = await upload(folder);
        expect(refused.status, folder).toBe(400);
        expect(refused.body.error.details.fields).toEqual([{ path: 'query.filename', message: 'not a file name' }]);
      }
    });
  });

  describe('#429', () => {
    it('limits a visitor and says when to retry', async () => {
      const flooder = { visitorId: 'flooder', origin: ORIGIN };
      const answers = await Promise.all(Array.from({ length: 100 }, () => api.call('GET', '/v1/conversations', flooder)));
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0]!.body.error.code).toBe('ERR_RATE_LIMITED');
      expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });
  });

  describe('#headers', () => {
    it('answers CORS preflights and lets allowed origins read answers', async () => {
      const preflight = await fetch(`${app.url}/v1/messages`, {
        method: 'OPTIONS',
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-public-key,x-visitor-id' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Public-Key');
      const res = await api.call('GET', '/v1/conversations', visitor);
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    });

    it('lets an allowed origin read the headers its answers carry: a download\'s file name, Retry-After, an upload\'s Accept-Encoding, the request id', async () => {
      const visitor = await freshVisitor('err-exposed');
      const up = await api.call('POST', '/v1/files?conversationId=err-exposed&filename=notes.txt', visitor, 'plain words', { 'Content-Type': 'text/plain' });
      expect(up.status).toBe(201);
      const download = await api.call('GET', up.body.file.url, visitor);
      expect(download.headers.get('content-disposition')).toContain('notes.txt');
      expect(download.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const exposed = download.headers.get('access-control-expose-headers')?.split(',').map((name) => name.trim().toLowerCase());
      expect(exposed).toEqual(expect.arrayContaining(['content-disposition', 'retry-after', 'accept-encoding', 'x-request-id']));
    });

    it('lets a widget on an allowed origin resume a download: its preflight allows the range and condition headers, and it reads the part it got', async () => {
      const preflight = await fetch(`${app.url}/v1/files/some-file`, {
        method: 'OPTIONS',
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range,if-range,if-none-match,if-modified-since,x-public-key,x-visitor-id' },
      });
      const allowed = preflight.headers.get('access-control-allow-headers')?.split(',').map((name) => name.trim().toLowerCase());
      expect(allowed).toEqual(expect.arrayContaining(['range', 'if-range', 'if-none-match', 'if-modified-since']));
      const visitor = await freshVisitor('err-resume');
      const up = await api.call('POST', '/v1/files?conversationId=err-resume&filename=notes.txt', visitor, 'plain words', { 'Content-Type': 'text/plain' });
      const part = await api.call('GET', up.body.file.url, visitor, undefined, { Range: 'bytes=-5' });
      expect(part.status).toBe(206);
      const exposed = part.headers.get('access-control-expose-headers')?.split(',').map((name) => name.trim().toLowerCase());
      expect(exposed).toEqual(expect.arrayContaining(['content-range', 'etag', 'accept-ranges']));
    });

    it('sets security headers on every answer', async () => {
      const res = await fetch(`${app.url}/v1/health`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.json()).toEqual({ status: 'ok', engine: 'embedded', store: 'embedded' });
    });
  });
});
