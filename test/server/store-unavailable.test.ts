/**
 * A store that cannot take requests (the embedded server refusing writes once its journal failed,
 * here because its log was deleted; a real MongoDB out of reach) is a 503 with Retry-After, not a 500,
 * and one short warning per request, not a stack trace.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { recordingLog } from '../support/log-lines';
import { AGENT, Api } from './support/clients';
import { startTestApp } from './support/app';

let app: RunningApp | undefined;
let dataDir: string | undefined;
const { log, lines } = recordingLog('warn');
afterAll(async () => {
  await app?.close().catch(() => undefined); // its store refuses the writes a stop makes
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const agentHeaders = (): Record<string, string> => ({ Authorization: `Bearer ${app!.keys.secretKey}`, 'X-Actor-User-Id': 'agent_alex', 'Content-Type': 'application/json' });

describe.skipIf(Boolean(process.env.MONGODB_URI))('A store that refuses writes (the embedded server, on disk)', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'store-unavailable-'));
    app = await startTestApp(undefined, { env: { EMBEDDED_MONGO_MEMORY: 'false', DATA_DIR: dataDir }, log });
    const api = new Api(app);
    const visitorId = await api.newVisitor();
    expect((await api.call('POST', '/v1/conversations', AGENT, { conversationId: 'down-1', visitorId })).status).toBe(201);
    const mongoDir = path.join(dataDir, 'mongo');
    for (const file of await readdir(mongoDir)) if (file.startsWith('oplog')) await rm(path.join(mongoDir, file));
  });

  it('answers a message 503 with Retry-After', async () => {
    const refused = await fetch(`${app!.url}/v1/messages`, {
      method: 'POST',
      headers: agentHeaders(),
      body: JSON.stringify({ conversationId: 'down-1', item: { type: 'message', text: 'anyone?' } }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await refused.json()).error.code).toBe('ERR_UNAVAILABLE');
    expect((await fetch(`${app!.url}/v1/health`)).status).toBe(503);
  });

  it('answers a lifecycle change (its workflow task cannot be journaled) 503 with Retry-After, logged as one warning', async () => {
    const errorsBefore = lines.filter((line) => line.level >= 50).length;
    const refused = await fetch(`${app!.url}/v1/conversations/down-1/resolve`, { method: 'POST', headers: agentHeaders(), body: '{}' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await refused.json()).error.code).toBe('ERR_UNAVAILABLE');
    expect(lines.filter((line) => line.level >= 50).slice(errorsBefore).map((line) => line.msg)).toEqual([]);
    const warned = lines.filter((line) => line.msg === 'request refused: unavailable for now' && line.path === '/v1/conversations/down-1/resolve');
    expect(warned).toEqual([expect.objectContaining({ level: 40, requestId: refused.headers.get('x-request-id') })]);
  });
});
