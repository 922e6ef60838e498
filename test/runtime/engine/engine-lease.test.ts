import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import type { Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { EngineLease, EngineLeaseHeldError } from '../../../runtime/engine/engine-lease';
import { thisProcess } from '../../../runtime/process-identity';
import { freshDbName, useMongoClient } from '../../support/mongo';

// Long enough that a loaded machine's stall of the event loop (renewing and waiting share it) is not a lapse.
const TTL_MS = 2_000;

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

  /** How long taking over a lease left by `holder` (renewed at `renewedAt`, then never again) takes. */
  async function takeOverFrom(holder: { host: string; pid: number; bootId?: string; pidNamespace?: string }, ttlMs: number, renewedAt = new Date()): Promise<number> {
    freshDb();
    await db.collection('engine_lease').insertOne({ _id: 'embedded-engine' as never, holder: 'gone', ...holder, renewedAt });
    const started = Date.now();
    const lease = await EngineLease.acquire(db, { ttlMs });
    const took = Date.now() - started;
    expect(await db.collection('engine_lease').findOne({}, { projection: { _id: 0, renewedAt: 0, holder: 0 } })).toEqual(thisProcess());
    await lease.release();
    return took;
  }

  it('takes over a lease that is no longer renewed once it expires', async () => {
    expect(await takeOverFrom({ host: 'elsewhere', pid: 1 }, TTL_MS)).toBeGreaterThanOrEqual(TTL_MS - 100);
  });

  it('times the expiry by its own clock, whatever time the holder wrote: ahead, it is taken after a TTL; behind but renewed, it holds', async () => {
    const hourAhead = new Date(Date.now() + 3_600_000);
    expect(await takeOverFrom({ host: 'elsewhere', pid: 1 }, TTL_MS, hourAhead)).toBeLessThan(TTL_MS * 3);
    // A holder whose clock is an hour behind, renewing as it should.
    freshDb();
    const lease = db.collection('engine_lease');
    const behind = () => new Date(Date.now() - 3_600_000);
    await lease.insertOne({ _id: 'embedded-engine' as never, holder: 'slow-clock', host: 'elsewhere', pid: 1, renewedAt: behind() });
    const renewing = setInterval(() => void lease.updateOne({ holder: 'slow-clock' }, { $set: { renewedAt: behind() } }), TTL_MS / 3);
    try {
      await expect(EngineLease.acquire(db, { ttlMs: TTL_MS })).rejects.toBeInstanceOf(EngineLeaseHeldError);
    } finally {
      clearInterval(renewing);
    }
  });

  const deadPid = 2 ** 22 + 12_345; // above Linux's pid_max by default: no such process
  // Where this process runs (Linux): the machine's boot and the pid namespace.
  const here = { host: os.hostname(), bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), pidNamespace: readlinkSync('/proc/self/ns/pid') };

  it('takes over at once the lease of a process that ran where this one runs and is gone (a restart after a crash)', async () => {
    expect(await takeOverFrom({ ...here, pid: deadPid }, 60_000)).toBeLessThan(1_000);
  });

  it('waits for the TTL when the gone process ran under this host name on another machine or boot, in another pid namespace (another container), or somewhere unknown', async () => {
    expect(await takeOverFrom({ ...here, pid: deadPid, bootId: 'another-machine' }, TTL_MS)).toBeGreaterThanOrEqual(TTL_MS);
    expect(await takeOverFrom({ ...here, pid: deadPid, pidNamespace: 'pid:[1]' }, TTL_MS)).toBeGreaterThanOrEqual(TTL_MS);
    expect(await takeOverFrom({ host: os.hostname(), pid: deadPid }, TTL_MS)).toBeGreaterThanOrEqual(TTL_MS);
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
