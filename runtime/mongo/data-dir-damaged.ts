// A data directory the server cannot read back whole. Starting anyway would serve a store missing
// writes it acknowledged, so the server refuses to start, and leaves the files as they are for
// whoever restores them.
import path from 'node:path';

export class DataDirDamagedError extends Error {
  constructor(file: string, problem: string) {
    super(
      `The embedded store cannot start: ${file} ${problem}. It refuses to serve a store missing acknowledged writes and leaves its files as they are: ` +
        `restore ${path.dirname(file)} from a backup (or move that directory aside to start with an empty store)`,
    );
    this.name = 'DataDirDamagedError';
  }
}
