/**
 * CPU_PROFILE_DIR=dir: the calling thread records a CPU profile from now on; the returned `stop`
 * writes it as `<dir>/<name>.cpuprofile` (open it in Chrome DevTools). The server's thread, the
 * embedded MongoDB thread and the engine thread each take part, so one run profiles all three on
 * one time axis. Without the variable, `stop` does nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export async function startCpuProfile(name: string): Promise<() => Promise<void>> {
  const dir = process.env.CPU_PROFILE_DIR;
  if (!dir) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}
