/** The built pages from the API server itself, under a CSP that lets them run; the demo bootstrap. */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { loadConfig } from '../../runtime/config';
import { startTestApp } from './support/app';

let app: RunningApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** The CSP as directive → sources. */
const cspOf = (res: Response): Map<string, string[]> =>
  new Map(
    (res.headers.get('content-security-policy') ?? '').split(';').map((directive) => {
      const [name = '', ...sources] = directive.trim().split(/\s+/);
      return [name, sources];
    }),
  );

describe('pages', () => {
  it('serves the widget demo, the inbox and the audit viewer with their assets', async () => {
    for (const page of ['/', '/inbox', '/audit/some-conversation']) {
      const res = await fetch(`${app.url}${page}`);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('<script src="/config.js"');
      // The demo site loads the widget as customers' pages do.
      const asset = page === '/' ? /src="(\/widget\.js)"/.exec(html)?.[1] : /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset, page).toBeDefined();
      expect((await fetch(`${app.url}${asset}`)).status).toBe(200);
    }
  });

  it('lets the pages run: scripts and styles from the server only, its own WebSocket, images from it or data URLs', async () => {
    const csp = cspOf(await fetch(`${app.url}/inbox`));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(csp.get('object-src')).toEqual(["'none'"]);
  });

  it('tells the pages the public key, never the secret key (a local demo links to the inbox with it instead)', async () => {
    const script = await (await fetch(`${app.url}/config.js`)).text();
    expect(script).toContain(app.keys.publicKey);
    expect(script).not.toContain(app.keys.secretKey);
    // Told whether it is a local demo, whose pages take the key from the banner's link.
    expect(script).toContain('"demo":true');
    expect(loadConfig({}).demoPages).toBe(true);
    expect(loadConfig({ HOST: '0.0.0.0' }).demoPages).toBe(false);
    expect(loadConfig({ DEMO_PAGES: 'false' }).demoPages).toBe(false);
    expect(loadConfig({ HOST: '0.0.0.0', DEMO_PAGES: 'true' }).demoPages).toBe(true);
  });

  it('serves widget.js as one classic script any website may load, cached for a few minutes', async () => {
    const res = await fetch(`${app.url}/widget.js`, { headers: { Origin: 'https://customer.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const script = await res.text();
    // No module syntax and no other file to fetch: its styles are in it.
    expect(script).not.toMatch(/^\s*(import|export)\s/m);
    expect(script).not.toContain('/assets/');
    expect(script).toContain('.sw-launcher');
  });

  it('sends the pages and widget.js compressed to a browser that takes it, and the API as it is', async () => {
    const gzip = { 'Accept-Encoding': 'gzip' };
    const widget = await fetch(`${app.url}/widget.js`, { headers: gzip });
    expect(widget.headers.get('content-encoding')).toBe('gzip');
    expect(await widget.text()).toContain('.sw-launcher');
    const inboxScript = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${app.url}/inbox`)).text())?.[1];
    expect((await fetch(`${app.url}${inboxScript}`, { headers: gzip })).headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${app.url}/v1/health`, { headers: gzip })).headers.get('content-encoding')).toBeNull();
  });

  it("is as large as the README says widget.js is, sent and compressed (within 10%: the README's figures are rounded)", async () => {
    const said = /(?:about )?(\d+) KB, sent gzip-compressed \((?:about )?(\d+) KB\)/.exec(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'));
    expect(said, "the README's sentence on widget.js's size").not.toBeNull();
    const body = Buffer.from(await (await fetch(`${app.url}/widget.js`)).arrayBuffer());
    // The compression middleware gzips at zlib's default level, as gzipSync does.
    for (const [kb, bytes] of [[said![1], body.length], [said![2], gzipSync(body).length]] as const) {
      expect(Math.abs(Number(kb) * 1_000 - bytes) / bytes, `${kb} KB said, ${bytes} bytes built`).toBeLessThan(0.1);
    }
  });

  it('keeps unknown paths a JSON 404', async () => {
    const res = await fetch(`${app.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('ERR_NOT_FOUND');
  });

  it('answers an asset that is not there without naming the server\'s files', async () => {
    for (const asset of ['nope.js', 'widget.js/x', `${'a'.repeat(5_000)}.js`]) {
      const res = await fetch(`${app.url}/assets/${asset}`);
      expect(res.status, asset).toBe(404);
      expect(await res.json(), asset).toEqual({ error: { code: 'ERR_NOT_FOUND', message: 'Not found' } });
    }
  });
});
