import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../runtime/mongo';
import { DataDirInUseError, lockDataDir } from '../../../runtime/mongo/data-dir-lock';
import { thisProcess } from '../../../runtime/process-identity';

/** Longer than the holder's touches (every 2 s), so a live holder is seen touching it. */
const STALE_MS = 2_500;
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-dir-lock-'));
  dirs.push(dir);
  return dir;
};
const leftBy = (dir: string, holder: object) => fs.writeFileSync(path.join(dir, 'server.lock'), JSON.stringify(holder));
const deadPid = 2 ** 22 + 12_345; // above Linux's pid_max by default: no such process

describe('the data directory lock', () => {
  const servers: EmbeddedMongo[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses at once a second server on a data directory a running process of this machine holds, naming it, and lets the next start at once after a stop', async () => {
    const dir = tempDir();
    const first = await startEmbeddedMongo({ dataDir: dir, dataDirStaleMs: STALE_MS });
    const started = Date.now();
    await expect(startEmbeddedMongo({ dataDir: dir, dataDirStaleMs: STALE_MS })).rejects.toThrow(
      new RegExp(`data directory .* is in use by pid ${process.pid} on ${os.hostname()}: one server per data directory`),
    );
    // The holder runs here: it does not matter how long it last went without touching the lock (a long replay).
    expect(Date.now() - started).toBeLessThan(STALE_MS);
    await first.close();
    const next = Date.now();
    servers.push(await startEmbeddedMongo({ dataDir: dir, dataDirStaleMs: STALE_MS }));
    expect(Date.now() - next).toBeLessThan(STALE_MS);
  });

  it('takes over at once a lock left by a process that ran here and is gone, its pid unused or used by a later process (a restart after a crash)', async () => {
    for (const gone of [{ ...thisProcess(), pid: deadPid }, { ...thisProcess(), startTicks: -1 }]) {
      const dir = tempDir();
      leftBy(dir, gone);
      const started = Date.now();
      const lock = await lockDataDir(dir, { staleMs: 60_000 });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'server.lock'), 'utf8'))).toEqual({ ...thisProcess(), lock: expect.any(String) });
      lock.release();
      expect(fs.existsSync(path.join(dir, 'server.lock'))).toBe(false);
    }
  });

  it('takes over at once the lock of a process that died and was not collected by its parent yet (a zombie)', async () => {
    const dir = tempDir();
    // A shell starts a short sleep, then becomes a long one that never collects it: the short one stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number((await once(parent.stdout, 'data')).toString().trim());
      await expect.poll(() => fs.readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]?.[0], { timeout: 5_000 }).toBe('Z');
      leftBy(dir, { ...thisProcess(), pid: zombie, startTicks: undefined });
      const started = Date.now();
      const lock = await lockDataDir(dir, { staleMs: 60_000 });
      expect(Date.now() - started).toBeLessThan(1_000);
      lock.release();
    } finally {
      parent.kill();
    }
  });

  it('leaves the lock of a holder that took it over alone when an earlier holder in the same process lets go', async () => {
    const dir = tempDir();
    const earlier = await lockDataDir(dir);
    fs.rmSync(path.join(dir, 'server.lock'));
    const later = await lockDataDir(dir);
    earlier.release();
    expect(fs.existsSync(path.join(dir, 'server.lock'))).toBe(true);
    later.release();
  });

  it('takes over a lock nobody touches once it has gone stale: one of another machine or container, or an unreadable one', async () => {
    for (const holder of [{ ...thisProcess(), pid: deadPid, bootId: 'another-machine' }, { host: 'elsewhere', pid: 1 }, undefined]) {
      const dir = tempDir();
      if (holder) leftBy(dir, holder);
      else fs.writeFileSync(path.join(dir, 'server.lock'), '{"host":"half-writ');
      // A timer counts from the event loop's time, taken as the turn began and in whole milliseconds:
      // measured from a fresh turn, a 300 ms wait reads as 299 ms at least on Date.now()'s clock.
      await new Promise((resolve) => setImmediate(resolve));
      const started = Date.now();
      const lock = await lockDataDir(dir, { staleMs: 300 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(299);
      lock.release();
    }
  });

  it('refuses while the lock is touched, as a holder elsewhere does', async () => {
    const dir = tempDir();
    leftBy(dir, { host: 'elsewhere', pid: 1 });
    const file = path.join(dir, 'server.lock');
    const touching = setInterval(() => fs.utimesSync(file, new Date(), new Date()), 100);
    try {
      await expect(lockDataDir(dir, { staleMs: 500 })).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(lockDataDir(dir, { staleMs: 500 })).rejects.toThrow('in use by pid 1 on elsewhere');
    } finally {
      clearInterval(touching);
    }
  });
});
