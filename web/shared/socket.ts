/**
 * The realtime connection a page keeps open: reconnects by itself with backoff, and on every
 * (re)connect asks the server to `resume` each conversation the page holds after the last seq it
 * has, so no item is missed; the page's Timeline drops the duplicates. The resumes go in the
 * connect URL (`?resume=`), so the server begins them before it relays anything live.
 */
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { ClientFrame, ServerFrame } from './wire';

export type SocketStatus = 'connecting' | 'open' | 'offline';

export interface ResumePoint {
  conversationId: string;
  afterSeq: number;
}

/**
 * Close codes after which connecting again cannot help: a team member removed from the team
 * (server/realtime/change-feed.ts), and credentials or an origin refused (4000 + 400, 401 or 403,
 * server/realtime/socket-server.ts). Others (an outage, a server error) are retried.
 */
const CLOSED_FOR_GOOD: ReadonlySet<number> = new Set([4003, 4400, 4401, 4403]);

/** Resumes the server takes in a connect URL (server/schemas/realtime.ts); more are sent as frames once open. */
const MAX_URL_RESUMES = 100;

export interface RealtimeSocketOptions {
  url: string;
  /** Subprotocols to offer (an agent's key, kept out of the URL: ApiClient.socketProtocols). */
  protocols?: string[];
  onFrame(frame: ServerFrame): void;
  /** Where to resume from; asked on every (re)connect. */
  resumePoints(): readonly ResumePoint[];
  /** Called after a reconnect (not the first connect): a page refreshes what the gap may have changed. */
  onReconnect?(): void;
  onStatus?(status: SocketStatus): void;
  /** The server closed the socket because its caller may not connect (removed from the team, credentials refused): it does not reconnect. */
  onRevoked?(reason: string): void;
  backoff?: BackoffOptions;
  /** A connection silent for this long is presumed dead (the server answers our pings). */
  heartbeatMs?: number;
}

export class RealtimeSocket {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private everOpened = false;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  /** Resumes that did not fit in the connect URL: sent as frames once it opens. */
  private resumesToSend: readonly ResumePoint[] = [];

  constructor(private readonly options: RealtimeSocketOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.reconnectNow);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.reconnectNow);
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeatTimer);
    this.socket?.close();
    this.socket = undefined;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame if connected; returns false when it could not (ephemeral frames may be dropped). */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen) return false;
    this.socket?.send(JSON.stringify(frame));
    return true;
  }

  /** Asks for every item of a conversation after `afterSeq` (used on connect, and when a page starts holding one). */
  resume(point: ResumePoint): boolean {
    return this.send({ type: 'resume', payload: point });
  }

  private connect(): void {
    this.options.onStatus?.('connecting');
    const url = new URL(this.options.url);
    const points = this.options.resumePoints();
    for (const { conversationId, afterSeq } of points.slice(0, MAX_URL_RESUMES)) url.searchParams.append('resume', `${conversationId}:${afterSeq}`);
    this.resumesToSend = points.slice(MAX_URL_RESUMES);
    const socket = new WebSocket(url, this.options.protocols ?? []);
    this.socket = socket;
    socket.addEventListener('open', () => this.opened(socket));
    socket.addEventListener('message', (event) => this.received(event.data));
    socket.addEventListener('close', (event) => this.closed(socket, event.code, event.reason));
  }

  private opened(socket: WebSocket): void {
    if (socket !== this.socket) return;
    this.attempt = 0;
    this.lastHeard = Date.now();
    this.startHeartbeat();
    this.options.onStatus?.('open');
    for (const point of this.resumesToSend) this.resume(point);
    if (this.everOpened) this.options.onReconnect?.();
    this.everOpened = true;
  }

  private received(data: unknown): void {
    this.lastHeard = Date.now();
    if (typeof data !== 'string' || data === 'pong') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    this.options.onFrame(frame);
  }

  private closed(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    clearInterval(this.heartbeatTimer);
    this.socket = undefined;
    if (this.stopped) return;
    if (CLOSED_FOR_GOOD.has(code)) {
      this.stop();
      this.options.onRevoked?.(reason);
      return;
    }
    this.options.onStatus?.('offline');
    this.retryTimer = setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.options.backoff ?? DEFAULT_BACKOFF));
  }

  private startHeartbeat(): void {
    const every = this.options.heartbeatMs ?? 20_000;
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > 2 * every) this.socket?.close();
      else this.socket?.send('ping');
    }, every);
  }

  private readonly reconnectNow = (): void => {
    if (this.stopped || this.socket) return;
    clearTimeout(this.retryTimer);
    this.connect();
  };
}
