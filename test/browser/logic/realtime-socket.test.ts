import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeSocket, type ResumePoint } from '../../../web/shared/socket';

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
    this.sent.push(JSON.parse(data));
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
  beforeEach(() => {
    FakeSocket.made = [];
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('window', { addEventListener: () => undefined, removeEventListener: () => undefined });
  });
  afterEach(() => vi.unstubAllGlobals());

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
});
