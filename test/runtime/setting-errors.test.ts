/**
 * A start that fails because of a setting names the variable and its value (never a secret). Only
 * addresses on this machine: a port nothing listens on, an address no interface has (binding to it
 * sends nothing).
 */
import fs from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp } from '../../runtime/app';
import { loadConfig } from '../../runtime/config';
import { ownDirectory } from '../../runtime/mongo/durable-files';
import { ConfigurationError, dataDirFailure, listenFailure } from '../../runtime/setting-errors';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'setting-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A port of 127.0.0.1 that nothing listens on (taken, then let go). */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts on embedded defaults in memory with `env` on top, and returns why it failed. */
async function startFailure(env: Record<string, string>): Promise<unknown> {
  const config = loadConfig({ PORT: '0', EMBEDDED_MONGO_MEMORY: 'true', LOG_LEVEL: 'silent', ...env });
  return startApp(config).then(
    async (app) => {
      await app.close();
      throw new Error('started');
    },
    (err: unknown) => err,
  );
}

function expectNamed(err: unknown, line: string | RegExp): void {
  expect(err).toBeInstanceOf(ConfigurationError);
  expect((err as Error).message).toMatch(line);
}

describe('start-up failures a setting explains', () => {
  it('PORT in use', async () => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      expectNamed(await startFailure({ PORT: String(port) }), `PORT=${port}: something else listens on that port of 127.0.0.1 already (listen EADDRINUSE`);
    } finally {
      taken.close();
    }
  });

  it('a HOST this machine has no address for, or no address is known for', async () => {
    expectNamed(await startFailure({ HOST: '192.0.2.1' }), /^HOST=192\.0\.2\.1: no network interface of this machine has that address \(listen EADDRNOTAVAIL/);
    // A name the resolver does not know (not looked up here: the machine's resolver is not on it).
    const unknownName = Object.assign(new Error('getaddrinfo ENOTFOUND shop.invalid'), { code: 'ENOTFOUND' });
    expectNamed(listenFailure(unknownName, { host: 'shop.invalid', port: 3000 }), 'HOST=shop.invalid: no address is known for that name (getaddrinfo ENOTFOUND shop.invalid)');
  });

  it('a MONGODB_URI nothing answers at, named without its credentials', async () => {
    const uri = `mongodb://support:hunter2@127.0.0.1:${await closedPort()}/?serverSelectionTimeoutMS=300`;
    const err = await startFailure({ MONGODB_URI: uri });
    expectNamed(err, /^MONGODB_URI=mongodb:\/\/<credentials>@127\.0\.0\.1:\d+\/\?serverSelectionTimeoutMS=300: could not connect to MongoDB there \(.+\)$/); // the cause as the driver says it
    expect((err as Error).message).not.toContain('hunter2');
    expect((err as Error).message).not.toContain('support:');
  });

  it('a TEMPORAL_ADDRESS nothing answers at, and a TEMPORAL_CLI_PATH that is no binary', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    // What the system said varies (refused; a broken pipe when another test's server took the port meanwhile): the setting is what is named.
    expectNamed(await startFailure({ TEMPORAL_ADDRESS: address }), new RegExp(`^TEMPORAL_ADDRESS=${address}: could not connect to Temporal there \\(.+\\)$`));
    const notABinary = path.join(dir, 'temporal');
    expectNamed(await startFailure({ TEMPORAL_CLI_PATH: notABinary }), `TEMPORAL_CLI_PATH=${notABinary}: could not start a Temporal dev server with it (`);
  });

  it('a DATA_DIR the embedded store cannot keep its data in', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, '');
    const err = await startFailure({ DATA_DIR: file, EMBEDDED_MONGO_MEMORY: 'false' });
    expectNamed(err, `DATA_DIR=${file}: the embedded store cannot keep its data there (ENOTDIR`);
  });

  it('a DATA_DIR under a folder that takes no writes, saying why (EROFS) rather than ENOENT', async () => {
    const locked = path.join(dir, 'locked');
    await mkdir(locked);
    // The kernel's answers on a read-only file system, which this test cannot mount (nor make a folder root may not write in):
    // a folder made there alone is EROFS, and Node's recursive mkdir says ENOENT for it.
    const mkdirSync = fs.mkdirSync;
    const refused = vi.spyOn(fs, 'mkdirSync').mockImplementation(((target: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
      if (!String(target).startsWith(`${locked}${path.sep}`)) return mkdirSync(target, options);
      const code = options?.recursive ? 'ENOENT' : 'EROFS';
      throw Object.assign(new Error(`${code}: mkdir '${String(target)}'`), { code });
    }) as typeof fs.mkdirSync);
    try {
      const dataDir = path.join(locked, 'data', 'mongo');
      expect(() => ownDirectory(dataDir)).toThrow(expect.objectContaining({ code: 'EROFS' }));
      // Named as the setting's failure, as the start says it (dataDirFailure, below).
      expect(dataDirFailure(Object.assign(new Error('EROFS'), { code: 'EROFS' }), dataDir)).toBeInstanceOf(ConfigurationError);
    } finally {
      refused.mockRestore();
    }
  });

  it('a PLUGINS entry that cannot be loaded, in one line naming the plugin', async () => {
    const nodeImport = fileURLToPath(new URL('../plugins/fixtures/node_import', import.meta.url));
    expectNamed(await startFailure({ PLUGINS: 'plugins-local/nowhere' }), 'PLUGINS=plugins-local/nowhere: Plugin "plugins-local/nowhere" cannot be loaded: no workflow part found (no folder plugins-local/nowhere in ');
    expectNamed(await startFailure({ PLUGINS: nodeImport }), `PLUGINS=${nodeImport}: Plugin "${nodeImport}" cannot be loaded: its workflow part imports Node modules`);
  });

  it('blames DATA_DIR for file-system errors only', () => {
    const workerFailed = Object.assign(new Error('the worker could not start'), { code: 'ERR_WORKER_INIT_FAILED' });
    expect(dataDirFailure(workerFailed, '/data')).toBe(workerFailed);
    expect(dataDirFailure(Object.assign(new Error('read-only'), { code: 'EROFS' }), '/data')).toBeInstanceOf(ConfigurationError);
    // A file or folder where the embedded server's socket goes.
    expect(dataDirFailure(Object.assign(new Error('listen EADDRINUSE: address already in use /data/mongo/mongod.sock'), { code: 'EADDRINUSE' }), '/data')).toBeInstanceOf(ConfigurationError);
  });
});
