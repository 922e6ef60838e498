/**
 * One webhook request: a POST that follows no redirect, connects only where the URL policy allows
 * (url-policy.ts), and gives up after `timeoutMs` whatever the endpoint is doing.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, urlRefusal } from './url-policy';

/** What an attempt came to: the endpoint's status code, or why there was none. */
export type PostResult = { statusCode: number } | { error: string };

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

export function postJson(target: string, body: string, { headers, timeoutMs, allowPrivate }: PostOptions): Promise<PostResult> {
  const url = new URL(target);
  const refusal = urlRefusal(url, allowPrivate);
  if (refusal) return Promise.resolve({ error: `url ${refusal}` });
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers },
      lookup: guardedLookup(allowPrivate),
      signal: AbortSignal.timeout(timeoutMs),
    });
    req.once('response', (res) => {
      // Only the status matters; the body is read away so the socket is freed.
      res.resume();
      resolve({ statusCode: res.statusCode ?? 0 });
    });
    req.once('error', (err) => resolve({ error: err.name === 'AbortError' || err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : err.message }));
    req.end(body);
  });
}
