/** `npm run audit`: what an operator reads when the server is not where the command looks. */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../runtime/audit-cli.ts', import.meta.url));

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function audit(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const { SUPPORT_URL: _url, PORT: _port, ...inherited } = process.env;
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'conv_1'], { env: { ...inherited, SECRET_KEY: 'sk_test_0123456789abcdef', ...env } });
    return { code: 0, stderr: '' };
  } catch (err) {
    const { code, stderr } = err as { code: number; stderr: string };
    return { code, stderr };
  }
}

describe('audit-cli', () => {
  it('names the address it tried and what to set when no server answers there (PORT)', async () => {
    const port = await closedPort();
    const { code, stderr } = await audit({ PORT: String(port) });
    expect(code).toBe(1);
    expect(stderr).toContain(`could not reach the server at http://127.0.0.1:${port}/v1/conversations/conv_1/audit`);
    expect(stderr).toContain('ECONNREFUSED');
    expect(stderr).toContain(`the address comes from PORT ${port}`);
    expect(stderr).toContain('set SUPPORT_URL');
  });

  it('says the address came from SUPPORT_URL when it did', async () => {
    const port = await closedPort();
    const { stderr } = await audit({ SUPPORT_URL: `http://127.0.0.1:${port}` });
    expect(stderr).toContain(`http://127.0.0.1:${port}/v1/conversations/conv_1/audit`);
    expect(stderr).toContain('the address comes from SUPPORT_URL');
  });
});
