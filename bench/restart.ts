/**
 * What a restart costs with many open conversation workflows: the product is started on a data
 * folder, given `RESTART_BENCH_CONVERSATIONS` conversations (2,000; each an open workflow with a
 * visitor's message), stopped and started again. Reported: how long the second start took until it
 * served, how long until a lifecycle request (resolving the last conversation) and a message to
 * the first were answered after it, and the same start with no conversations for comparison.
 * `npm run bench -- restart` prints it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MongoClient } from 'mongodb';
import { startApp, type RunningApp } from '../runtime/app';
import { loadConfig, type AppConfig } from '../runtime/config';
import { DEFAULT_AGENT_ID } from '../runtime/seed';

const CONVERSATIONS = Number(process.env.RESTART_BENCH_CONVERSATIONS ?? 2_000);
/** Concurrent creations while filling the store. */
const FILL_CONCURRENCY = 20;
const POLL_MS = 500;
/** Polls of an unchanged timeline that count as settled, and the longest wait for it. */
const SETTLED_POLLS = 6;
const SETTLE_LIMIT_MS = 180_000;

function configFor(dataDir: string): AppConfig {
  const base = loadConfig({ ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const unlimited = { perSecond: 1_000_000, burst: 1_000_000 };
  return { ...base, limits: { ...base.limits, ipRate: unlimited, visitorRate: unlimited, conversationRate: { visitor: unlimited, ip: unlimited } } };
}

async function call(app: RunningApp, method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<number> {
  const res = await fetch(`${app.url}${route}`, { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

async function expectStatus(status: Promise<number>, expected: number, what: string): Promise<void> {
  const got = await status;
  if (got !== expected) throw new Error(`${what}: ${got}, expected ${expected}`);
}

/** Opens `count` conversations of distinct visitors, each with a message (so each has an open workflow that heard a signal). */
async function fill(app: RunningApp, count: number): Promise<void> {
  const visitor = (i: number) => ({ 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': `restart-visitor-${i}` });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      await expectStatus(call(app, 'POST', '/v1/conversations', visitor(i), { conversationId: `restart-${i}` }), 201, 'creating a conversation');
      await expectStatus(call(app, 'POST', '/v1/messages', visitor(i), { conversationId: `restart-${i}`, item: { type: 'message', text: `hello ${i}` } }), 201, 'posting a message');
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker));
}

/**
 * Waits until the workflows are done with what the fill started (the assistant answering each
 * message): the timeline stops growing for a while. A restart measured right after the fill would
 * measure the restarted activities rather than the open runs.
 */
async function settle(app: RunningApp, dbName: string): Promise<void> {
  const client = await MongoClient.connect(app.mongoUri);
  try {
    const items = client.db(dbName).collection('items');
    let last = -1;
    for (let stable = 0, waited = 0; stable < SETTLED_POLLS && waited < SETTLE_LIMIT_MS; waited += POLL_MS) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const count = await items.countDocuments();
      stable = count === last ? stable + 1 : 0;
      last = count;
    }
  } finally {
    await client.close();
  }
}

/** Starts again on `dataDir` and times the start and the first requests that need a workflow. */
async function timeRestart(dataDir: string, conversations: number) {
  const began = performance.now();
  const app = await startApp(configFor(dataDir));
  const servedMs = performance.now() - began;
  try {
    if (conversations === 0) return { servedMs: Math.round(servedMs) };
    const agent = { Authorization: `Bearer ${app.keys.secretKey}`, 'X-Actor-User-Id': DEFAULT_AGENT_ID };
    const lifecycle = expectStatus(call(app, 'POST', `/v1/conversations/restart-${conversations - 1}/resolve`, agent, {}), 200, 'resolving');
    const message = expectStatus(call(app, 'POST', '/v1/messages', { 'X-Public-Key': app.keys.publicKey, 'X-Visitor-Id': 'restart-visitor-0' }, { conversationId: 'restart-0', item: { type: 'message', text: 'back' } }), 201, 'posting after the restart');
    const [lifecycleMs, messageMs] = await Promise.all([lifecycle.then(() => performance.now() - began - servedMs), message.then(() => performance.now() - began - servedMs)]);
    return { servedMs: Math.round(servedMs), firstLifecycleAfterMs: Math.round(lifecycleMs), firstMessageAfterMs: Math.round(messageMs) };
  } finally {
    await app.close();
  }
}

async function measure(conversations: number) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'restart-bench-'));
  try {
    const first = await startApp(configFor(dataDir));
    const fillBegan = performance.now();
    try {
      await fill(first, conversations);
      await settle(first, configFor(dataDir).store.dbName);
    } finally {
      await first.close();
    }
    return { conversations, fillSeconds: Math.round((performance.now() - fillBegan) / 100) / 10, restart: await timeRestart(dataDir, conversations) };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function benchRestart(): Promise<object> {
  return { empty: await measure(0), withOpenWorkflows: await measure(CONVERSATIONS) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchRestart(), null, 2));
  process.exit(0);
}
