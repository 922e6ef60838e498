import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../activities/store';
import { hostEmbeddedMongo } from '../../runtime/mongo/host';
import type { ApiContext } from '../../server/context';
import { healthRoutes, type HealthState } from '../../server/routes/health';
import { failNextLogWrite, quietLogger } from '../runtime/mongo/fixtures/failing-log-write';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const notDraining = { draining: () => false };

/**
 * GET `path` (readiness by default) from the health router alone, over a store that pings as `ping`
 * does, an engine that tells `engineProblem`, and a server that drains as `state` says.
 */
async function health(
  ping: () => Promise<void>,
  { path: route = '/v1/health', engineProblem, state = notDraining }: { path?: string; engineProblem?: () => string | undefined; state?: HealthState } = {},
): Promise<{ status: number; body: Record<string, unknown>; cacheControl: string | null; connection: string | null }> {
  const ctx = { store: { ping }, health: { engine: 'embedded', store: 'embedded', engineProblem }, log: pino({ level: 'silent' }) } as unknown as ApiContext;
  const app = express().use('/v1/health', healthRoutes(ctx, state));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${route}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, cacheControl: res.headers.get('cache-control'), connection: res.headers.get('connection') };
}

describe('GET /v1/health', () => {
  it('says ok while the store answers, and unavailable (503) when it does not, the why in the log only', async () => {
    // Never from a cache: a probe must see the instance as it is now.
    expect(await health(async () => undefined)).toMatchObject({ status: 200, body: { status: 'ok', engine: 'embedded', store: 'embedded' }, cacheControl: 'no-store' });
    const down = await health(async () => Promise.reject(new Error('connection refused to db.internal:27017')));
    expect(down).toMatchObject({
      status: 503,
      body: { status: 'unavailable', engine: 'embedded', store: 'embedded', reason: expect.stringContaining('the server log says why') },
      cacheControl: 'no-store',
    });
    expect(JSON.stringify(down.body)).not.toContain('db.internal');
  });

  it('answers 503 "shutting down" with Connection: close once the server drains, so a load balancer sends it nothing more', async () => {
    const draining = await health(async () => undefined, { state: { draining: () => true } });
    expect(draining).toMatchObject({ status: 503, body: { status: 'unavailable', reason: 'shutting down' }, connection: 'close' });
  });

  it('answers 503 with the reason while the workflow engine does not answer, readiness and liveness alike', async () => {
    const engineProblem = () => "the workflow engine's thread has not answered for 12 s";
    expect(await health(async () => undefined, { engineProblem })).toMatchObject({ status: 503, body: { status: 'unavailable', reason: engineProblem() } });
    expect(await health(async () => undefined, { engineProblem, path: '/v1/health/live' })).toMatchObject({ status: 503, body: { reason: engineProblem() } });
  });

  it('keeps liveness ok through a store outage and a drain: a restart mends neither', async () => {
    const storeDown = async () => Promise.reject(new Error('down'));
    expect(await health(storeDown, { path: '/v1/health/live', state: { draining: () => true } })).toMatchObject({
      status: 200,
      body: { status: 'ok', engine: 'embedded', store: 'embedded' },
      cacheControl: 'no-store',
    });
  });

  it('shares one check among the probes of a second, and logs a change once', async () => {
    const ping = vi.fn(async () => Promise.reject(new Error('down')));
    const warnings: unknown[] = [];
    const log = { info: () => undefined, warn: (...args: unknown[]) => warnings.push(args) };
    const app = express().use('/v1/health', healthRoutes({ store: { ping }, health: { engine: 'embedded', store: 'embedded' }, log } as unknown as ApiContext, notDraining));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/health`;
    const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(url)).status));
    expect(statuses.every((status) => status === 503)).toBe(true);
    expect(ping).toHaveBeenCalledTimes(1);
    expect(warnings).toHaveLength(1);
  });

  it('finds the embedded store unavailable once its log could not be written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'health-'));
    const host = await hostEmbeddedMongo({ dataDir: dir, logger: quietLogger });
    const store = await openStore({ uri: host.uri, dbName: 'health' });
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }), () => host.close(), () => store.close());
    await store.ping(2_000);
    failNextLogWrite();
    await expect(store.putSetting('web_1', 'k', { a: 1 })).rejects.toThrow(/operation log/);
    await expect(store.ping(2_000)).rejects.toThrow(/refuses writes until it is restarted/);
  });
});
