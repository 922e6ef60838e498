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
  /** Each socket's turn, given the first time a beat meets it (round robin). */
  private readonly turnOf = new WeakMap<C, number>();
  private met = 0;
  private turn = 0;
  private readonly timer: NodeJS.Timeout;

  /** `sockets` is read at every beat: a socket leaves the heartbeat by leaving that collection. */
  constructor(
    intervalMs: number,
    private readonly sockets: Iterable<C>,
  ) {
    this.timer = setInterval(() => this.beat(), intervalMs / SLICES);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    const turn = this.turn++ % SLICES;
    for (const conn of this.sockets) {
      let own = this.turnOf.get(conn);
      if (own === undefined) this.turnOf.set(conn, (own = this.met++ % SLICES));
      if (own !== turn) continue;
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }
}
