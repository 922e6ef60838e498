import type { RequestHandler } from 'express';

/**
 * Headers for every answer. The CSP fits the built pages served from `/` (web/static-routes.ts):
 * scripts (`/config.js` and the bundles) and styles from this server only, images from it, data
 * URLs or `blob:` URLs (the pages fetch files with their headers and show them from blobs), API
 * calls and the WebSocket to this server only (`'self'` covers ws: to the same host).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  next();
};

/**
 * A stored file's answer, instead of the pages' policy: opened as a page of its own (a link, a new
 * tab), it is a sandbox, an origin of its own where nothing runs (an SVG's or an HTML file's
 * scripts) and nothing loads. Inline styles, which run nothing, are let through for the browser's
 * own view of an image (Chromium's centres it with them). `nosniff` (above) keeps a browser from
 * taking the file for another type.
 */
const FILE_CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'";

export const fileSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Content-Security-Policy', FILE_CONTENT_SECURITY_POLICY);
  next();
};
