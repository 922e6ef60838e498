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

  it('refuses a second server on a data directory a running one holds, naming it, and lets the next start at once after a stop', async () => {
    const dir = tempDir();
    const first = await startEmbeddedMongo({ dataDir: dir, dataDirStaleMs: STALE_MS });
    const started = Date.now();
    await expect(startEmbeddedMongo({ dataDir: dir, dataDirStaleMs: STALE_MS })).rejects.toThrow(
      new RegExp(`data directory .* is in use by pid ${process.pid} on ${os.hostname()}: one server per data directory`),
    );
    // It waited to see the lock touched, no longer.
    expect(Date.now() - started).toBeGreaterThanOrEqual(STALE_MS);
    expect(Date.now() - started).toBeLessThan(STALE_MS * 2);
    await first.close();
    const next = Date.now();
    servers.push(await startEmbeddedMongo({ dataDir: dir, dataDirStaleMs: STALE_MS }));
    expect(Date.now() - next).toBeLessThan(STALE_MS);
  });

  it('takes over at once a lock left by a process that ran here and is gone (a restart after a crash)', async () => {
    const dir = tempDir();
    leftBy(dir, { ...thisProcess(), pid: deadPid });
    const started = Date.now();
    const lock = await lockDataDir(dir, { staleMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'server.lock'), 'utf8'))).toEqual(thisProcess());
    lock.release();
    expect(fs.existsSync(path.join(dir, 'server.lock'))).toBe(false);
  });

  it('takes over a lock nobody touches once it has gone stale: one of another machine or container, or an unreadable one', async () => {
    for (const holder of [{ ...thisProcess(), pid: deadPid, bootId: 'another-machine' }, { host: 'elsewhere', pid: 1 }, undefined]) {
      const dir = tempDir();
      if (holder) leftBy(dir, holder);
      else fs.writeFileSync(path.join(dir, 'server.lock'), '{"host":"half-writ');
      const started = Date.now();
      const lock = await lockDataDir(dir, { staleMs: 300 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
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
