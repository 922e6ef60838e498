// Connection handshake and server information: hello (incl. awaitable hello), ping, buildInfo, …
import os from 'node:os';
import { Long, ObjectId, type Document } from 'bson';
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from '../wire';
import type { CommandContext, CommandHandler } from './context';

export const REPLICA_SET_NAME = 'rs0';
const MAX_WIRE_VERSION = 25; // MongoDB 8.0 (the first with the bulkWrite command)
const VERSION = '8.0.0';
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done);
  });
}

function helloReply(ctx: CommandContext, legacy: boolean): Document {
  const { host, topologyVersion } = ctx.server;
  const opTime = { ts: ctx.engine.clock.current(), t: Long.fromNumber(1) };
  const now = new Date();
  return {
    helloOk: true,
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    topologyVersion,
    setName: REPLICA_SET_NAME,
    setVersion: 1,
    electionId: ELECTION_ID,
    hosts: [host],
    me: host,
    primary: host,
    secondary: false,
    lastWrite: { opTime, lastWriteDate: now, majorityOpTime: opTime, majorityWriteDate: now },
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: now,
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

/** A hello of the driver's server monitoring, which waits for a topology change (and may be streamed). */
export const isAwaitableHello = (command: Document): boolean =>
  ('hello' in command || 'isMaster' in command || 'ismaster' in command) && Boolean(command.topologyVersion) && command.maxAwaitTimeMS !== undefined;

/**
 * Awaitable hello (server monitoring): the topology of a single embedded member never changes, so
 * the reply comes after maxAwaitTimeMS, or at once when the connection or server closes.
 */
async function hello(ctx: CommandContext, legacy: boolean): Promise<Document> {
  if (isAwaitableHello(ctx.command)) await waitFor(Number(ctx.command.maxAwaitTimeMS), ctx.signal);
  return helloReply(ctx, legacy);
}

export const handshakeCommands: Record<string, CommandHandler> = {
  hello: (ctx) => hello(ctx, false),
  isMaster: (ctx) => hello(ctx, true),
  ismaster: (ctx) => hello(ctx, true),
  // A server whose journal failed is up but takes no writes: ping says so, for health checks.
  ping: (ctx) => {
    const failure = ctx.engine.checkJournal();
    if (failure) throw failure;
    return { ok: 1 };
  },
  buildInfo: () => ({
    version: VERSION,
    versionArray: [7, 0, 0, 0],
    gitVersion: 'embedded',
    bits: 64,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded'],
    ok: 1,
  }),
  getParameter: (ctx) => {
    const reply: Document = { ok: 1 };
    if (ctx.command.featureCompatibilityVersion || ctx.command.getParameter === '*') reply.featureCompatibilityVersion = { version: '8.0' };
    return reply;
  },
  hostInfo: () => ({
    system: { currentTime: new Date(), hostname: os.hostname(), cpuAddrSize: 64, memSizeMB: Math.round(os.totalmem() / 2 ** 20), numCores: os.cpus().length },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
    ok: 1,
  }),
  whatsmyuri: (ctx) => ({ you: ctx.server.host, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  serverStatus: (ctx) => ({
    host: ctx.server.host,
    version: VERSION,
    process: 'embedded-mongo',
    uptime: (Date.now() - ctx.server.startedAt.getTime()) / 1000,
    localTime: new Date(),
    ok: 1,
  }),
};
