/** Time as the embedded engine sees it: workflow timers and activity retry backoff all go through a Clock. */
export interface Clock {
  now(): number;
  /** Calls `cb` after `ms`; a returned promise is the work the timer caused (ManualClock awaits it). */
  setTimer(ms: number, cb: () => unknown): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /**
   * Work under way (an activity attempt, a workflow activation) that time must not overtake: a
   * ManualClock lets it settle before it fires a later timer. Real time needs no help.
   */
  trackWork?(work: Promise<unknown>): void;
}

export type TimerHandle = { readonly __timer: unique symbol };

/** setTimeout cannot wait longer than 2^31-1 ms (~24.8 days); longer timers are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface SystemTimer {
  timeout?: NodeJS.Timeout;
}

/** Real time. Timers are unref'd: open workflows alone do not keep the process alive. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(ms: number, cb: () => unknown): TimerHandle {
    const timer: SystemTimer = {};
    const dueAt = Date.now() + Math.max(0, ms);
    const arm = () => {
      const remaining = dueAt - Date.now();
      timer.timeout = setTimeout(remaining > MAX_TIMEOUT_MS ? arm : cb, Math.min(Math.max(0, remaining), MAX_TIMEOUT_MS));
      timer.timeout.unref();
    };
    arm();
    return timer as unknown as TimerHandle;
  }

  clearTimer(handle: TimerHandle): void {
    clearTimeout((handle as unknown as SystemTimer).timeout);
  }
}

interface ManualTimer {
  id: number;
  dueAt: number;
  cb: () => unknown;
}

export interface ManualClockOptions {
  /**
   * How long `advance` waits, in real time, for tracked work before it moves on regardless (an activity
   * that only ends when cancelled or timed out would otherwise hold time back forever).
   */
  settleLimitMs?: number;
}

/**
 * Time that moves only when a test says so: a 4-hour timer fires in milliseconds, and work under way
 * (activities doing real I/O, activations) is treated as done promptly, not as having taken the skipped time.
 */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, ManualTimer>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly settleLimitMs: number;

  constructor(start = Date.UTC(2025, 0, 1), options: ManualClockOptions = {}) {
    this.current = start;
    this.settleLimitMs = options.settleLimitMs ?? 5_000;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, cb: () => unknown): TimerHandle {
    const timer = { id: this.nextId++, dueAt: this.current + Math.max(0, ms), cb };
    this.timers.set(timer.id, timer);
    return timer.id as unknown as TimerHandle;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  trackWork(work: Promise<unknown>): void {
    const forget = (): void => void this.work.delete(tracked);
    const tracked: Promise<unknown> = work.then(forget, forget);
    this.work.add(tracked);
  }

  /** Number of timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `ms`, firing due timers in due order. Before each timer, tracked work and the
   * work each fired timer causes settle, including timers that work sets within the window (such as
   * activity retry backoff), as if the skipped time had really passed with the work done promptly.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await this.settleWork();
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.timers.delete(timer.id);
      this.current = Math.max(this.current, timer.dueAt);
      await timer.cb();
      await this.settleWork();
    }
    this.current = target;
  }

  /**
   * Waits until no tracked work is left (new work may start as earlier work ends). Work still going after
   * the settle limit is taken for long-running and no longer waited for.
   */
  private async settleWork(): Promise<void> {
    const giveUpAt = performance.now() + this.settleLimitMs;
    await settle();
    while (this.work.size > 0) {
      const left = giveUpAt - performance.now();
      if (left <= 0) {
        this.work.clear();
        return;
      }
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.work), new Promise((resolve) => (timeout = setTimeout(resolve, left)))]);
      clearTimeout(timeout);
      await settle();
    }
  }

  private nextDue(limit: number): ManualTimer | undefined {
    let due: ManualTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.dueAt <= limit && (!due || timer.dueAt < due.dueAt)) due = timer;
    }
    return due;
  }
}

/** Lets promise chains and immediates started by a timer run before the next timer is considered. */
async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
