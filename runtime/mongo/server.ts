// The socket side: accepts connections on a Unix domain socket (socket-place.ts says where and
// why), cuts the byte stream into wire messages, runs each command and writes the reply. A bad
// frame only ever costs its own connection.
import fs from 'node:fs';
import net from 'node:net';
import { Long, ObjectId, type Document } from 'bson';
import { runCommand } from './commands';
import { isAwaitableHello } from './commands/handshake';
import type { CommandContext, ServerIdentity } from './commands/context';
import type { CursorRegistry } from './cursors';
import type { Engine } from './engine';
import { RefusedWritesLog, refusesWrites } from './refused-writes-log';
import { HEADER_SIZE, MAX_MESSAGE_SIZE, messageId, parseMessage, peekMessageLength, serializeReply, WireError, type WireRequest } from './wire';

export interface Logger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export class WireServer {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();
  private readonly closing = new AbortController();
  private nextConnectionId = 1;
  private identity!: ServerIdentity;
  private readonly refusedWrites: RefusedWritesLog;

  constructor(
    private readonly engine: Engine,
    private readonly cursors: CursorRegistry,
    private readonly logger?: Logger,
  ) {
    this.refusedWrites = new RefusedWritesLog(logger);
  }

  /** Listens on the Unix socket `socketPath` (absolute), made 0600. */
  async listen(socketPath: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => resolve());
    });
    // Its folder already keeps others out; the file's own mode says so too (bind gives it the umask's).
    try {
      fs.chmodSync(socketPath, 0o600);
    } catch (error) {
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      throw error;
    }
    this.identity = {
      // The member's name in hello (hosts, me, primary): the address the driver reached it at, the
      // socket path as the driver writes a socket's address.
      host: socketPath,
      topologyVersion: { processId: new ObjectId(), counter: Long.fromNumber(0) },
      startedAt: new Date(),
    };
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    const connectionId = this.nextConnectionId++;
    const closed = new AbortController();
    const signal = AbortSignal.any([closed.signal, this.closing.signal]);
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      for (;;) {
        const length = peekMessageLength(buffered);
        if (length === undefined) break;
        if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) {
          this.logger?.warn({ connectionId, length }, 'embedded mongo: invalid message length, closing connection');
          socket.destroy();
          return;
        }
        if (buffered.length < length) break;
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        this.handle(socket, connectionId, signal, message);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      closed.abort();
    });
  }

  private handle(socket: net.Socket, connectionId: number, signal: AbortSignal, message: Buffer): void {
    let request: WireRequest;
    try {
      request = parseMessage(message);
    } catch (error) {
      const reason = error instanceof WireError ? error.message : String(error);
      this.logger?.warn({ connectionId, reason }, 'embedded mongo: malformed message, closing connection');
      socket.destroy();
      return;
    }
    const context = { engine: this.engine, cursors: this.cursors, server: this.identity, connectionId, signal, db: request.db, command: request.command };
    void this.answer(socket, connectionId, request, context);
  }

  /**
   * Runs the command and writes its reply. An awaitable hello that allows exhaust is the driver's
   * streaming server monitoring: it is answered again after every wait, each reply flagged
   * moreToCome and answering the one before, until the connection closes. (A plain reply there
   * makes the driver declare the server unknown and clear its connection pool.)
   */
  private async answer(socket: net.Socket, connectionId: number, request: WireRequest, context: Omit<CommandContext, 'txn'>): Promise<void> {
    const streamed = request.exhaustAllowed && isAwaitableHello(request.command);
    let answering: Pick<WireRequest, 'requestId' | 'opCode'> = request;
    for (;;) {
      const reply = await runCommand(context);
      const command = Object.keys(request.command)[0] ?? '';
      if (refusesWrites(reply)) this.refusedWrites.note(command);
      else if (reply.code === 1) this.logger?.error({ connectionId, command, errmsg: reply.errmsg }, 'embedded mongo: internal error');
      if (request.moreToCome || socket.destroyed) return;
      const more = streamed && reply.ok === 1 && !context.signal.aborted;
      let message: Buffer;
      try {
        message = serializeReply(answering, reply, more);
      } catch (error) {
        this.logger?.error({ connectionId, err: String(error) }, 'embedded mongo: could not serialize reply');
        socket.destroy();
        return;
      }
      socket.write(message);
      if (!more) return;
      answering = { requestId: messageId(message), opCode: request.opCode };
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
