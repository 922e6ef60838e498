// An embedded MongoDB-compatible server.
//
// Why: machines without internet access cannot install a MongoDB server, yet the project's store
// must talk to storage through the official `mongodb` driver (the same code runs against a real
// replica set when MONGODB_URI is set). So this module speaks the MongoDB wire protocol on a Unix
// socket only this user can reach (socket-place.ts: it asks for no credentials) and presents
// itself as a one-member replica set primary; the driver connects to it unchanged. Query, update and aggregation semantics come from mingo; documents are BSON values.
// With a data directory, acknowledged writes survive a crash (operation log + snapshots).
//
// The server runs in its own worker thread (worker.ts), so that it gets a core of its own instead
// of sharing the caller's event loop with the driver. It does not keep the process alive.
import { Worker } from 'node:worker_threads';
import type { Logger } from './server';
import { deserializeError, type FromWorker, type ToWorker, type WorkerOptions } from './worker-protocol';

export interface EmbeddedMongoOptions {
  /** Directory holding the data; required unless `memory` is true. */
  dataDir?: string;
  /** Keep nothing on disk (tests). */
  memory?: boolean;
  logger?: Logger;
  /** How long a lock on the data directory must go untouched before it counts as a dead holder's (data-dir-lock.ts). */
  dataDirStaleMs?: number;
  /** How often the TTL monitor deletes expired documents (default 60 s, as MongoDB's). */
  ttlMonitorIntervalMs?: number;
}

export interface EmbeddedMongo {
  /** Connection string for `new MongoClient(uri)`: the socket, with directConnection. */
  uri: string;
  /** The Unix socket it listens on: in the data directory, or in a private folder of its own (socket-place.ts). */
  socketPath: string;
  close(): Promise<void>;
}

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  if (!options.memory && !options.dataDir) throw new Error('startEmbeddedMongo: give a dataDir, or memory: true');
  const { logger, ...rest } = options;
  const workerData: WorkerOptions = { ...rest, forwardLogs: logger !== undefined };
  const worker = new Worker(WORKER_ENTRY, { workerData });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  let started = false;
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'log') logger?.[message.level](message.obj, message.msg);
  });
  worker.on('error', (error) => {
    // Before start-up completes the error rejects the start instead (below).
    if (!started) return;
    if (logger) logger.error({ err: String(error), stack: error.stack }, 'embedded mongo: server thread crashed');
    else console.error('embedded mongo: server thread crashed', error);
  });

  const { uri, socketPath } = await new Promise<{ uri: string; socketPath: string }>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'listening') resolve(message);
      else if (message.type === 'failed') reject(deserializeError(message.error));
    });
    worker.once('error', reject);
    void exited.then((code) => reject(new Error(`embedded mongo: server thread exited during start-up (code ${code})`)));
  });
  started = true;
  worker.unref();

  const close = async (): Promise<void> => {
    worker.ref(); // keep the process up until the data is safely closed
    const closed = new Promise<FromWorker & { type: 'closed' }>((resolve) => {
      worker.on('message', (message: FromWorker) => message.type === 'closed' && resolve(message));
    });
    worker.postMessage({ type: 'close' } satisfies ToWorker);
    const outcome = await Promise.race([closed, exited.then(() => undefined)]); // undefined: it had crashed
    await exited;
    if (outcome?.error) throw deserializeError(outcome.error);
  };
  let closing: Promise<void> | undefined;
  return { uri, socketPath, close: () => (closing ??= close()) };
}
