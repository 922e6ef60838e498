import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from '../../../runtime/mongo';
import type { Logger } from '../../../runtime/mongo/server';

const PLAIN_NODE_START = fileURLToPath(new URL('./fixtures/plain-node-start.mjs', import.meta.url));

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function recordingLogger(): Logger & { lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

describe('EmbeddedMongo', () => {
  describe('#serverThread', () => {
    it('rejects the start with the server thread’s error when its socket’s path is taken', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongo-taken-'));
      try {
        fs.mkdirSync(path.join(dataDir, 'mongod.sock')); // not a socket: left alone
        await expect(startEmbeddedMongo({ dataDir })).rejects.toMatchObject({ code: 'EADDRINUSE' });
        expect(fs.statSync(path.join(dataDir, 'mongod.sock')).isDirectory()).toBe(true);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('forwards the server thread’s log lines to the logger', async () => {
      const logger = recordingLogger();
      const server = await startEmbeddedMongo({ memory: true, logger });
      await server.close();
      expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'embedded mongo listening', obj: expect.objectContaining({ uri: server.uri }) }));
    });

    it('stops serving when closed, and closing again is harmless', async () => {
      const server = await startEmbeddedMongo({ memory: true });
      const client = await new MongoClient(server.uri, { serverSelectionTimeoutMS: 500 }).connect();
      await client.db('t').collection('c').insertOne({ a: 1 });
      await client.close();
      await server.close();
      await server.close();
      expect(await canConnect(server.socketPath)).toBe(false);
    });

    it('starts under plain node and does not keep the process alive', async () => {
      const child = spawn(process.execPath, [PLAIN_NODE_START], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(output).toContain('COUNT 1');
      expect(code).toBe(0);
    });
  });
});
