import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeSocket, type ResumePoint } from '../../../web/shared/socket';
import { FakeTarget } from './fake-target';

/** A WebSocket the test drives: it records what the page asked for and sent. */
class FakeSocket {
  static made: FakeSocket[] = [];
  static readonly OPEN = 1;
  readyState = 0;
  readonly sent: unknown[] = [];
  private readonly listeners = new Map<string, Array<(event: unknown) => void>>();

  constructor(
    readonly url: URL,
    readonly protocols: string[],
  ) {
    FakeSocket.made.push(this);
  }

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(data === 'ping' ? data : JSON.parse(data));
  }

  close(): void {
    this.emit('close', { code: 1000, reason: '' });
  }

  emit(type: string, event: unknown = {}): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }

  established(resumed?: number): void {
    this.emit('message', { data: JSON.stringify({ type: 'CONNECTION_ESTABLISHED', payload: { connectionId: 'c', ...(resumed === undefined ? {} : { resumed }) } }) });
  }
}

const resumesOf = (socket: FakeSocket) => socket.url.searchParams.getAll('resume');
const framesOf = (socket: FakeSocket) => socket.sent.map((frame) => (frame as { payload: ResumePoint }).payload.conversationId);

describe('RealtimeSocket', () => {
  let win: FakeTarget;
  let doc: FakeTarget;
  beforeEach(() => {
    FakeSocket.made = [];
    win = new FakeTarget();
    doc = new FakeTarget();
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('window', win);
    vi.stubGlobal('document', doc);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  const points = (count: number, idLength = 8): ResumePoint[] => Array.from({ length: count }, (_, i) => ({ conversationId: `${i}`.padStart(idLength, 'c'), afterSeq: i }));

  it('resumes in the connect URL within 100 conversations and 4 KiB, the rest as frames once open', () => {
    const socket = new RealtimeSocket({ url: 'ws://x/ws?publicKey=pk', onFrame: () => undefined, resumePoints: () => points(120, 20) });
    socket.start();
    const [ws] = FakeSocket.made;
    const inUrl = resumesOf(ws!);
    expect(inUrl.length).toBeLessThan(120);
    expect(ws!.url.search.length).toBeLessThan(4_200);
    expect(inUrl[0]).toBe(`${'0'.padStart(20, 'c')}:0`);
    ws!.emit('open');
    expect(framesOf(ws!)).toEqual(points(120, 20).slice(inUrl.length).map((p) => p.conversationId));
    socket.stop();
  });

  it('sends as frames the URL resumes a server did not take (one of a version before them says nothing of them)', () => {
    const held = points(3);
    const socket = new RealtimeSocket({ url: 'ws://x/ws', onFrame: () => undefined, resumePoints: () => held });
    socket.start();
    const [ws] = FakeSocket.made;
    ws!.emit('open');
    ws!.established(3);
    expect(ws!.sent).toEqual([]);
    socket.stop();

    const old = new RealtimeSocket({ url: 'ws://x/ws', onFrame: () => undefined, resumePoints: () => held });
    old.start();
    const oldWs = FakeSocket.made.at(-1)!;
    oldWs.emit('open');
    oldWs.established(undefined);
    expect(framesOf(oldWs)).toEqual(held.map((p) => p.conversationId));
    old.stop();
  });

  it('tries the key in the URL once when the subprotocol key is refused, and gives up when that is refused too', () => {
    const revoked: string[] = [];
    const socket = new RealtimeSocket({
      url: 'ws://x/ws?actorUserId=a',
      protocols: ['support.v1', 'bearer.sk_key'],
      urlWithKey: 'ws://x/ws?token=sk_key&actorUserId=a',
      onFrame: () => undefined,
      resumePoints: () => [],
      onRevoked: (reason) => revoked.push(reason),
    });
    socket.start();
    FakeSocket.made[0]!.emit('close', { code: 4401, reason: 'Unknown secret key' });
    const second = FakeSocket.made[1]!;
    expect(second.protocols).toEqual([]);
    expect(second.url.searchParams.get('token')).toBe('sk_key');
    expect(revoked).toEqual([]);
    second.emit('close', { code: 4401, reason: 'Unknown secret key' });
    expect(revoked).toEqual(['Unknown secret key']);
    expect(FakeSocket.made).toHaveLength(2);
  });

  it('says offline and lets the connection go when the browser goes offline, and connects at once, resuming, when it is back', () => {
    const statuses: string[] = [];
    const socket = new RealtimeSocket({ url: 'ws://x/ws', onFrame: () => undefined, resumePoints: () => points(1), onStatus: (status) => statuses.push(status) });
    socket.start();
    FakeSocket.made[0]!.emit('open');
    win.fire('offline');
    expect(FakeSocket.made[0]!.readyState).toBe(3);
    expect(statuses.at(-1)).toBe('offline');
    win.fire('online');
    expect(FakeSocket.made).toHaveLength(2);
    expect(resumesOf(FakeSocket.made[1]!)).toEqual([`${'0'.padStart(8, 'c')}:0`]);
    socket.stop();
  });

  it('pings when the page is shown again, and replaces a connection that does not answer within probeMs', () => {
    vi.useFakeTimers();
    const socket = new RealtimeSocket({ url: 'ws://x/ws', onFrame: () => undefined, resumePoints: () => [], probeMs: 1_000 });
    socket.start();
    const [ws] = FakeSocket.made;
    ws!.emit('open');
    ws!.established();
    // Time passes, so that only the answer to the ping counts as heard since it was sent.
    vi.advanceTimersByTime(5_000);
    doc.fire('visibilitychange');
    expect(ws!.sent).toEqual(['ping']);
    ws!.emit('message', { data: 'pong' });
    vi.advanceTimersByTime(1_000);
    expect(FakeSocket.made).toHaveLength(1); // It answered: kept.

    doc.fire('visibilitychange');
    vi.advanceTimersByTime(1_000);
    expect(ws!.readyState).toBe(3);
    expect(FakeSocket.made).toHaveLength(2);
    socket.stop();
  });

  const noJitter = { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 0 };

  it('backs off further, and neither says open nor refreshes, when the server accepts the upgrade and closes at once (too many sockets)', () => {
    vi.useFakeTimers();
    const statuses: string[] = [];
    let reconnects = 0;
    const socket = new RealtimeSocket({
      url: 'ws://x/ws',
      onFrame: () => undefined,
      resumePoints: () => [],
      backoff: noJitter,
      onStatus: (status) => statuses.push(status),
      onReconnect: () => reconnects++,
    });
    socket.start();
    FakeSocket.made[0]!.emit('open');
    FakeSocket.made[0]!.established();
    FakeSocket.made[0]!.emit('close', { code: 1006, reason: '' });
    const refused = () => {
      const ws = FakeSocket.made.at(-1)!;
      ws.emit('open');
      ws.emit('close', { code: 4429, reason: 'Too many connections' });
    };
    for (const delay of [100, 200, 400, 800]) {
      const made = FakeSocket.made.length;
      vi.advanceTimersByTime(delay - 1);
      expect(FakeSocket.made).toHaveLength(made);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.made).toHaveLength(made + 1);
      refused();
    }
    expect(reconnects).toBe(0);
    expect(statuses.filter((status) => status === 'open')).toHaveLength(1);
    socket.stop();
  });

  it('gives up an attempt the server has not connected within connectTimeoutMs, and tries again', () => {
    vi.useFakeTimers();
    const statuses: string[] = [];
    const socket = new RealtimeSocket({ url: 'ws://x/ws', onFrame: () => undefined, resumePoints: () => [], backoff: noJitter, connectTimeoutMs: 10_000, onStatus: (status) => statuses.push(status) });
    socket.start();
    vi.advanceTimersByTime(9_999);
    expect(FakeSocket.made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.made[0]!.readyState).toBe(3);
    expect(statuses).toEqual(['connecting', 'offline']);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.made).toHaveLength(2);
    FakeSocket.made[1]!.emit('open');
    FakeSocket.made[1]!.established();
    vi.advanceTimersByTime(30_000);
    expect(FakeSocket.made).toHaveLength(2); // Connected: no timeout any more.
    socket.stop();
  });
});
