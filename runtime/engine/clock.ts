/** Time as the embedded engine sees it: workflow timers and activity retry backoff all go through a Clock. */
export interface Clock {
  now(): number;
  /** Calls `cb` after `ms`; a returned promise is the work the timer caused (ManualClock awaits it). */
  setTimer(ms: number, cb: () => unknown): TimerHandle;
  clearTimer(handle: TimerHandle): void;
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

/** Time that moves only when a test says so: a 4-hour timer fires in milliseconds. */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, ManualTimer>();

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
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

  /** Number of timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by `ms`, firing due timers in due order and awaiting the work each one causes,
   * including timers that this work sets within the window (such as activity retry backoff).
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.timers.delete(timer.id);
      this.current = Math.max(this.current, timer.dueAt);
      await timer.cb();
      await settle();
    }
    this.current = target;
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
