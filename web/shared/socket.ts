/**
 * The realtime connection a page keeps open: reconnects by itself with backoff, and on every
 * (re)connect asks the server to `resume` each conversation the page holds after the seq through
 * which it surely has every item (`resumePoints`), so no item is missed; the page's Timeline drops
 * the duplicates. The resumes go in the connect URL (`?resume=`), so the server begins them before
 * it relays anything live.
 * A connection can die without closing (a network gone, a laptop asleep); besides the heartbeat,
 * which notices within two of its periods, the browser's word is taken at once: `offline` lets the
 * connection go, `online` and the page shown again connect at once if it is down, and if it seems
 * up, ping it and let it go unless it answers within `probeMs`. An attempt is connected only once
 * the server says so (`CONNECTION_ESTABLISHED`): one it closes at once (too many sockets, an
 * outage) backs off further, and one that hangs is given up after `connectTimeoutMs`.
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
/** And at most this many bytes of them, so the URL stays under what proxies take (nginx: 8 KiB a line). */
const MAX_URL_RESUME_BYTES = 4_096;

/** The resume points that go in the connect URL: the first ones, within both bounds. */
function urlResumesOf(points: readonly ResumePoint[]): ResumePoint[] {
  const taken: ResumePoint[] = [];
  let bytes = 0;
  for (const point of points) {
    bytes += `&resume=${encodeURIComponent(`${point.conversationId}:${point.afterSeq}`)}`.length;
    if (taken.length === MAX_URL_RESUMES || bytes > MAX_URL_RESUME_BYTES) break;
    taken.push(point);
  }
  return taken;
}

export interface RealtimeSocketOptions {
  url: string;
  /** Subprotocols to offer (an agent's key, kept out of the URL: ApiClient.socketProtocols). */
  protocols?: string[];
  /**
   * The URL with the key in it, no subprotocols: tried once when a connection offering the key as a
   * subprotocol is refused (`4401`), in case the server is of a version before them (met during a
   * rolling deploy); only its refusal too counts as for good.
   */
  urlWithKey?: string;
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
  /** How long a ping sent to check a connection (the network back, the page shown again) may wait for its answer. */
  probeMs?: number;
  /** How long an attempt may take until the server says it is connected, before it is given up and retried. */
  connectTimeoutMs?: number;
}

export class RealtimeSocket {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private everEstablished = false;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private lastHeard = 0;
  /** This attempt's resume points: those in its URL, and the rest, sent as frames once it opens. */
  private inUrl: readonly ResumePoint[] = [];
  private resumesToSend: readonly ResumePoint[] = [];
  /** Connecting with `urlWithKey`, after the subprotocol's key was refused. */
  private keyInUrl = false;

  constructor(private readonly options: RealtimeSocketOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('offline', this.wentOffline);
    window.addEventListener('online', this.checkNow);
    document.addEventListener('visibilitychange', this.shownAgain);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('offline', this.wentOffline);
    window.removeEventListener('online', this.checkNow);
    document.removeEventListener('visibilitychange', this.shownAgain);
    clearTimeout(this.retryTimer);
    this.letGo();
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
    const url = new URL(this.keyInUrl && this.options.urlWithKey ? this.options.urlWithKey : this.options.url);
    const points = this.options.resumePoints();
    this.inUrl = urlResumesOf(points);
    for (const { conversationId, afterSeq } of this.inUrl) url.searchParams.append('resume', `${conversationId}:${afterSeq}`);
    this.resumesToSend = points.slice(this.inUrl.length);
    const socket = new WebSocket(url, this.keyInUrl ? [] : (this.options.protocols ?? []));
    this.socket = socket;
    socket.addEventListener('open', () => this.opened(socket));
    socket.addEventListener('message', (event) => {
      if (socket === this.socket) this.received(event.data);
    });
    socket.addEventListener('close', (event) => this.closed(socket, event.code, event.reason));
    // A hung attempt (a laptop waking on another network) would otherwise never open nor close.
    this.connectTimer = setTimeout(() => {
      if (socket === this.socket) this.dropAndRetry();
    }, this.options.connectTimeoutMs ?? 10_000);
  }

  private opened(socket: WebSocket): void {
    if (socket !== this.socket) return;
    this.lastHeard = Date.now();
    this.startHeartbeat();
    for (const point of this.resumesToSend) this.resume(point);
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
    if (frame.type === 'CONNECTION_ESTABLISHED') this.established(frame.payload.resumed);
    this.options.onFrame(frame);
  }

  /**
   * Connected: not on `open`, as a server may accept the upgrade and close at once (a visitor over
   * their socket cap, `4429`), which must back off further rather than start again, refreshing the
   * page each time. The server took `resumed` of the URL's resumes (undefined: a server of a
   * version before them, which took none): the others go as frames.
   */
  private established(resumed: number | undefined): void {
    clearTimeout(this.connectTimer);
    this.attempt = 0;
    this.keyInUrl = false;
    this.options.onStatus?.('open');
    for (const point of this.inUrl.slice(resumed ?? 0)) this.resume(point);
    if (this.everEstablished) this.options.onReconnect?.();
    this.everEstablished = true;
  }

  private closed(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.letGo();
    if (this.stopped) return;
    if (code === 4401 && !this.keyInUrl && this.options.urlWithKey && this.options.protocols?.length) {
      this.keyInUrl = true;
      this.connect();
      return;
    }
    if (CLOSED_FOR_GOOD.has(code)) {
      this.stop();
      this.options.onRevoked?.(reason);
      return;
    }
    this.retryLater();
  }

  /** Offline until the next attempt, after a backoff. */
  private retryLater(): void {
    this.options.onStatus?.('offline');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.options.backoff ?? DEFAULT_BACKOFF));
  }

  /** A connection that died without a close: dropped, and tried again after a backoff. */
  private dropAndRetry(): void {
    this.letGo();
    this.retryLater();
  }

  /** Drops the connection without waiting for its close, which a dead one may not send for minutes (the close, if it comes, is ignored). */
  private letGo(): void {
    const socket = this.socket;
    this.socket = undefined;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    socket?.close();
  }

  private startHeartbeat(): void {
    const every = this.options.heartbeatMs ?? 20_000;
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastHeard <= 2 * every) this.socket?.send('ping');
      else this.dropAndRetry();
    }, every);
  }

  /** Pings, and lets the connection go and connects again unless something is heard within `probeMs`. */
  private probe(): void {
    if (this.probeTimer !== undefined) return;
    const socket = this.socket;
    const sentAt = Date.now();
    socket?.send('ping');
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      if (socket !== this.socket || this.lastHeard >= sentAt) return;
      this.letGo();
      this.connect();
    }, this.options.probeMs ?? 4_000);
  }

  /** No network, so no connection, whatever the socket says: offline at once, not when the heartbeat notices. */
  private readonly wentOffline = (): void => {
    if (!this.stopped && this.socket) this.dropAndRetry();
  };

  /** The connection may be gone (the network is back, the page was asleep): check it if open, connect at once if waiting to retry. */
  private readonly checkNow = (): void => {
    if (this.stopped) return;
    if (this.isOpen) this.probe();
    else if (!this.socket) {
      clearTimeout(this.retryTimer);
      this.connect();
    }
  };

  private readonly shownAgain = (): void => {
    if (document.visibilityState === 'visible') this.checkNow();
  };
}
