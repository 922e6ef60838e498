// Assembles the server inside the current thread: recovery from the data directory, the engine
// and the listener on a Unix socket. The worker thread (worker.ts) runs this; callers use startEmbeddedMongo.
import fs from 'node:fs';
import { CursorRegistry } from './cursors';
import { Engine } from './engine';
import { lockDataDir } from './data-dir-lock';
import { FileJournal, MemoryJournal } from './persistence';
import { WireServer, type Logger } from './server';
import { removeStaleSocket, socketPlace, socketUri, type SocketPlace } from './socket-place';
import { startTtlMonitor, TTL_MONITOR_INTERVAL_MS } from './ttl-monitor';

export interface HostOptions {
  dataDir?: string;
  memory?: boolean;
  logger?: Logger;
  /** How long a lock on the data directory must go untouched before it counts as its holder's leftover. */
  dataDirStaleMs?: number;
  /** How often the TTL monitor deletes expired documents; MongoDB's every 60 s, the default (tests shorten it). */
  ttlMonitorIntervalMs?: number;
}

export interface Host {
  uri: string;
  /** The Unix socket it listens on. */
  socketPath: string;
  close(): Promise<void>;
}

export async function hostEmbeddedMongo(options: HostOptions): Promise<Host> {
  const engine = new Engine(new MemoryJournal());
  const started = Date.now();
  const lock = options.memory ? undefined : await lockDataDir(options.dataDir!, { ...(options.dataDirStaleMs ? { staleMs: options.dataDirStaleMs } : {}) });
  let place: SocketPlace | undefined;
  // The lock goes however the server ends: a holder that is this very process would be refused.
  const ending = async (steps: () => Promise<void> | void) => {
    try {
      await steps();
    } finally {
      // Closing the listener unlinks its socket file; a folder made for it goes too.
      if (place?.ownFolder) fs.rmSync(place.ownFolder, { recursive: true, force: true });
      lock?.release();
    }
  };
  const cursors = new CursorRegistry();
  let server: WireServer;
  try {
    server = new WireServer(engine, cursors, options.logger);
    if (lock) engine.attachJournal(new FileJournal(options.dataDir!, (record) => engine.applyRecord(record), options.logger));
    place = socketPlace(lock ? options.dataDir : undefined);
    // Holding the lock, no other server listens in this directory: a socket file there is a crashed one's.
    if (!place.ownFolder) removeStaleSocket(place.path);
    await server.listen(place.path);
  } catch (error) {
    await ending(() => {
      engine.close();
      cursors.dispose();
    });
    throw error;
  }
  const ttlMonitor = startTtlMonitor(engine, { intervalMs: options.ttlMonitorIntervalMs ?? TTL_MONITOR_INTERVAL_MS, logger: options.logger });
  const uri = socketUri(place.path);
  options.logger?.info({ uri, socketPath: place.path, dataDir: options.memory ? null : options.dataDir, startupMs: Date.now() - started }, 'embedded mongo listening');
  return {
    uri,
    socketPath: place.path,
    close: () =>
      ending(async () => {
        await ttlMonitor.stop();
        await server.close();
        cursors.dispose();
        engine.close();
      }),
  };
}
