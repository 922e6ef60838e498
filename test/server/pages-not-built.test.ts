import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createPagesRouter } from '../../web/static-routes';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the pages before they are built', () => {
  it('answers 503 saying to build them, never from a cache (the next request after a build gets the page)', async () => {
    const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'support-dist-'));
    cleanups.push(() => fs.rmSync(distDir, { recursive: true, force: true }));
    const server = express().use(createPagesRouter({ publicKey: 'pk_test', distDir })).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const page of ['/', '/inbox']) {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${page}`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });
});
