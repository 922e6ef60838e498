/**
 * `/ws` on the HTTP server: authenticates the upgrade from query parameters, frames the protocol
 * (`ping`/`pong`, JSON `{type, payload}`), keeps sockets alive with ws-level heartbeats and hands
 * parsed client frames to `onFrame`, one at a time per connection.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { AppError } from '../../domain/errors';
import { fieldIssuesOf } from '../../plugins/errors';
import { credentialsFromQuery, onlyValue, type Credentials } from '../auth';
import { clientIpOf, ipLimitKey, proxyTrust, type TrustProxy } from '../client-ip';
import type { Caller } from '../caller';
import { httpStatusOf, invalidField, rawErrorAnswer, toAppError } from '../http-errors';
import { TokenBuckets, type RateLimitOptions, type TakeResult } from '../rate-limit';
import { clientFrame, connectResume, frameRef, MAX_CONNECT_RESUMES, socketPresence, type ClientFrame, type ResumeFrame, type SocketPresence } from '../schemas/realtime';
import { Connection, errorEvent } from './connection';
import { parseInput } from '../schemas/parse';
import { handshakeFault } from './handshake';
import { Heartbeat } from './heartbeat';
import { IpSockets } from './ip-sockets';
import { VisitorSockets } from './visitor-sockets';

export interface SocketServerOptions {
  heartbeatMs: number;
  maxBufferedBytes: number;
  maxFrameBytes: number;
  /** Per socket for the team; shared by all of a visitor's sockets (more tabs are no more frames). */
  frameRate: RateLimitOptions;
  /** The per-IP limit of REST calls: an upgrade and every frame cost one of its tokens. */
  ipBuckets: TokenBuckets;
  /** Whose `X-Forwarded-For` names the IP an upgrade is charged to, as for REST calls. */
  trustProxy: TrustProxy;
  /** Sockets one visitor may hold open at once on this instance; one more is refused (4429). */
  maxSocketsPerVisitor: number;
  /** Sockets one client IP may hold open at once on this instance, the team's included; one more is refused (4429). */
  maxSocketsPerIp: number;
}

/** What a frame handled may spend beyond the token it paid as it arrived (a resume's backfill, by the page). */
export interface FrameBudget {
  /**
   * Takes one more token from the socket's (or its visitor's) frame budget and from its IP's,
   * waiting until both have one: false, having taken nothing, once the socket has closed.
   */
  take(): Promise<boolean>;
}

export interface SocketHandlers {
  authenticate(creds: Credentials): Promise<Caller>;
  onOpen(conn: Connection): void;
  onClose(conn: Connection): void;
  /** Called as each frame arrives, before it waits for the frames ahead of it. */
  onFrameArrived(conn: Connection, frame: ClientFrame): void;
  onFrame(conn: Connection, frame: ClientFrame, budget: FrameBudget): Promise<void>;
}

export interface SocketServer {
  readonly connections: ReadonlySet<Connection>;
  /** Closes every socket (1001 going away) and stops accepting new ones. */
  close(): Promise<void>;
  /** Asks every socket to reconnect (1012 service restart), so that its resume sends what it missed. */
  restartAll(): void;
}

const CLOSE_GOING_AWAY = 1001;
const CLOSE_SERVICE_RESTART = 1012;

/** The `ref` of a frame refused as invalid, when that much of it is well-formed. */
const refOf = (json: unknown): string | undefined => {
  const ref = frameRef.safeParse((json as { ref?: unknown } | null)?.ref);
  return ref.success ? ref.data : undefined;
};

/**
 * The subprotocol a browser offers to carry its key out of the URL: it offers `support.v1` and
 * `bearer.<secret key or member token>` (a page cannot set a socket's headers, but it can offer
 * subprotocols), and the server answers `support.v1` only, never echoing the key.
 */
const SUBPROTOCOL = 'support.v1';
const BEARER_PROTOCOL = 'bearer.';

