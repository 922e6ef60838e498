import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCpuProfile } from '../../runtime/cpu-profile';

describe('startCpuProfile', () => {
  const saved = process.env.CPU_PROFILE_DIR;
  let dir: string | undefined;
  afterEach(async () => {
    if (saved === undefined) delete process.env.CPU_PROFILE_DIR;
    else process.env.CPU_PROFILE_DIR = saved;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the thread’s profile under its name when CPU_PROFILE_DIR is set', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cpu-profile-'));
    process.env.CPU_PROFILE_DIR = path.join(dir, 'profiles');
    const stop = await startCpuProfile('server');
    let spin = 0;
    for (let i = 0; i < 1e6; i++) spin += i;
    await stop();
    const profile = JSON.parse(await readFile(path.join(dir, 'profiles', 'server.cpuprofile'), 'utf8'));
    expect(spin).toBeGreaterThan(0);
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(profile.endTime).toBeGreaterThan(profile.startTime);
  });
});
