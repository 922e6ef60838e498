/** `npm start`'s process: it starts on embedded defaults, drains on a signal, and stops at once on a second. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from './support/clients';

let child: ChildProcessWithoutNullStreams | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
});

/** Starts `runtime/main.ts` (or `npm start`) and resolves with its URL and public key once it prints them. */
function startMain(command = [process.execPath, '--import', 'tsx', 'runtime/main.ts']): Promise<{ url: string; publicKey: string }> {
  // Embedded services whatever the environment names: this is about the process, not the services.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'MONGODB_URI' && !name.startsWith('TEMPORAL_')));
  child = spawn(command[0]!, command.slice(1), {
    env: { ...env, PORT: '0', EMBEDDED_MONGO_MEMORY: 'true', LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '10000' },
  });
  let printed = '';
  return new Promise((resolve, reject) => {
    child!.stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(printed)?.[1];
      const publicKey = /public key\s+(\S+)/.exec(printed)?.[1];
      if (url && publicKey) resolve({ url, publicKey });
    });
    child!.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready: ${printed}`)));
  });
}

describe('runtime/main.ts', () => {
  it('waits for an in-flight request on the first signal (and its echo) and stops at once on a later one', async () => {
    const { url, publicKey } = await startMain();
    const visitorId = (await (await fetch(`${url}/v1/websites`, { headers: { 'X-Public-Key': publicKey } })).json()).visitor.id;
    const headers = { 'X-Public-Key': publicKey, 'X-Visitor-Id': visitorId };
    await fetch(`${url}/v1/conversations`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{"conversationId":"main-1"}' });
    // An upload that never finishes keeps the drain waiting.
    const stalled = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode('partial')) });
    const upload = fetch(`${url}/v1/files?conversationId=main-1&filename=a.txt`, { method: 'POST', headers: { ...headers, 'Content-Type': 'text/plain' }, body: stalled, duplex: 'half' } as RequestInit).catch(() => undefined);
    await sleep(300);

    const exited = once(child!, 'exit');
    // One Ctrl-C may arrive twice (the terminal's, and npm's relay of it): still one.
    child!.kill('SIGTERM');
    child!.kill('SIGINT');
    await sleep(1_500);
    expect(child!.exitCode).toBeNull(); // draining
    const signalledAt = Date.now();
    child!.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(1);
    expect(Date.now() - signalledAt).toBeLessThan(2_000);
    await upload;
  }, 60_000);

  it('stops the server when `npm start` itself is told to stop, as a supervisor or container does', async () => {
    const { url } = await startMain(['npm', 'start', '--ignore-scripts']); // no prestart build: other files serve web/dist meanwhile
    const exited = once(child!, 'exit');
    child!.kill('SIGTERM');
    await exited;
    const stillServing = async () => fetch(`${url}/v1/health`).then(() => true, () => false);
    for (let waited = 0; waited < 10_000 && (await stillServing()); waited += 200) await sleep(200);
    expect(await stillServing()).toBe(false);
  }, 60_000);
});