/** The key a `bearer.` subprotocol carries, if the upgrade offered one (two are a `400`). */
function bearerFromProtocols(req: IncomingMessage): string | undefined {
  const offered = req.headers['sec-websocket-protocol']?.split(',').map((protocol) => protocol.trim()) ?? [];
  const keys = offered.filter((protocol) => protocol.startsWith(BEARER_PROTOCOL)).map((protocol) => protocol.slice(BEARER_PROTOCOL.length));
  return onlyValue(keys, 'headers.sec-websocket-protocol', 'one bearer. subprotocol');
}

/** Query parameters, the key from a `bearer.` subprotocol taking the place of `token` (another `token` beside it is a `400`). */
const credentialsOf = (req: IncomingMessage, url: URL): Credentials => {
  const fromQuery = credentialsFromQuery((name) => url.searchParams.getAll(name), { origin: req.headers.origin, host: req.headers.host });
  const bearer = bearerFromProtocols(req);
  if (bearer === undefined) return fromQuery;
  if (fromQuery.bearer !== undefined && fromQuery.bearer !== bearer) throw invalid('one key in the query and another in the bearer. subprotocol: send one', 'query.token');
  return { ...fromQuery, bearer };
};

function refuseUpgrade(socket: Duplex, err: unknown, headers: Record<string, string> = {}): void {
  socket.end(rawErrorAnswer(toAppError(err), headers));
}

/** Close codes of a refused connection: 4000 + the HTTP status (4400, 4401, 4403; a server error 4500 or 4503). */
export const refusalCloseCode = (status: number): number => 4000 + status;
const MAX_CLOSE_REASON_BYTES = 123;
/**
 * How long a refused socket waits for the client to answer its close frame before it is cut off.
 * A browser answers at once; ws would wait 30 s, so clients that never answer could keep that
 * many refused sockets (and their file descriptors) per second of upgrades they are allowed.
 */
const REFUSAL_CLOSE_WAIT_MS = 2_000;

/**
 * Refuses a caller the upgrade authenticated (bad or missing credentials, an origin not allowed, the
 * store unreachable) over the socket: the handshake completes, an `error` frame says why, and the
 * socket closes with `refusalCloseCode`. A browser is shown nothing of an HTTP answer to an upgrade
 * (only close 1006), so a page could not tell a rotated key from an outage and would retry for good.
 */
function refuseOverSocket(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, err: unknown): void {
  const appError = toAppError(err);
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.send(JSON.stringify(errorEvent(appError)));
    ws.close(refusalCloseCode(httpStatusOf(appError.code)), Buffer.from(appError.message).subarray(0, MAX_CLOSE_REASON_BYTES).toString().replace(/\uFFFD$/, ''));
    const cutOff = setTimeout(() => ws.terminate(), REFUSAL_CLOSE_WAIT_MS).unref();
    ws.once('close', () => clearTimeout(cutOff));
  });
}

/** Whose frame budget a socket spends: a visitor's, whatever its sockets, or the team member's socket's own. */
const frameBudgetOf = (conn: Connection): string =>
  conn.caller.kind === 'visitor' ? `visitor/${conn.caller.website.id}/${conn.caller.visitorId}` : `socket/${conn.id}`;

const OVERSIZE_READ_FACTOR = 4;

const byteLengthOf = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((sum, chunk) => sum + chunk.length, 0) : data.byteLength;

const bufferOf = (data: RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));

const invalid = (message: string, path = 'frame'): AppError => invalidField(path, message);

/** `ws` names the header it refuses in its message ("Invalid Sec-WebSocket-Protocol header"): the error's field names it too. */
const headerPathOf = (message: string): string => {
  const header = /Sec-WebSocket-[A-Za-z]+/i.exec(message)?.[0];
  return header ? `headers.${header.toLowerCase()}` : 'headers';
};

