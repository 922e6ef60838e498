import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from '../../../runtime/mongo';
import type { Logger } from '../../../runtime/mongo/server';

const PLAIN_NODE_START = fileURLToPath(new URL('./fixtures/plain-node-start.mjs', import.meta.url));

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
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
    it('rejects the start with the server thread’s error when the port is taken', async () => {
      const first = await startEmbeddedMongo({ memory: true });
      try {
        await expect(startEmbeddedMongo({ memory: true, port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      } finally {
        await first.close();
      }
    });

    it('forwards the server thread’s log lines to the logger', async () => {
      const logger = recordingLogger();
      const server = await startEmbeddedMongo({ memory: true, logger });
      await server.close();
      expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'embedded mongo listening', obj: expect.objectContaining({ port: server.port }) }));
    });

    it('stops serving when closed, and closing again is harmless', async () => {
      const server = await startEmbeddedMongo({ memory: true });
      const client = await new MongoClient(server.uri, { serverSelectionTimeoutMS: 500 }).connect();
      await client.db('t').collection('c').insertOne({ a: 1 });
      await client.close();
      await server.close();
      await server.close();
      expect(await canConnect(server.port)).toBe(false);
    });

    it('starts under plain node and does not keep the process alive', async () => {
      const child = spawn(process.execPath, [PLAIN_NODE_START], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(output).toContain('COUNT 1');
      expect(code).toBe(0);
    }, 30_000);
  });
});
