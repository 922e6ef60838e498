/** One WebSocket of an authenticated caller: bounded sends, heartbeat state, resume state. */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { AppError } from '../../domain/errors';
import type { Caller } from '../caller';
import type { SocketPresence } from '../schemas/realtime';
import type { ServerEvent } from './events';
import { ResumeGate } from './resume';

/** Close code for a consumer that cannot keep up (RFC 6455 "try again later"). */
const CLOSE_SLOW_CONSUMER = 1013;

/** A serialized text frame; the hub encodes a frame once for all the sockets it goes to. */
export type Frame = string | Buffer;

export class Connection {
  readonly id = `c_${randomUUID()}`;
  readonly resume = new ResumeGate();
  /** Cleared when a ping goes out, set again by the pong; a ping finding it clear ends the socket. */
  alive = true;
  /** Conversations this socket last said it is typing in: told stopped when it closes. */
  readonly typingIn = new Set<string>();
  /** How many resumes of its connect URL it took (CONNECTION_ESTABLISHED says, so a client knows this server takes them). */
  resumedAtConnect = 0;

  constructor(
    readonly ws: WebSocket,
    public caller: Caller,
    private readonly maxBufferedBytes: number,
    private readonly log: Logger,
    /** `off`: its person is not made online by it (`?presence=off`, server/schemas/realtime.ts). */
    readonly presence: SocketPresence = 'on',
  ) {}

  get websiteId(): string {
    return this.caller.website.id;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  private corked = false;
  /** What the socket still held from earlier turns when this turn's first frame was sent. */
  private backlog = 0;

  /**
   * Sends a serialized frame; a socket whose unsent backlog from earlier turns passes the limit is
   * closed instead. Frames of the current turn do not count: they are held until the turn ends, and a
   * large change-stream batch (a contact's conversations, linked at once) would otherwise close a
   * client that reads as fast as it can.
   */
  send(frame: Frame): void {
    if (!this.isOpen) return;
    if (!this.corked) this.backlog = this.ws.bufferedAmount;
    if (this.backlog > this.maxBufferedBytes) {
      this.log.warn({ connectionId: this.id, bufferedAmount: this.ws.bufferedAmount }, 'closing slow websocket consumer');
      this.ws.close(CLOSE_SLOW_CONSUMER, 'slow consumer');
      return;
    }
    this.holdUntilNextTurn();
    this.ws.send(frame, { binary: false });
  }

  /**
   * Frames sent in one turn of the event loop leave in one write: under load a change-stream batch
   * brings many items at once, and one syscall per frame was the server's largest single cost.
   * `ws` writes through its underlying socket (`_socket`, which it does not expose otherwise);
   * uncorking after the turn flushes everything in order.
   */
  private holdUntilNextTurn(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (!socket) return;
    this.corked = true;
    socket.cork();
    setImmediate(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  sendEvent(event: ServerEvent): void {
    this.send(JSON.stringify(event));
  }

  /**
   * An `error` frame, with the error's `details` as a REST answer has them (the failing fields of a
   * `400`, when to retry a `429`); `ref`: the client's name for the frame that caused it, if it gave one.
   */
  sendError(err: AppError, ref?: string): void {
    this.sendEvent(errorEvent(err, ref));
  }
}

/** The `error` frame of an error: its code, message and `details`, and the client's `ref` for the frame that caused it. */
export function errorEvent({ code, message, details }: AppError, ref?: string): ServerEvent {
  return { type: 'error', payload: { code, message, ...(details === undefined ? {} : { details }), ...(ref === undefined ? {} : { ref }) } };
}
