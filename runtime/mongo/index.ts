// An embedded, in-process MongoDB-compatible server.
//
// Why: machines without internet access cannot install a MongoDB server, yet the project's store
// must talk to storage through the official `mongodb` driver (the same code runs against a real
// replica set when MONGODB_URI is set). So this module speaks the MongoDB wire protocol on
// 127.0.0.1 and presents itself as a one-member replica set primary; the driver connects to it
// unchanged. Query, update and aggregation semantics come from mingo; documents are BSON values.
// With a data directory, acknowledged writes survive a crash (operation log + snapshots).
import { CursorRegistry } from './cursors';
import { Engine } from './engine';
import { FileJournal, MemoryJournal } from './persistence';
import { WireServer, type Logger } from './server';
import { REPLICA_SET_NAME } from './commands/handshake';

export interface EmbeddedMongoOptions {
  /** Directory holding the data; required unless `memory` is true. */
  dataDir?: string;
  /** Keep nothing on disk (tests). */
  memory?: boolean;
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  logger?: Logger;
}

export interface EmbeddedMongo {
  /** Connection string for `new MongoClient(uri)`. */
  uri: string;
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  if (!options.memory && !options.dataDir) throw new Error('startEmbeddedMongo: give a dataDir, or memory: true');
  const engine = new Engine(new MemoryJournal());
  const started = Date.now();
  if (!options.memory) {
    engine.attachJournal(new FileJournal(options.dataDir!, (record) => engine.applyRecord(record), options.logger));
  }
  const cursors = new CursorRegistry();
  const server = new WireServer(engine, cursors, options.logger);
  let port: number;
  try {
    port = await server.listen(options.port ?? 0);
  } catch (error) {
    engine.close();
    cursors.dispose();
    throw error;
  }
  options.logger?.info({ port, dataDir: options.memory ? null : options.dataDir, startupMs: Date.now() - started }, 'embedded mongo listening');
  let closed: Promise<void> | undefined;
  return {
    uri: `mongodb://127.0.0.1:${port}/?replicaSet=${REPLICA_SET_NAME}`,
    port,
    close: () =>
      (closed ??= (async () => {
        await server.close();
        cursors.dispose();
        engine.close();
      })()),
  };
}
