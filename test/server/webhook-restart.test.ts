import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { AGENT, Api } from './support/clients';
import { testConfig } from './support/app';
import { WebhookReceiver } from './support/webhook-receiver';

const receiver = new WebhookReceiver();
let dataDir = '';
afterAll(async () => {
  await receiver.down();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** An app keeping its store in `dataDir` under one database name, so a second one started there has what the first wrote. */
async function start(): Promise<RunningApp> {
  const config = testConfig({}, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', EMBEDDED_MONGO_MEMORY: 'false', DATA_DIR: dataDir, MONGODB_DB: 'webhook_restart' });
  return startApp({ ...config, webhooks: { ...config.webhooks, firstRetryMs: 200, pollMs: 100 } });
}

it('delivers after a restart what the server acknowledged before it, while the endpoint was down', { timeout: 120_000 }, async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'webhook-restart-'));
  await receiver.up();
  await receiver.down(); // its port stays known: it comes back there
  const first = await start();
  let api = new Api(first);
  try {
    expect((await api.call('POST', '/v1/webhooks', AGENT, { url: receiver.url, events: ['message.created'] })).status).toBe(201);
    const visitor = { visitorId: await api.newVisitor() };
    expect((await api.call('POST', '/v1/conversations', visitor, { conversationId: 'restart-1' })).status).toBe(201);
    expect((await api.call('POST', '/v1/messages', visitor, { conversationId: 'restart-1', item: { id: 'restart-1-m', type: 'message', text: 'still there?' } })).status).toBe(201);
  } finally {
    await first.close();
  }
  await receiver.up();
  const second = await start();
  api = new Api(second);
  try {
    await expect.poll(() => receiver.events('message.created', (d) => d.item.id === 'restart-1-m').length, { timeout: 20_000 }).toBe(1);
  } finally {
    await second.close();
  }
});
