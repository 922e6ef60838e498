/**
 * The sockets each visitor holds open on this instance, capped: a visitor id costs nothing to make
 * up, but every socket holds memory and is sent every event of its visitor's conversations, so one
 * visitor opening sockets without end would cost the instance without end. Team members' sockets
 * are not counted (they are the website's own, with its secret key or a member token).
 */
import type { Caller } from '../caller';

const keyOf = (caller: Caller): string | undefined => (caller.kind === 'visitor' ? `${caller.website.id}/${caller.visitorId}` : undefined);

export class VisitorSockets {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Whether the caller may open one more socket. */
  hasRoom(caller: Caller): boolean {
    const key = keyOf(caller);
    return key === undefined || (this.open.get(key) ?? 0) < this.max;
  }

  /** A socket of the caller opened. */
  opened(caller: Caller): void {
    const key = keyOf(caller);
    if (key !== undefined) this.open.set(key, (this.open.get(key) ?? 0) + 1);
  }

  /** A socket of the caller closed (its visitor and website are those it opened with, whatever contact it was linked to since). */
  closed(caller: Caller): void {
    const key = keyOf(caller);
    if (key === undefined) return;
    const left = (this.open.get(key) ?? 1) - 1;
    if (left > 0) this.open.set(key, left);
    else this.open.delete(key);
  }
}
