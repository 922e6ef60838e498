// Assembles the server inside the current thread: recovery from the data directory, the engine
// and the TCP listener. The worker thread (worker.ts) runs this; callers use startEmbeddedMongo.
import { REPLICA_SET_NAME } from './commands/handshake';
import { CursorRegistry } from './cursors';
import { Engine } from './engine';
import { FileJournal, MemoryJournal } from './persistence';
import { WireServer, type Logger } from './server';

export interface HostOptions {
  dataDir?: string;
  memory?: boolean;
  port?: number;
  logger?: Logger;
}

export interface Host {
  uri: string;
  port: number;
  close(): Promise<void>;
}

export async function hostEmbeddedMongo(options: HostOptions): Promise<Host> {
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
  return {
    uri: `mongodb://127.0.0.1:${port}/?replicaSet=${REPLICA_SET_NAME}`,
    port,
    close: async () => {
      await server.close();
      cursors.dispose();
      engine.close();
    },
  };
}
