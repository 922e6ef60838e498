/**
 * Stops an HTTP server without resetting a keep-alive connection under a client's feet.
 *
 * Node's `server.close()` closes idle keep-alive connections at once, so a client that is sending
 * its next request on one at that moment meets a reset it cannot tell from a crash. Here, once
 * draining starts, every response (those already running included) says `Connection: close`, so a
 * busy connection ends after its answer and the client's next request opens a new connection,
 * which is refused. Connections that stay idle are closed only after a grace period, when a client
 * that was about to reuse one has had its request read.
 */
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { RequestHandler } from 'express';

const IDLE_SWEEP_MS = 50;

export class ConnectionDrain {
  private isDraining = false;
  private readonly running = new Set<ServerResponse>();

  /** Once `close` began: health checks answer 503 from then on. */
  get draining(): boolean {
    return this.isDraining;
  }

  /** First in the chain: answers after the drain began close their connection. */
  readonly middleware: RequestHandler = (_req, res, next) => {
    if (this.isDraining) res.setHeader('Connection', 'close');
    else {
      this.running.add(res);
      res.once('close', () => this.running.delete(res));
    }
    next();
  };

  /**
   * Stops accepting connections and resolves `'drained'` once every connection has ended, or
   * `'timeout'` when `deadline` settles first (the caller decides what to do with the rest).
   * Idle connections are closed from `idleGraceMs` on.
   */
  async close(server: Server, deadline: Promise<'timeout'>, idleGraceMs: number): Promise<'drained' | 'timeout'> {
    this.isDraining = true;
    for (const res of this.running) if (!res.headersSent) res.setHeader('Connection', 'close');
    this.running.clear();
    // net's close, not http's: http's would close the idle keep-alive connections right now.
    const closed = new Promise<'drained'>((resolve) => NetServer.prototype.close.call(server, () => resolve('drained')));
    let sweep: NodeJS.Timeout | undefined;
    const grace = setTimeout(() => {
      server.closeIdleConnections();
      sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    }, idleGraceMs);
    const outcome = await Promise.race([closed, deadline]);
    clearTimeout(grace);
    clearInterval(sweep);
    // http's close on the stopped server: it clears the timer that checks its connections' timeouts
    // (and emits 'close' a second time; nothing here listens for it).
    server.close();
    return outcome;
  }
}
