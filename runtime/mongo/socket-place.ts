// Where the embedded server listens: a Unix domain socket in a folder only this user can enter.
// The server asks for no credentials, so whoever reaches it reads every website's keys; a TCP port
// on 127.0.0.1 would let every local process of every user in. A socket file is reached through
// its folder, so a folder of mode 0700 owned by this user keeps everyone else out (root aside);
// the file itself is made 0600 as well.
//
// The socket goes in the data directory (kept 0700 by ownDirectory) when it can. It cannot when
// the store is in memory (there is no directory), when the directory is not private to this user
// (another user owns it, so its mode could not be set), when its path is too long for a socket
// address (sun_path: 108 bytes on Linux, 104 on macOS, a NUL included), or when it holds a `%`
// (the driver percent-decodes a socket host twice, so no URI names such a path). Then it goes in a fresh
// folder of this start's own, made by mkdtemp (mode 0700) under the system's temp directory, and
// removed at close. Falling back to TCP instead would reopen the hole for whoever sets a long
// DATA_DIR, without them noticing: a temp folder keeps the guarantee and costs only a URI that
// changes from one start to the next (the log names it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SOCKET_FILE = 'mongod.sock';

/** The longest socket path both Linux and macOS take (their sun_path, less the NUL). */
export const MAX_SOCKET_PATH_BYTES = 103;

export interface SocketPlace {
  /** Absolute path of the socket file. */
  path: string;
  /** The folder made for this start only, to remove at close (absent: the socket is in the data directory). */
  ownFolder?: string;
}

export class NoSocketPlaceError extends Error {
  /** As the system names a path too long: the start names DATA_DIR and this message names TMPDIR (runtime/setting-errors.ts). */
  readonly code = 'ENAMETOOLONG';

  constructor(tried: string[]) {
    super(`embedded mongo: no folder for its socket has a path it can use (at most ${MAX_SOCKET_PATH_BYTES} bytes, no %): tried ${tried.join(', ')} (set TMPDIR to another)`);
    this.name = 'NoSocketPlaceError';
  }
}

/** Whether a socket can be bound at this path and a connection string can name it. */
const usable = (socketPath: string): boolean => Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES && !socketPath.includes('%');

/** True when the directory is this user's and nobody else may enter it. */
function privateToMe(dir: string): boolean {
  const stat = fs.statSync(dir);
  return stat.isDirectory() && (stat.mode & 0o077) === 0 && stat.uid === process.getuid?.();
}

/** Picks the socket's place: in `dataDir` (an existing directory) if it can, else in a new private folder. */
export function socketPlace(dataDir: string | undefined): SocketPlace {
  if (dataDir !== undefined) {
    const inData = path.join(path.resolve(dataDir), SOCKET_FILE);
    if (usable(inData) && privateToMe(dataDir)) return { path: inData };
  }
  const tried: string[] = [];
  // mkdtemp adds six characters to the prefix.
  for (const base of new Set([os.tmpdir(), '/tmp'])) {
    const prefix = path.join(base, 'support-mongo-');
    tried.push(base);
    if (!usable(path.join(`${prefix}XXXXXX`, SOCKET_FILE))) continue;
    const ownFolder = fs.mkdtempSync(prefix);
    fs.chmodSync(ownFolder, 0o700);
    return { path: path.join(ownFolder, SOCKET_FILE), ownFolder };
  }
  throw new NoSocketPlaceError(tried);
}

/**
 * Removes a socket file a crashed server left at `socketPath`, so that listening there succeeds.
 * Call it only while holding the data directory's lock: then no live server listens there. Anything
 * else at that path is left alone (listening then fails, naming it).
 */
export function removeStaleSocket(socketPath: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (stat.isSocket()) fs.rmSync(socketPath, { force: true });
}

/**
 * The driver's connection string for a socket: the path percent-encoded as the host (the driver
 * takes a host ending in `.sock` as a socket path). directConnection: the driver talks to this
 * member only. With `replicaSet=rs0` it would replace the address it was given by the names in the
 * hello reply's `hosts`, which it lowercases: a path with a capital letter (`/home/Alice/…`) would
 * lose the server (ENOENT), so the URI does not depend on that.
 */
export const socketUri = (socketPath: string): string => `mongodb://${encodeURIComponent(socketPath)}/?directConnection=true`;
