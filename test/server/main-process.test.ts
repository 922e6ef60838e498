/** `npm start`'s process: it starts on embedded defaults, drains on a signal, and stops at once on a second. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sleep } from './support/clients';

let child: ChildProcessWithoutNullStreams | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
});

const MAIN = [process.execPath, '--import', 'tsx', 'runtime/main.ts'];

/** Starts `runtime/main.ts` (or `npm start`) with `settings` on top of the test's own. */
function spawnMain(command = MAIN, settings: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  // Embedded services whatever the environment names: this is about the process, not the services.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'MONGODB_URI' && !name.startsWith('TEMPORAL_')));
  child = spawn(command[0]!, command.slice(1), {
    env: { ...env, PORT: '0', EMBEDDED_MONGO_MEMORY: 'true', LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '10000', ...settings },
  });
  return child;
}

/** Starts `runtime/main.ts` (or `npm start`) and resolves with its URL and keys once it prints them. */
function startMain(command = MAIN, settings: Record<string, string> = {}): Promise<{ url: string; publicKey: string; secretKey: string }> {
  const started = spawnMain(command, settings);
  let printed = '';
  return new Promise((resolve, reject) => {
    started.stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(printed)?.[1];
      const publicKey = /public key\s+(\S+)/.exec(printed)?.[1];
      const secretKey = /secret key\s+(\S+)/.exec(printed)?.[1];
      if (url && publicKey && secretKey) resolve({ url, publicKey, secretKey });
    });
    started.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready: ${printed}`)));
  });
}

/** Runs `runtime/main.ts` with `settings` until it exits: its exit code and what it printed on stderr. */
async function failedStart(settings: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const started = spawnMain(MAIN, settings);
  let stderr = '';
  started.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(started, 'exit');
  return { code, stderr };
}

/** How long an engine call may go unanswered before its thread counts as held (it answers in milliseconds while it turns). */
const ENGINE_HELD_MS = 1_000;

/** Makes `request` again until one fails to come (it is to give up after ENGINE_HELD_MS): what a thread held by code that never returns looks like. */
async function untilUnanswered(request: () => Promise<unknown>): Promise<void> {
  for (;;) {
    if (!(await request().then(() => true, () => false))) return;
    await sleep(50);
  }
}

describe('runtime/main.ts', () => {
  it('prints one line naming the variable, not a stack trace nor a secret, and exits 1 when a setting stops the start', async () => {
    const nobody = net.createServer().listen(0, '127.0.0.1');
    await once(nobody, 'listening');
    const { port } = nobody.address() as net.AddressInfo;
    nobody.close();
    const uri = `mongodb://support:hunter2@127.0.0.1:${port}/?serverSelectionTimeoutMS=300`;
    expect(await failedStart({ MONGODB_URI: uri })).toEqual({
      code: 1,
      stderr: expect.stringMatching(new RegExp(`^Support chat could not start: MONGODB_URI=mongodb://<credentials>@127\\.0\\.0\\.1:${port}/\\?serverSelectionTimeoutMS=300: could not connect to MongoDB there \\([^\\n]*ECONNREFUSED[^\\n]*\\)\\n$`)),
    });
    expect(await failedStart({ PORT: '99999' })).toEqual({ code: 1, stderr: 'Support chat could not start: Invalid configuration: PORT: at most 65535 (the largest TCP port)\n' });
  });

  it('waits for an in-flight request on the first signal (and its echo) and stops at once on a later one', async () => {
    const { url, publicKey } = await startMain();
    const visitorId = (await (await fetch(`${url}/v1/websites`, { headers: { 'X-Public-Key': publicKey } })).json()).visitor.id;
    const headers = { 'X-Public-Key': publicKey, 'X-Visitor-Id': visitorId };
    await fetch(`${url}/v1/conversations`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{"conversationId":"main-1"}' });
    // An upload that never finishes keeps the drain waiting. It asks to continue (Expect: 100-continue),
    // so the server's go-ahead tells that the process has the request in hand before the signals come.
    const upload = http.request(`${url}/v1/files?conversationId=main-1&filename=a.txt`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', Expect: '100-continue' },
    });
    upload.on('error', () => undefined); // the process stops under it
    const uploadEnded = new Promise((resolve) => upload.once('close', resolve));
    upload.flushHeaders();
    const refused = once(upload, 'response').then(([res]) => Promise.reject(new Error(`the upload was answered ${(res as http.IncomingMessage).statusCode} before its body`)));
    await Promise.race([once(upload, 'continue'), refused]);
    upload.write('partial');

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
    await uploadEnded;
  });

  it('stops the server when `npm start` itself is told to stop, as a supervisor or container does', async () => {
    const { url } = await startMain(['npm', 'start', '--ignore-scripts']); // no prestart build: other files serve web/dist meanwhile
    const exited = once(child!, 'exit');
    child!.kill('SIGTERM');
    await exited;
    const stillServing = async () => fetch(`${url}/v1/health`).then(() => true, () => false);
    for (let waited = 0; waited < 10_000 && (await stillServing()); waited += 200) await sleep(200);
    expect(await stillServing()).toBe(false);
  });

  it('exits 1 when a shutdown step failed (here an engine thread that had to be ended), its last line saying so and how long it took', async () => {
    const { url, publicKey, secretKey } = await startMain(MAIN, { PLUGINS: './test/plugins/fixtures/spinner', WORKFLOW_CODE_TIMEOUT_MS: '0', SHUTDOWN_TIMEOUT_MS: '1000' });
    let stdout = '';
    child!.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const headers = { Authorization: `Bearer ${secretKey}`, 'X-Actor-User-Id': 'agent_alex', 'Content-Type': 'application/json' };
    const visitorId = (await (await fetch(`${url}/v1/websites`, { headers: { 'X-Public-Key': publicKey } })).json()).visitor.id;
    await fetch(`${url}/v1/conversations`, { method: 'POST', headers, body: JSON.stringify({ conversationId: 'main-spin', visitorId }) });
    const spin = await fetch(`${url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify({ conversationId: 'main-spin', item: { type: 'spinner.spin', forever: true } }) });
    expect(spin.status).toBe(201);
    // Its workflow loops once the engine's thread answers nothing more: the audit trail, read by that thread, no longer comes.
    await untilUnanswered(() => fetch(`${url}/v1/conversations/main-spin/audit`, { headers, signal: AbortSignal.timeout(ENGINE_HELD_MS) }));

    const exited = once(child!, 'exit');
    child!.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string; exitCode?: number; durationMs?: number });
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped', exitCode: 1, durationMs: expect.any(Number) });
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, msg: 'shutdown step failed' }));
  });
});
