/**
 * ws-level heartbeats: every socket is pinged once per interval, and one that has not answered its
 * last ping by its next turn is ended. The sockets are pinged a slice at a time, spread over the
 * interval: pinging every socket in one tick, and reading all their pongs back at once, holds the
 * other frames back for a time that grows with the number of sockets.
 */
import type WebSocket from 'ws';

/** How many turns an interval is cut into; each socket has its turn in one of them. */
const SLICES = 10;

export interface Beating {
  readonly ws: Pick<WebSocket, 'ping' | 'terminate'>;
  /** Cleared when a ping goes out, set again by the pong. */
  alive: boolean;
}

export class Heartbeat<C extends Beating> {
  private readonly slices: Set<C>[] = Array.from({ length: SLICES }, () => new Set());
  private readonly sliceOf = new Map<C, Set<C>>();
  /** The slice the next socket joins (round robin, so slices stay even). */
  private joining = 0;
  private turn = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    this.timer = setInterval(() => this.beat(), intervalMs / SLICES);
    this.timer.unref();
  }

  add(conn: C): void {
    const slice = this.slices[this.joining++ % SLICES]!;
    slice.add(conn);
    this.sliceOf.set(conn, slice);
  }

  remove(conn: C): void {
    this.sliceOf.get(conn)?.delete(conn);
    this.sliceOf.delete(conn);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    for (const conn of this.slices[this.turn++ % SLICES]!) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }
}