/** A frame that is JSON but not a client frame: every failing field named, the frame itself `frame` when it is no object. */
function invalidFrame(issues: Parameters<typeof fieldIssuesOf>[0]): AppError {
  const fields = fieldIssuesOf(issues).map(({ path, message }) => ({ path: path || 'frame', message }));
  return new AppError('ERR_INVALID_INPUT', `Invalid frame: ${fields.map(({ path, message }) => `${path}: ${message}`).join('; ')}`, { fields });
}

export function attachSocketServer(server: Server, handlers: SocketHandlers, options: SocketServerOptions, log: Logger): SocketServer {
  // Frames a little over the limit get an `error` frame and the socket stays open (the contract);
  // only a frame far over it (beyond what we agree to read at all) closes the socket with 1009.
  // A text frame that is not UTF-8 is a malformed frame like any other (an `error` frame, the
  // socket stays open), not a reason to close it with 1007 as ws would: checked in parseFrame.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes * OVERSIZE_READ_FACTOR,
    skipUTF8Validation: true,
    // Only ever `support.v1`: a `bearer.` one carries a key, which an answer must not repeat.
    handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const connections = new Set<Connection>();
  const heartbeat = new Heartbeat(options.heartbeatMs, connections);
  const frameBuckets = new TokenBuckets(options.frameRate);
  const visitorSockets = new VisitorSockets(options.maxSocketsPerVisitor);
  const ipSockets = new IpSockets(options.maxSocketsPerIp);
  const trust = proxyTrust(options.trustProxy);
  // What ws refuses that handshakeFault does not look for (a malformed Sec-WebSocket-Protocol):
  // answered as JSON too, rather than ws's text/html.
  wss.on('wsClientError', (err, socket) => refuseUpgrade(socket, invalid(err.message, headerPathOf(err.message))));

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const target = req.url ?? '/';
    if (!URL.canParse(target, 'http://localhost')) return refuseUpgrade(socket, new AppError('ERR_INVALID_INPUT', 'Malformed request target'));
    const fault = handshakeFault(req);
    if (fault) return refuseUpgrade(socket, fault.error, fault.headers);
    const url = new URL(target, 'http://localhost');
    if (url.pathname !== '/ws') return refuseUpgrade(socket, new AppError('ERR_NOT_FOUND', 'The WebSocket endpoint is /ws'));
    const ip = ipLimitKey(clientIpOf(req, trust));
    const taken = options.ipBuckets.take(ip);
    if (!taken.ok) {
      const { retryAfterSeconds } = taken;
      return refuseUpgrade(socket, new AppError('ERR_RATE_LIMITED', 'Too many requests', { retryAfterSeconds }), { 'Retry-After': String(retryAfterSeconds) });
    }
    if (!ipSockets.take(ip, socket)) {
      const message = `Too many sockets open from this address (at most ${ipSockets.max}): close one, or try again later`;
      return refuseOverSocket(wss, req, socket, head, new AppError('ERR_TOO_MANY_SOCKETS', message, { maxSockets: ipSockets.max }));
    }
    let caller: Caller;
    let presence: SocketPresence;
    try {
      ({ presence } = parseInput(socketPresence, { presence: url.searchParams.get('presence') ?? undefined }, 'query'));
      caller = await handlers.authenticate(credentialsOf(req, url));
    } catch (err) {
      return refuseOverSocket(wss, req, socket, head, err);
    }
    // A visitor's socket is the visitor being there: the team's `online` pill and its list say so.
    if (caller.kind === 'visitor' && presence === 'off') {
      return refuseOverSocket(wss, req, socket, head, invalid('presence=off is for team sockets: a visitor with the widget open is online', 'query.presence'));
    }
    // Counted as it opens, in this same turn (`ws` completes an upgrade at once), so upgrades that
    // authenticated together cannot all pass the check before any is counted.
    if (!visitorSockets.hasRoom(caller)) {
      const message = `Too many sockets open for this visitor (at most ${visitorSockets.max}): close one, or try again later`;
      return refuseOverSocket(wss, req, socket, head, new AppError('ERR_TOO_MANY_SOCKETS', message, { maxSockets: visitorSockets.max }));
    }
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, caller, ip, url.searchParams.getAll('resume'), presence));
  };

  /** `resumes`: the upgrade URL's `resume` parameters, begun before the socket hears anything live. */
  const open = (ws: WebSocket, caller: Caller, ip: string, resumes: string[], presence: SocketPresence) => {
    const conn = new Connection(ws, caller, options.maxBufferedBytes, log, presence);
    connections.add(conn);
    visitorSockets.opened(caller);
    let queue = Promise.resolve();
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (err) => log.debug({ err, connectionId: conn.id }, 'websocket error'));
    ws.on('close', () => {
      connections.delete(conn);
      visitorSockets.closed(caller);
      handlers.onClose(conn);
    });
    /** Typing frames waiting their turn, by conversation: a newer one takes the waiting one's place. */
    const waitingTyping = new Map<string, ClientFrame>();
    ws.on('message', (data, isBinary) => {
      const parsed = parseFrame(conn, ip, data, isBinary);
      if (!parsed) return;
      handlers.onFrameArrived(conn, parsed);
      const typingKey = parsed.type === 'conversationTyping' ? parsed.payload.conversationId : undefined;
      if (typingKey !== undefined) {
        const alreadyWaiting = waitingTyping.has(typingKey);
        waitingTyping.set(typingKey, parsed);
        if (alreadyWaiting) return;
      }
      queue = queue.then(() => {
        const frame = typingKey === undefined ? parsed : waitingTyping.get(typingKey)!;
        if (typingKey !== undefined) waitingTyping.delete(typingKey);
        return handle(frame);
      });
    });
    const budget: FrameBudget = { take: () => waitForFrameTokens(conn, ip) };
    const handle = (frame: ClientFrame): Promise<void> =>
      handlers.onFrame(conn, frame, budget).catch((err: unknown) => {
        const appError = toAppError(err);
        if (appError.code === 'ERR_INTERNAL') log.error({ err, connectionId: conn.id, frame: frame.type }, 'websocket frame failed');
        conn.sendError(appError, frame.ref);
      });
    // Before the socket is routed anything (onOpen): an item posted meanwhile waits for its backfill.
    const { frames, refusals } = urlResumes(conn, ip, resumes);
    conn.resumedAtConnect = frames.length;
    for (const frame of frames) {
      handlers.onFrameArrived(conn, frame);
      queue = queue.then(() => handle(frame));
    }
    handlers.onOpen(conn);
    for (const refusal of refusals) conn.sendError(refusal);
  };

  /**
   * The connect URL's resumes as frames: one per conversation (the last given), at most
   * MAX_CONNECT_RESUMES, each charged to the socket's and the IP's frame budgets as a resume frame
   * is. What is not taken is told in `error` frames once the socket is open; the socket stays. A
   * resume taken that then fails (a conversation not the caller's) is told with `ref` `query.resume.<index>`.
   */
  const urlResumes = (conn: Connection, ip: string, given: string[]): { frames: ClientFrame[]; refusals: AppError[] } => {
    const refusals: AppError[] = [];
    const byConversation = new Map<string, ResumeFrame>();
    given.forEach((value, index) => {
      const parsed = connectResume.safeParse(value);
      if (!parsed.success) {
        const message = parsed.error.issues[0]?.message ?? 'invalid';
        return void refusals.push(invalidField(`query.resume.${index}`, message, `query.resume.${index}: ${message}`));
      }
      byConversation.delete(parsed.data.payload.conversationId);
      // Its error frames name it as its refusals do: the client's name for this resume is where it put it.
      byConversation.set(parsed.data.payload.conversationId, { ...parsed.data, ref: `query.resume.${index}` });
    });
    const frames: ClientFrame[] = [];
    for (const frame of byConversation.values()) {
      if (frames.length === MAX_CONNECT_RESUMES) {
        refusals.push(invalid(`query.resume: at most ${MAX_CONNECT_RESUMES} conversations; send the others as resume frames`, 'query.resume'));
        break;
      }
      const taken = chargeFrame(conn, ip);
      if (!taken.ok) {
        const { retryAfterSeconds } = taken;
        refusals.push(new AppError('ERR_RATE_LIMITED', `Too many frames: resumes from ${frame.payload.conversationId} on were not taken; retry in ${retryAfterSeconds}s`, { retryAfterSeconds }));
        break;
      }
      frames.push(frame);
    }
    return { frames, refusals };
  };

  /** Takes a frame's token from the socket's (or its visitor's) budget and from its IP's, or from neither when one has none. */
  const chargeFrame = (conn: Connection, ip: string): TakeResult => {
    const own = frameBuckets.peek(frameBudgetOf(conn));
    const fromIp = own.ok ? options.ipBuckets.peek(ip) : own;
    if (!fromIp.ok) return fromIp;
    frameBuckets.take(frameBudgetOf(conn));
    return options.ipBuckets.take(ip);
  };

  const waitForFrameTokens = async (conn: Connection, ip: string): Promise<boolean> => {
    for (;;) {
      if (!conn.isOpen) return false;
      const taken = chargeFrame(conn, ip);
      if (taken.ok) return true;
      // Not keeping the process up: a socket closed meanwhile ends the wait at its next turn.
      await sleep(taken.retryAfterSeconds * 1_000, undefined, { ref: false });
    }
  };

  const parseFrame = (conn: Connection, ip: string, data: RawData, isBinary: boolean): ClientFrame | undefined => {
    const taken = chargeFrame(conn, ip);
    if (!taken.ok) {
      const { retryAfterSeconds } = taken;
      conn.sendError(new AppError('ERR_RATE_LIMITED', `Too many frames; retry in ${retryAfterSeconds}s`, { retryAfterSeconds }));
      return undefined;
    }
    if (byteLengthOf(data) > options.maxFrameBytes) {
      conn.sendError(new AppError('ERR_PAYLOAD_TOO_LARGE', `Frames are at most ${options.maxFrameBytes} bytes`));
      return undefined;
    }
    if (isBinary) {
      conn.sendError(invalid('Binary frames are not read: send text frames of JSON {type, payload, ref?}'));
      return undefined;
    }
    const bytes = bufferOf(data);
    if (!isUtf8(bytes)) {
      conn.sendError(invalid('Frames are UTF-8 text'));
      return undefined;
    }
    const text = bytes.toString();
    if (text === 'ping') {
      conn.send('pong');
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      conn.sendError(invalid('Frames are JSON text: {type, payload, ref?}'));
      return undefined;
    }
    const parsed = clientFrame.safeParse(json);
    if (!parsed.success) {
      conn.sendError(invalidFrame(parsed.error.issues), refOf(json));
      return undefined;
    }
    return parsed.data;
  };

  const upgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    void onUpgrade(req, socket, head).catch((err: unknown) => {
      log.error({ err }, 'websocket upgrade failed');
      socket.destroy();
    });
  server.on('upgrade', upgradeListener);

  return {
    connections,
    restartAll() {
      for (const conn of connections) conn.ws.close(CLOSE_SERVICE_RESTART, 'events may have been missed: reconnect and resume');
    },
    async close() {
      server.off('upgrade', upgradeListener);
      heartbeat.stop();
      const closed = [...connections].map(
        (conn) =>
          new Promise<void>((resolve) => {
            conn.ws.once('close', () => resolve());
            conn.ws.close(CLOSE_GOING_AWAY, 'server shutting down');
            setTimeout(() => {
              conn.ws.terminate();
              resolve();
            }, 2_000).unref();
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
