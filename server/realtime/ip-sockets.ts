/**
 * The sockets each client IP holds open on this instance, capped. A visitor id costs nothing to
 * make up, so the cap per visitor alone let one address open sockets until the process ran out of
 * file descriptors (each also leaving a visitor record and telling the team it came and went). A
 * connection is counted from the moment its upgrade arrives, before its credentials are looked up,
 * so a refusal costs no store read or write and upgrades arriving together cannot all pass the
 * check before any is counted; and until its TCP socket closes, whatever ended it (a close, a
 * refusal, a handshake that never completed), as it holds a file descriptor until then.
 */
import type { Duplex } from 'node:stream';

export class IpSockets {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts `socket` against `ip` until it closes; false, counting nothing, when `ip` already holds `max`. */
  take(ip: string, socket: Duplex): boolean {
    const held = this.open.get(ip) ?? 0;
    if (held >= this.max) return false;
    this.open.set(ip, held + 1);
    socket.once('close', () => {
      const left = (this.open.get(ip) ?? 1) - 1;
      if (left > 0) this.open.set(ip, left);
      else this.open.delete(ip);
    });
    return true;
  }
}
