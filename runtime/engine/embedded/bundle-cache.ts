/**
 * Workflow bundles kept on disk between processes. Each is stored with what webpack reported reading
 * to make it: the files it read, and the paths it looked for and did not find (a file created at one
 * of them would change how an import resolves). A bundle is reused only while every one of those paths
 * holds what it held then (the same content, still a directory, still nothing), the check webpack's own
 * watch mode makes; otherwise the caller bundles afresh and replaces it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** What a bundle was made from, as webpack reported it. */
export interface BundleInputs {
  /** Files read, and the directories resolution walked. */
  readonly files: Iterable<string>;
  /** Paths looked for and not found as files (a directory may be there). */
  readonly missing: Iterable<string>;
}

/** Bumped when the stored layout changes, so older entries are bundled afresh rather than misread. */
const FORMAT = 2;
/** A directory's fingerprint: it only has to remain one (the files read in it have their own). */
const DIRECTORY = 'directory';
/** The kernel stamps modification times from a coarse clock, a few milliseconds behind; be generous. */
const MTIME_MARGIN_MS = 1_000;

/** A path's content hash, DIRECTORY, or null when nothing is there. */
type Fingerprint = string | null;

interface Manifest {
  format: number;
  key: string;
  paths: Record<string, Fingerprint>;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

async function fingerprint(file: string): Promise<Fingerprint> {
  try {
    return sha256(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return DIRECTORY;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** Whether the file was modified since about `since` (directories change as files come and go: not counted). */
async function modifiedSince(file: string, print: Fingerprint, since: number): Promise<boolean> {
  if (print === null || print === DIRECTORY) return false;
  const stats = await stat(file).catch(() => undefined);
  return stats !== undefined && stats.mtimeMs >= since - MTIME_MARGIN_MS;
}

async function unchanged(paths: Record<string, Fingerprint>): Promise<boolean> {
  const checks = Object.entries(paths).map(async ([file, print]) => (await fingerprint(file)) === print);
  return (await Promise.all(checks)).every(Boolean);
}

function parseManifest(line: string): Manifest | undefined {
  try {
    return JSON.parse(line) as Manifest;
  } catch {
    return undefined;
  }
}

export class BundleCache {
  constructor(private readonly dir: string) {}

  /** The bundle stored under `key`, if every path it was made from is as it was then. */
  async read(key: string): Promise<string | undefined> {
    let stored: string;
    try {
      stored = await readFile(this.fileFor(key), 'utf8');
    } catch {
      return undefined;
    }
    // One file, the manifest on its first line: a reader never pairs one writer's manifest with another's code.
    const newline = stored.indexOf('\n');
    const manifest = parseManifest(stored.slice(0, newline));
    if (manifest?.format !== FORMAT || manifest.key !== key) return undefined;
    return (await unchanged(manifest.paths)) ? stored.slice(newline + 1) : undefined;
  }

  /**
   * Stores `code` under `key` with its inputs, unless one of them changed since about `startedAt`
   * (when bundling began): the bundle may then hold its old content while the fingerprint taken now
   * is of the new. Returns whether it was stored.
   */
  async write(key: string, code: string, inputs: BundleInputs, startedAt: number): Promise<boolean> {
    const paths: Record<string, Fingerprint> = {};
    for (const file of new Set([...inputs.files, ...inputs.missing])) {
      const print = await fingerprint(file);
      if (await modifiedSince(file, print, startedAt)) return false;
      paths[file] = print;
    }
    for (const file of inputs.missing) {
      if (paths[file] !== null && paths[file] !== DIRECTORY) return false; // created while bundling
    }
    await mkdir(this.dir, { recursive: true });
    // Whole or not at all: processes bundling the same key at once each replace it, and one is kept.
    await writeFileAtomic(this.fileFor(key), `${JSON.stringify({ format: FORMAT, key, paths } satisfies Manifest)}\n${code}`);
    return true;
  }

  private fileFor(key: string): string {
    return path.join(this.dir, `${sha256(key).slice(0, 32)}.bundle`);
  }
}
