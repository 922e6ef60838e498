import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, type Beating } from '../../../server/realtime/heartbeat';

const INTERVAL_MS = 1_000;

/** A socket that records its pings and, unless silent, answers each one. */
function socket(silent = false) {
  const conn: Beating & { pings: number[]; terminated: boolean } = {
    pings: [],
    terminated: false,
    alive: true,
    ws: {
      ping: () => {
        conn.pings.push(Date.now());
        if (!silent) conn.alive = true;
      },
      terminate: () => {
        conn.terminated = true;
      },
    },
  };
  return conn;
}

describe('Heartbeat', () => {
  let sockets: Set<ReturnType<typeof socket>>;
  let heartbeat: Heartbeat<ReturnType<typeof socket>>;
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    sockets = new Set();
    heartbeat = new Heartbeat(INTERVAL_MS, sockets);
  });
  afterEach(() => {
    heartbeat.stop();
    vi.useRealTimers();
  });

  it('pings every socket once an interval, a slice at a time, never all at once', () => {
    const all = Array.from({ length: 50 }, () => socket());
    for (const s of all) sockets.add(s);
    vi.advanceTimersByTime(3 * INTERVAL_MS);
    for (const s of all) expect(s.pings).toHaveLength(3);
    const perInstant = new Map<number, number>();
    for (const at of all.flatMap((s) => s.pings)) perInstant.set(at, (perInstant.get(at) ?? 0) + 1);
    expect(Math.max(...perInstant.values())).toBe(5);
    expect(new Set(all.map((s) => s.pings[0])).size).toBe(10);
  });

  it('ends a socket that did not answer its last ping at its next turn, and only that one', () => {
    const [silent, answering] = [socket(true), socket()];
    sockets.add(silent);
    sockets.add(answering);
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(silent.pings).toHaveLength(1);
    expect(silent.terminated).toBe(false);
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(silent.terminated).toBe(true);
    expect(silent.pings).toHaveLength(1);
    expect(answering.terminated).toBe(false);
    expect(answering.pings).toHaveLength(2);
  });

  it('stops pinging a socket once it has left the collection', () => {
    const gone = socket();
    sockets.add(gone);
    vi.advanceTimersByTime(INTERVAL_MS);
    sockets.delete(gone);
    vi.advanceTimersByTime(3 * INTERVAL_MS);
    expect(gone.pings).toHaveLength(1);
  });
});
