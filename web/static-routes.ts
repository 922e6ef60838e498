/**
 * Serves the built pages (web/dist) from the API server: `/` is the demo site with the widget,
 * `/widget.js` the widget as other websites embed it,
 * `/inbox` the agent inbox, `/audit/:conversationId` the audit viewer, `/config.js` the bootstrap
 * that tells the pages the website's public key. The lead mounts it with one line:
 * `app.use(createPagesRouter({ publicKey }))`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import express, { Router, type Response } from 'express';

export interface PagesOptions {
  /** The website key the widget uses (public). */
  publicKey: string;
  /** A local demo: the pages take the secret key from the link the start banner prints (`#secretKey=`). */
  demo?: boolean;
  /** Where `npm run build` put the pages; defaults to web/dist beside this file. */
  distDir?: string;
}

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('./dist', import.meta.url));

/** `window.SUPPORT_CONFIG = {…}`, with `<` escaped so no value can close a script. */
export function configScript(config: { publicKey: string; demo?: true }): string {
  return `window.SUPPORT_CONFIG = ${JSON.stringify(config).replaceAll('<', '\\u003c')};\n`;
}

function notBuilt(res: Response): void {
  // Not cached: the pages are there as soon as they are built.
  res.setHeader('Cache-Control', 'no-store');
  res.status(503).type('text/plain').send('The web pages are not built: run `npm run build`.');
}

export function createPagesRouter({ publicKey, demo = false, distDir = DEFAULT_DIST_DIR }: PagesOptions): Router {
  const router = Router();
  // The pages' scripts and styles shrink to about a third (widget.js, on every customer page view: about 92 KB to 29 KB).
  // On these routes only: the API's answers are small, and the message path pays for nothing it does not need.
  const compressed = compression();
  const page = (name: string) => path.join(distDir, name, 'index.html');
  const sendPage = (res: Response, name: string) => {
    if (!existsSync(page(name))) return notBuilt(res);
    // Pages always fetch fresh HTML; the hashed assets they name are cached for good.
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(page(name));
  };
  const script = configScript({ publicKey, ...(demo ? { demo: true as const } : {}) });

  router.get('/config.js', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/javascript').send(script);
  });
  router.get('/widget.js', compressed, (_req, res) => {
    const file = path.join(distDir, 'widget.js');
    if (!existsSync(file)) return notBuilt(res);
    // Customers' pages name this URL, which cannot change with each build as the hashed assets' do:
    // kept for a few minutes only, so a new version reaches every website soon after a deploy.
    res.setHeader('Cache-Control', 'public, max-age=300');
    // Loaded by pages of any origin: one isolating itself (COEP require-corp) takes it only when it says so,
    // and one loading it with `crossorigin` (for SRI) only with CORS. It holds no secret.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.sendFile(file, { cacheControl: false });
  });
  router.get('/', compressed, (_req, res) => sendPage(res, 'demo'));
  router.get('/inbox', compressed, (_req, res) => sendPage(res, 'inbox'));
  router.get('/audit/:conversationId', compressed, (_req, res) => sendPage(res, 'audit'));
  router.use('/assets', compressed, express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  return router;
}
