import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../runtime/mongo';
import { MAX_SOCKET_PATH_BYTES, socketPlace } from '../../../runtime/mongo/socket-place';

const CRASH_WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const dirs: string[] = [];
const servers: EmbeddedMongo[] = [];
const tempDir = (prefix = 'mongo-socket-'): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
const start = async (options: { dataDir?: string; memory?: boolean }): Promise<EmbeddedMongo> => {
  const server = await startEmbeddedMongo(options);
  servers.push(server);
  return server;
};
const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;

/** Inserts a document and reads it back through the driver, on the server's own URI. */
async function roundTrip(server: EmbeddedMongo): Promise<number> {
  const client = await new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 }).connect();
  try {
    const c = client.db('socket').collection('probe');
    await c.insertOne({ at: Date.now() });
    return await c.countDocuments();
  } finally {
    await client.close();
  }
}

/** The TCP ports this process listens on (Linux: its own sockets' inodes, found in /proc/net/tcp and tcp6). */
function listeningTcpPorts(): number[] {
  const mine = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      if (inode) mine.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state === '0A' && mine.has(inode!)) ports.push(parseInt(local!.split(':').pop()!, 16)); // 0A: LISTEN
    }
  }
  return ports;
}

/** Whether a process of another user (nobody) can open a connection to where the URI points. */
async function nobodyConnects(uri: string): Promise<string> {
  const script = `
    const net = require('node:net');
    const host = decodeURIComponent(process.argv[1].slice('mongodb://'.length).split('/')[0]);
    const socket = host.endsWith('.sock') ? net.connect(host) : net.connect(Number(host.split(':')[1]), host.split(':')[0]);
    socket.on('connect', () => { console.log('connected'); socket.destroy(); });
    socket.on('error', (err) => console.log(err.code));`;
  const child = spawn(process.execPath, ['-e', script, uri], { uid: 65534, gid: 65534, cwd: '/', stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // A Node that user cannot run (installed under a private home) is said so, not waited on.
  await new Promise((resolve, reject) => {
    child.on('exit', resolve);
    child.on('error', (err) => reject(new Error(`cannot run ${process.execPath} as nobody: ${err.message}`)));
  });
  return output.trim();
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('EmbeddedMongo', () => {
  describe('#socket', () => {
    it.skipIf(process.platform !== 'linux')('listens on no TCP port, on a store in a data directory or in memory', async () => {
      const before = listeningTcpPorts();
      const onDisk = await start({ dataDir: tempDir() });
      const inMemory = await start({ memory: true });
      expect(listeningTcpPorts()).toEqual(before);
      for (const server of [onDisk, inMemory]) {
        expect(server.uri).toMatch(/^mongodb:\/\/%2F[^/]*\.sock\/\?directConnection=true$/);
        expect(await roundTrip(server)).toBe(1);
      }
    });

    it('puts its socket, mode 0600, in the data directory (0700), or for a store in memory in a 0700 folder of its own that goes at close', async () => {
      const dataDir = tempDir();
      const onDisk = await start({ dataDir });
      expect(onDisk.socketPath).toBe(path.join(dataDir, 'mongod.sock'));
      const inMemory = await start({ memory: true });
      for (const server of [onDisk, inMemory]) {
        expect(fs.statSync(server.socketPath).isSocket()).toBe(true);
        expect(modeOf(server.socketPath)).toBe(0o600);
        expect(modeOf(path.dirname(server.socketPath))).toBe(0o700);
      }
      await onDisk.close();
      await inMemory.close();
      expect(fs.existsSync(onDisk.socketPath)).toBe(false);
      expect(fs.existsSync(path.dirname(inMemory.socketPath))).toBe(false);
    });

    it.skipIf(process.getuid?.() !== 0)('cannot be reached by another user of the machine', async () => {
      const onDisk = await start({ dataDir: tempDir() });
      const inMemory = await start({ memory: true });
      expect(await nobodyConnects(onDisk.uri)).toBe('EACCES');
      expect(await nobodyConnects(inMemory.uri)).toBe('EACCES');
    });

    it('starts over the socket file a killed server left in its data directory', async () => {
      const dataDir = tempDir();
      const child = spawn(process.execPath, ['--import', 'tsx', CRASH_WRITER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.on('exit', (code) => reject(new Error(`the server exited by itself (${code})`)));
        child.stdout.on('data', (chunk: Buffer) => chunk.includes('ACK') && resolve());
      });
      child.removeAllListeners('exit');
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
      const left = path.join(dataDir, 'mongod.sock');
      expect(fs.statSync(left).isSocket()).toBe(true);

      const server = await start({ dataDir });
      expect(server.socketPath).toBe(left);
      expect(await roundTrip(server)).toBe(1);
    });

    it('starts with a data directory whose path is too long for a socket, on a socket in a 0700 folder of its own', async () => {
      let dataDir = tempDir();
      while (Buffer.byteLength(path.join(dataDir, 'mongod.sock')) <= MAX_SOCKET_PATH_BYTES) dataDir = path.join(dataDir, 'a-rather-long-folder-name');
      const server = await start({ dataDir });
      expect(path.dirname(server.socketPath)).not.toBe(dataDir);
      expect(modeOf(path.dirname(server.socketPath))).toBe(0o700);
      expect(await roundTrip(server)).toBe(1);
      await server.close();
      expect(fs.existsSync(path.dirname(server.socketPath))).toBe(false);
    });

    it('is reached through its URI from a data directory whose path has capitals, spaces and other URI characters', async () => {
      const dataDir = path.join(tempDir(), 'Support Data #1, a@b:c?');
      const server = await start({ dataDir });
      expect(server.socketPath).toBe(path.join(dataDir, 'mongod.sock'));
      expect(await roundTrip(server)).toBe(1);
    });
  });
});

describe('socketPlace', () => {
  it('takes the data directory when it is private to this user and its path fits', () => {
    const dataDir = tempDir();
    expect(socketPlace(dataDir)).toEqual({ path: path.join(dataDir, 'mongod.sock') });
  });

  it('makes a 0700 folder of its own for a data directory others may enter, or whose path holds a %', () => {
    const open = tempDir();
    fs.chmodSync(open, 0o755);
    const percent = tempDir('mongo-socket-%41-');
    for (const dataDir of [open, percent]) {
      const place = socketPlace(dataDir);
      dirs.push(place.ownFolder!);
      expect(path.dirname(place.path)).toBe(place.ownFolder);
      expect(modeOf(place.ownFolder!)).toBe(0o700);
    }
  });
});
