/** A manual clock for workflow suites that run real activities (store I/O) under skipped time. */
import { ManualClock, type TimerHandle } from '../../../runtime/engine/clock';

/**
 * A ManualClock that lets running activities finish before it fires a timer. Skipped time would
 * otherwise overtake real store I/O: an activity's start-to-close timeout fires while its write is
 * still on the wire, and every retry times out the same way until the window ends.
 */
export class SettlingClock extends ManualClock {
  constructor(private readonly settled: () => Promise<void>) {
    super();
  }

  override setTimer(ms: number, cb: () => unknown): TimerHandle {
    return super.setTimer(ms, async () => {
      await this.settled();
      return cb();
    });
  }
}

/** Counts running calls of each activity, so a clock can wait for them. */
export function trackRunning<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T) {
  let running = 0;
  const tracked = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        running += 1;
        try {
          return await fn(...args);
        } finally {
          running -= 1;
        }
      },
    ]),
  ) as T;
  const settled = async () => {
    while (running > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  return { tracked, settled };
}
