import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleCache } from '../../../runtime/engine/embedded/bundle-cache';

describe('BundleCache', () => {
  let root: string;
  let cache: BundleCache;
  let source: string;
  let directory: string;
  let missing: string;
  /** When "bundling" began: a second ago, so the files just written count as older than it. */
  let startedAt: number;
  const inputs = () => ({ files: [source, directory], missing: [missing] });

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'bundle-cache-'));
    cache = new BundleCache(path.join(root, 'cache'));
    source = path.join(root, 'workflows.ts');
    directory = path.join(root, 'lib');
    missing = path.join(root, 'workflows.js');
    await writeFile(source, 'export const a = 1;');
    await mkdir(directory);
    const past = new Date(Date.now() - 5_000);
    await utimes(source, past, past);
    startedAt = Date.now();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('gives back the stored bundle while every input is as it was', async () => {
    expect(await cache.write('key', 'bundled code\nline two', inputs(), startedAt)).toBe(true);
    expect(await cache.read('key')).toBe('bundled code\nline two');
    expect(await cache.read('other key')).toBeUndefined();
  });

  it('gives nothing once a file read has other content, or is gone', async () => {
    await cache.write('key', 'code', inputs(), startedAt);
    await writeFile(source, 'export const a = 2;');
    expect(await cache.read('key')).toBeUndefined();
    await rm(source);
    expect(await cache.read('key')).toBeUndefined();
  });

  it('gives nothing once a file exists where one was looked for and not found', async () => {
    await cache.write('key', 'code', inputs(), startedAt);
    await writeFile(missing, 'module.exports = {};');
    expect(await cache.read('key')).toBeUndefined();
  });

  it('gives nothing once a directory exists where there was nothing, or a walked directory is gone', async () => {
    await cache.write('key', 'code', inputs(), startedAt);
    await mkdir(missing);
    expect(await cache.read('key')).toBeUndefined();
    await rm(missing, { recursive: true });
    expect(await cache.read('key')).toBe('code');
    await rm(directory, { recursive: true });
    expect(await cache.read('key')).toBeUndefined();
  });

  it('keeps a bundle whose directories gained other files', async () => {
    await cache.write('key', 'code', inputs(), startedAt);
    await writeFile(path.join(directory, 'unrelated.txt'), 'x');
    expect(await cache.read('key')).toBe('code');
  });

  it('stores nothing when a file read was modified after bundling began, or one looked for was created', async () => {
    await writeFile(source, 'export const a = 3;'); // modified "during" bundling
    expect(await cache.write('key', 'code', inputs(), startedAt)).toBe(false);
    expect(await cache.read('key')).toBeUndefined();

    const past = new Date(Date.now() - 5_000);
    await utimes(source, past, past);
    await writeFile(missing, 'created while bundling');
    await utimes(missing, past, past);
    expect(await cache.write('key', 'code', inputs(), startedAt)).toBe(false);
    expect(await cache.read('key')).toBeUndefined();
  });

  it('treats a damaged entry as none, and replaces it whole', async () => {
    await cache.write('key', 'code', inputs(), startedAt);
    const [entry] = await readdir(path.join(root, 'cache'));
    await writeFile(path.join(root, 'cache', entry!), '{"format":');
    expect(await cache.read('key')).toBeUndefined();
    await cache.write('key', 'new code', inputs(), startedAt);
    expect(await cache.read('key')).toBe('new code');
    expect(await readdir(path.join(root, 'cache'))).toEqual([entry]);
  });
});
