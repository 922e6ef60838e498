/**
 * API answers are the caller's own (a visitor's conversations, a contact's name and email), and
 * their URLs are the same for every caller: a shared cache in front (a CDN, a proxy) must not keep
 * one and serve it to the next. Set first, so a route that may be cached (a file download) sets its
 * own over it.
 */
import type { RequestHandler } from 'express';

export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
