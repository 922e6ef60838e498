/**
 * Workflow bundles kept on disk between processes. Each is stored with what webpack reported reading
 * to make it: the files it read and the directories it walked, and the paths it looked for and did not
 * find (a file created at one of them would change how an import resolves). A bundle is reused only
 * while every one of those paths holds what it held then (the same content, the same directory,
 * still nothing); otherwise the caller bundles afresh and replaces it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** What a bundle was made from, as webpack reported it. */
export interface BundleInputs {
  /** Files read, and the directories resolution walked. */
  readonly files: Iterable<string>;
  /** Paths looked for and not found as files (a directory may be there). */
  readonly missing: Iterable<string>;
  /** Files read from memory, never from the disk (the bundler's generated entry point). */
  readonly inMemory?: (file: string) => boolean;
}

/** Bumped when the stored layout changes, so older entries are bundled afresh rather than misread. */
const FORMAT = 1;
/** The kernel stamps change times from a coarse clock, a few milliseconds behind; be generous. */
const CHANGE_MARGIN_MS = 1_000;
/** Entries kept; the oldest used beyond that are deleted (each is ~3 MB). */
const MAX_ENTRIES = 16;
/** A write-file-atomic temporary file this old was left by a process that died while writing. */
const STALE_PARTIAL_MS = 3_600_000;
const ENTRY_SUFFIX = '.bundle';

/** A file's content hash; for a directory, `directory:` and its real path (a symlink moved elsewhere is another); null: nothing there. */
export type Fingerprint = string | null;

interface Manifest {
  format: number;
  key: string;
  paths: Record<string, Fingerprint>;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** What is at `file`, as entries record it (also for what a caller puts in its keys). */
export async function fingerprint(file: string): Promise<Fingerprint> {
  try {
    return sha256(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return `directory:${await realpath(file)}`;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** Whether the file's content or metadata changed since about `since` (ctime, which no tool can set back). */
async function changedSince(file: string, since: number): Promise<boolean> {
  const stats = await stat(file).catch(() => undefined);
  return stats !== undefined && Math.max(stats.mtimeMs, stats.ctimeMs) >= since - CHANGE_MARGIN_MS;
}

const isDirectory = (print: Fingerprint): boolean => print?.startsWith('directory:') ?? false;

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
    const file = this.fileFor(key);
    let stored: string;
    try {
      stored = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    // One file, the manifest on its first line: a reader never pairs one writer's manifest with another's code.
    const newline = stored.indexOf('\n');
    const manifest = parseManifest(stored.slice(0, newline));
    if (manifest?.format !== FORMAT || manifest.key !== key || !(await unchanged(manifest.paths))) return undefined;
    const now = new Date();
    await utimes(file, now, now).catch(() => {}); // recently used: kept when older entries are deleted
    return stored.slice(newline + 1);
  }

  /**
   * Stores `code` under `key` with its inputs, unless an input changed since about `startedAt` (when
   * bundling began) or a file read is gone: the bundle may hold content other than what the disk
   * now has. Returns whether it was stored.
   */
  async write(key: string, code: string, inputs: BundleInputs, startedAt: number): Promise<boolean> {
    const paths: Record<string, Fingerprint> = {};
    const missing = new Set(inputs.missing);
    for (const file of new Set([...inputs.files, ...missing])) {
      const print = await fingerprint(file);
      const wasRead = !missing.has(file);
      if (print === null && wasRead && !inputs.inMemory?.(file)) return false; // deleted while bundling
      if (print !== null && !isDirectory(print) && (!wasRead || (await changedSince(file, startedAt)))) return false; // created or changed while bundling
      paths[file] = print;
    }
    await mkdir(this.dir, { recursive: true });
    // Whole or not at all: processes bundling the same key at once each replace it, and one is kept.
    await writeFileAtomic(this.fileFor(key), `${JSON.stringify({ format: FORMAT, key, paths } satisfies Manifest)}\n${code}`);
    await this.prune();
    return true;
  }

  /** Deletes the entries used longest ago beyond MAX_ENTRIES, and temporary files their writers left. */
  private async prune(): Promise<void> {
    const now = Date.now();
    const found = await Promise.all(
      (await readdir(this.dir)).map(async (name) => {
        const file = path.join(this.dir, name);
        return { file, entry: name.endsWith(ENTRY_SUFFIX), usedAt: (await stat(file).catch(() => undefined))?.mtimeMs };
      }),
    );
    const entries = found.filter((f) => f.entry && f.usedAt !== undefined).sort((a, b) => b.usedAt! - a.usedAt!);
    const partials = found.filter((f) => !f.entry && f.usedAt !== undefined && now - f.usedAt > STALE_PARTIAL_MS);
    await Promise.all([...entries.slice(MAX_ENTRIES), ...partials].map(({ file }) => rm(file, { force: true })));
  }

  /** Where `key`'s entry is stored. */
  fileFor(key: string): string {
    return path.join(this.dir, `${sha256(key).slice(0, 32)}${ENTRY_SUFFIX}`);
  }
}
