import net from 'node:net';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useEmbeddedMongo, type AnyDoc } from './harness';

function rawExchange(socketPath: string, payload: Buffer): Promise<'closed' | Buffer> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath, () => socket.write(payload));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data);
    });
    socket.once('close', () => resolve('closed'));
    socket.once('error', () => resolve('closed'));
  });
}

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('server');

  describe('#hello', () => {
    it('presents a one-member replica set primary', async () => {
      const hello = await h.db.admin().command({ hello: 1 });
      expect(hello).toMatchObject({ isWritablePrimary: true, setName: 'rs0', hosts: [h.server.socketPath], me: h.server.socketPath, primary: h.server.socketPath });
      expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
      expect(hello.compression).toBeUndefined();
    });

    it('waits maxAwaitTimeMS on an awaitable hello', async () => {
      const { topologyVersion } = await h.db.admin().command({ hello: 1 });
      const started = Date.now();
      await h.db.admin().command({ hello: 1, topologyVersion, maxAwaitTimeMS: 200 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    });

    it("streams the driver's server monitoring without ever dropping the connection pool", async () => {
      const client = new MongoClient(h.server.uri, { heartbeatFrequencyMS: 500 });
      const streamed: boolean[] = [];
      const failures: string[] = [];
      client.on('serverHeartbeatSucceeded', (event) => streamed.push(event.awaited));
      client.on('serverHeartbeatFailed', (event) => failures.push(event.failure.message));
      client.on('connectionPoolCleared', () => failures.push('pool cleared'));
      try {
        await client.connect();
        await client.db('server').command({ ping: 1 });
        await new Promise((resolve) => setTimeout(resolve, 1_800));
        expect(failures).toEqual([]);
        expect(streamed.filter(Boolean).length).toBeGreaterThanOrEqual(2);
        await client.db('server').command({ ping: 1 });
      } finally {
        await client.close();
      }
    });
  });

  describe('#errors', () => {
    it('names an unknown command', async () => {
      await expect(h.db.command({ frobnicate: 1 })).rejects.toMatchObject({ code: 59, codeName: 'CommandNotFound', message: "no such command: 'frobnicate'" });
    });

    it('names unsupported query, update and pipeline operators', async () => {
      const c = h.db.collection<AnyDoc>('ops');
      await c.insertOne({ a: 1 });
      await expect(c.find({ a: { $frob: 1 } }).toArray()).rejects.toMatchObject({ code: 2, message: expect.stringContaining('$frob') });
      await expect(c.updateOne({}, { $frob: { a: 1 } } as never)).rejects.toMatchObject({ code: 9, message: expect.stringContaining('$frob') });
      await expect(c.aggregate([{ $frob: {} }]).toArray()).rejects.toMatchObject({ code: 40324, message: expect.stringContaining('$frob') });
      await expect(c.aggregate([{ $out: 'x' }]).toArray()).rejects.toMatchObject({ message: expect.stringContaining('$out') });
      await expect(c.createIndex({ a: 1 }, { sparse: true })).rejects.toMatchObject({ message: expect.stringContaining('sparse') });
    });

    it('closes only the connection that sent garbage or an oversize frame', async () => {
      const c = h.db.collection<AnyDoc>('alive');
      expect(await rawExchange(h.server.socketPath, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toBe('closed');
      const oversize = Buffer.alloc(16);
      oversize.writeInt32LE(64 * 1024 * 1024, 0);
      oversize.writeInt32LE(2013, 12);
      expect(await rawExchange(h.server.socketPath, oversize)).toBe('closed');
      const badBody = Buffer.alloc(26);
      badBody.writeInt32LE(26, 0);
      badBody.writeInt32LE(2013, 12);
      badBody.writeInt32LE(1000, 21); // section kind 0 claiming a 1,000-byte document
      expect(await rawExchange(h.server.socketPath, badBody)).toBe('closed');
      await c.insertOne({ still: 'working' });
      expect(await c.countDocuments()).toBe(1);
    });
  });
});
