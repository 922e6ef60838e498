import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WatchOptions } from '../../../activities/store';
import { StoreWatch } from '../../../server/realtime/store-watch';

const quiet = pino({ level: 'silent' });

/** A store whose watches the test fails at will, and whose next openings it can refuse. */
function fakeStore() {
  const watches: Array<{ options: WatchOptions; closed: boolean }> = [];
  let refusals = 0;
  return {
    watches,
    refuseNextOpenings(count: number) {
      refusals = count;
    },
    /** Fails the newest watch, as a stream that ended for good reports it. */
    failNewest(error = new Error('ChangeStreamHistoryLost')) {
      watches.at(-1)!.options.onFailed!(error);
    },
    watchChanges: vi.fn(async (_onChange: unknown, options: WatchOptions = {}) => {
      if (refusals > 0) {
        refusals -= 1;
        throw new Error('store unreachable');
      }
      const watch = { options, closed: false };
      watches.push(watch);
      return { close: async () => void (watch.closed = true) };
    }),
  };
}

describe('StoreWatch', () => {
  let store: ReturnType<typeof fakeStore>;
  let reopened: ReturnType<typeof vi.fn<() => void>>;
  let failed: ReturnType<typeof vi.fn<(at: number) => void>>;
  let watch: StoreWatch;

  beforeEach(async () => {
    vi.useFakeTimers();
    store = fakeStore();
    reopened = vi.fn<() => void>();
    failed = vi.fn<(at: number) => void>();
    watch = new StoreWatch({ store, onChange: () => undefined, failed, reopened, log: quiet });
    await watch.open();
  });

  afterEach(async () => {
    await watch.close();
    vi.useRealTimers();
  });

  /** Lets timers due within `ms` fire, and the promises they settle run. */
  const elapse = (ms: number) => vi.advanceTimersByTimeAsync(ms);

  it('watches again at once after a first failure, closing the ended watch, and tells its owner', async () => {
    store.failNewest();
    await elapse(0);
    expect(store.watchChanges).toHaveBeenCalledTimes(2);
    expect(store.watches[0]!.closed).toBe(true);
    expect(store.watches[1]!.closed).toBe(false);
    expect(reopened).toHaveBeenCalledTimes(1);
  });

  it('runs one re-watch for failures reported while it is under way, telling its owner once when changes stopped being seen', async () => {
    store.refuseNextOpenings(1);
    const failedAt = Date.now();
    store.failNewest();
    store.failNewest(new Error('a second stream of the same watch'));
    await elapse(0);
    store.failNewest(new Error('reported again while the re-watch backs off'));
    await elapse(500);
    // The first watch, one refused opening, one that held: no second loop opened more.
    expect(store.watchChanges).toHaveBeenCalledTimes(3);
    expect(store.watches).toHaveLength(2);
    expect(reopened).toHaveBeenCalledTimes(1);
    expect(failed.mock.calls).toEqual([[failedAt]]);
    expect(failed.mock.invocationCallOrder[0]).toBeLessThan(reopened.mock.invocationCallOrder[0]!);
  });

  it('backs off more on each failure soon after the last re-watch, until a watch stays up for a minute', async () => {
    const calls = () => store.watchChanges.mock.calls.length;
    /** Fails the watch and checks the next opening comes `waitMs` later, not before. */
    const rewatchedAfter = async (waitMs: number) => {
      const before = calls();
      store.failNewest();
      if (waitMs > 0) await elapse(waitMs - 1);
      expect(calls()).toBe(waitMs > 0 ? before : before + 1);
      await elapse(waitMs > 0 ? 1 : 0);
      expect(calls()).toBe(before + 1);
      await elapse(0);
    };
    await rewatchedAfter(0); // first failure: at once
    await rewatchedAfter(500);
    await rewatchedAfter(1_000);

    await elapse(60_001); // the watch stayed up for a minute: healthy again
    store.failNewest();
    expect(calls()).toBe(5);
    await elapse(0);
    expect(reopened).toHaveBeenCalledTimes(4);
  });

  it('keeps trying while the store refuses, each wait longer, capped at 30 s', async () => {
    store.refuseNextOpenings(8);
    store.failNewest();
    expect(store.watchChanges).toHaveBeenCalledTimes(2); // at once, refused
    for (const [i, wait] of [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000].entries()) {
      await elapse(wait - 1);
      expect(store.watchChanges).toHaveBeenCalledTimes(2 + i);
      await elapse(1);
      expect(store.watchChanges).toHaveBeenCalledTimes(3 + i);
    }
    expect(reopened).toHaveBeenCalledTimes(1);
    expect(store.watches.at(-1)!.closed).toBe(false);
  });

  it('stops re-watching once closed, and closes a watch that opened meanwhile', async () => {
    store.refuseNextOpenings(1);
    store.failNewest();
    await elapse(0);
    await watch.close();
    await elapse(60_000);
    expect(store.watchChanges).toHaveBeenCalledTimes(2); // the first and the refused one
    expect(reopened).not.toHaveBeenCalled();

    const other = new StoreWatch({ store, onChange: () => undefined, failed, reopened, log: quiet });
    await other.open();
    let open!: () => void;
    store.watchChanges.mockImplementationOnce(async (_onChange, options = {}) => {
      await new Promise<void>((resolve) => (open = resolve));
      const late = { options, closed: false };
      store.watches.push(late);
      return { close: async () => void (late.closed = true) };
    });
    store.failNewest();
    await elapse(0);
    const closing = other.close();
    open();
    await closing;
    await elapse(0);
    expect(store.watches.at(-1)!.closed).toBe(true);
    expect(reopened).not.toHaveBeenCalled();
  });
});
