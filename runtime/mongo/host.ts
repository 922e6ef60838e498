// Assembles the server inside the current thread: recovery from the data directory, the engine
// and the TCP listener. The worker thread (worker.ts) runs this; callers use startEmbeddedMongo.
import { REPLICA_SET_NAME } from './commands/handshake';
import { CursorRegistry } from './cursors';
import { Engine } from './engine';
import { lockDataDir } from './data-dir-lock';
import { FileJournal, MemoryJournal } from './persistence';
import { WireServer, type Logger } from './server';

export interface HostOptions {
  dataDir?: string;
  memory?: boolean;
  port?: number;
  logger?: Logger;
  /** How long a lock on the data directory must go untouched before it counts as its holder's leftover. */
  dataDirStaleMs?: number;
}

export interface Host {
  uri: string;
  port: number;
  close(): Promise<void>;
}

export async function hostEmbeddedMongo(options: HostOptions): Promise<Host> {
  const engine = new Engine(new MemoryJournal());
  const started = Date.now();
  const lock = options.memory ? undefined : await lockDataDir(options.dataDir!, { ...(options.dataDirStaleMs ? { staleMs: options.dataDirStaleMs } : {}) });
  // The lock goes however the server ends: a holder that is this very process would be refused.
  const ending = async (steps: () => Promise<void> | void) => {
    try {
      await steps();
    } finally {
      lock?.release();
    }
  };
  const cursors = new CursorRegistry();
  let port: number;
  let server: WireServer;
  try {
    server = new WireServer(engine, cursors, options.logger);
    if (lock) engine.attachJournal(new FileJournal(options.dataDir!, (record) => engine.applyRecord(record), options.logger));
    port = await server.listen(options.port ?? 0);
  } catch (error) {
    await ending(() => {
      engine.close();
      cursors.dispose();
    });
    throw error;
  }
  options.logger?.info({ port, dataDir: options.memory ? null : options.dataDir, startupMs: Date.now() - started }, 'embedded mongo listening');
  return {
    uri: `mongodb://127.0.0.1:${port}/?replicaSet=${REPLICA_SET_NAME}`,
    port,
    close: () =>
      ending(async () => {
        await server.close();
        cursors.dispose();
        engine.close();
      }),
  };
}
