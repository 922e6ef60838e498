/** Real HTTP (fetch) and WebSocket clients for server tests. */
import WebSocket from 'ws';
import type { RunningApp } from '../../../runtime/app';
import { DEFAULT_AGENT_ID } from '../../../runtime/seed';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A visitor, an agent by the secret key (acting as `agent`, or read-only with null), or a person by their member token. */
export type Who = { visitorId: string; origin?: string } | { agent: string | null } | { memberToken: string };

export class Api {
  constructor(private readonly app: Pick<RunningApp, 'url' | 'keys'>) {}

  headers(who: Who): Record<string, string> {
    if ('visitorId' in who) {
      return { 'X-Public-Key': this.app.keys.publicKey, 'X-Visitor-Id': who.visitorId, ...(who.origin ? { Origin: who.origin } : {}) };
    }
    if ('memberToken' in who) return { Authorization: `Bearer ${who.memberToken}` };
    return { Authorization: `Bearer ${this.app.keys.secretKey}`, ...(who.agent ? { 'X-Actor-User-Id': who.agent } : {}) };
  }

  async call<T = any>(method: string, path: string, who: Who | Record<string, string>, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const auth = 'visitorId' in who || 'agent' in who || 'memberToken' in who ? this.headers(who as Who) : (who as Record<string, string>);
    const raw = typeof body === 'string' || body instanceof Uint8Array;
    const res = await fetch(`${this.app.url}${path}`, {
      method,
      headers: { ...auth, ...(body !== undefined && !raw ? { 'Content-Type': 'application/json' } : {}), ...extraHeaders },
      body: body === undefined ? undefined : raw ? (body as string) : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** A fresh visitor, as the widget gets one. */
  async newVisitor(): Promise<string> {
    const res = await this.call('GET', '/v1/websites', { 'X-Public-Key': this.app.keys.publicKey });
    return res.body.visitor.id;
  }
}

export const AGENT = { agent: DEFAULT_AGENT_ID };

export interface Frame {
  type: string;
  payload: any;
}

/** A WebSocket client that records every frame and can wait for one. */
export class SocketClient {
  readonly frames: Frame[] = [];
  readonly texts: string[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.texts.push(text);
      try {
        this.frames.push(JSON.parse(text) as Frame);
      } catch {
        // `pong` is plain text
      }
      for (const wake of this.waiters) wake();
    });
  }

  /** `query`: more of the URL's query (`&resume=…`). */
  static open(app: Pick<RunningApp, 'url' | 'keys'>, who: Who, headers: Record<string, string> = {}, query = ''): Promise<SocketClient> {
    const base = app.url.replace(/^http/, 'ws');
    const credentials =
      'visitorId' in who
        ? `publicKey=${encodeURIComponent(app.keys.publicKey)}&visitorId=${encodeURIComponent(who.visitorId)}`
        : 'memberToken' in who
          ? `token=${encodeURIComponent(who.memberToken)}`
          : `token=${encodeURIComponent(app.keys.secretKey)}${who.agent ? `&actorUserId=${encodeURIComponent(who.agent)}` : ''}`;
    const ws = new WebSocket(`${base}/ws?${credentials}${query}`, { headers });
    const client = new SocketClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      client.waitFor((f) => f.type === 'CONNECTION_ESTABLISHED').then(() => resolve(client), reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  of(type: string, where: (payload: any) => boolean = () => true): Frame[] {
    return this.frames.filter((f) => f.type === type && where(f.payload));
  }

  /** Resolves with the first recorded frame matching, waiting up to `timeoutMs`. */
  waitFor(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.find(match);
        if (!found) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(found);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        reject(new Error(`timed out waiting for a frame; got ${this.frames.map((f) => f.type).join(', ')}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(wake);
    });
  }

  itemFrame(itemId: string, timeoutMs?: number): Promise<Frame> {
    return this.waitFor((f) => f.type === 'timelineItemCreated' && f.payload.item.id === itemId, timeoutMs);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/**
 * Attempts a WebSocket upgrade of `path`; resolves with the refusal's status and Retry-After (an HTTP
 * answer, or a socket the server closes at once with 4000 + the status), or 101 when it is connected.
 */
export function upgrade(running: Pick<RunningApp, 'url'>, path: string, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter?: string; error?: { code: string; message: string } }> {
  const ws = new WebSocket(`${running.url.replace(/^http/, 'ws')}${path}`, { headers });
  return new Promise((resolve, reject) => {
    let error: { code: string; message: string } | undefined;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; payload: { code: string; message: string } };
      if (frame.type === 'error') error = frame.payload;
      if (frame.type !== 'CONNECTION_ESTABLISHED') return;
      ws.close();
      resolve({ status: 101 });
    });
    ws.once('close', (code) => resolve({ status: code >= 4000 ? code - 4000 : code, ...(error ? { error } : {}) }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
      res.resume();
    });
    ws.once('error', (err) => reject(err));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads until `ok` holds or the time is up; returns the last value read (the test asserts on it). */
export async function waitUntil<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await sleep(50);
  }
}
