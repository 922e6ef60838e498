import os from 'node:os';
import type { Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { EngineLease, EngineLeaseHeldError } from '../../../runtime/engine/engine-lease';
import { freshDbName, useMongoClient } from '../../support/mongo';

const TTL_MS = 600;

describe('EngineLease', () => {
  const client = useMongoClient();
  let db: Db;
  const freshDb = () => (db = client().db(freshDbName('lease')));

  it('refuses a second engine on the store while the first renews its lease, saying to use Temporal', async () => {
    freshDb();
    const first = await EngineLease.acquire(db, { ttlMs: TTL_MS });
    const started = Date.now();
    const second = EngineLease.acquire(db, { ttlMs: TTL_MS });
    await expect(second).rejects.toBeInstanceOf(EngineLeaseHeldError);
    await expect(second).rejects.toThrow(/pid \d+ on .*TEMPORAL_ADDRESS/);
    // It waited for the lease to prove alive, not longer.
    expect(Date.now() - started).toBeGreaterThanOrEqual(TTL_MS / 2);
    expect(Date.now() - started).toBeLessThan(TTL_MS * 3);
    await first.release();
  });

  it('lets the next engine start at once after a release', async () => {
    freshDb();
    const first = await EngineLease.acquire(db, { ttlMs: 60_000 });
    await first.release();
    const started = Date.now();
    const second = await EngineLease.acquire(db, { ttlMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    await second.release();
  });

  /** How long taking over a lease left by `holder` (renewed just now, then never again) takes. */
  async function takeOverFrom(holder: { host: string; pid: number }, ttlMs: number): Promise<number> {
    freshDb();
    await db.collection('engine_lease').insertOne({ _id: 'embedded-engine' as never, holder: 'gone', ...holder, renewedAt: new Date() });
    const started = Date.now();
    const lease = await EngineLease.acquire(db, { ttlMs });
    const took = Date.now() - started;
    expect(await db.collection('engine_lease').findOne({})).toMatchObject({ host: os.hostname(), pid: process.pid });
    await lease.release();
    return took;
  }

  it('takes over a lease that is no longer renewed once it expires', async () => {
    expect(await takeOverFrom({ host: 'elsewhere', pid: 1 }, TTL_MS)).toBeGreaterThanOrEqual(TTL_MS - 100);
  });

  it('takes over at once the lease of a process of this host that is gone (a restart after a crash)', async () => {
    const deadPid = 2 ** 22 + 12_345; // above Linux's pid_max by default: no such process
    expect(await takeOverFrom({ host: os.hostname(), pid: deadPid }, 60_000)).toBeLessThan(1_000);
  });

  it('tells its holder when another instance took the lease after it stopped renewing', async () => {
    freshDb();
    const lost: Array<{ host: string; pid: number }> = [];
    const lease = await EngineLease.acquire(db, { ttlMs: TTL_MS, onLost: (holder) => lost.push(holder) });
    await db.collection('engine_lease').updateOne({}, { $set: { holder: 'other', host: 'elsewhere', pid: 7 } });
    await expect.poll(() => lost, { timeout: TTL_MS * 2 }).toEqual([{ host: 'elsewhere', pid: 7 }]);
    await lease.release();
    expect(await db.collection('engine_lease').findOne({})).toMatchObject({ holder: 'other' });
  });
});
