/**
 * Which workflow's code the engine thread is running, told to the server's thread through shared
 * memory, so that workflow code that never returns (a loop in the workflow or in a plugin hook) is
 * noticed although the engine thread can answer nothing then.
 *
 * A limit inside the thread was tried (a `vm` timeout per activation): stopping code part-way in
 * the sandbox context the workflows share left its queued continuations to run under another
 * workflow, and the watchdog thread it starts per activation cost 0.1–0.17 ms of CPU a message. Here
 * the engine thread only writes a few words per activation; the server's thread looks twice a second,
 * and a thread found in the same workflow's code for too long is ended as a whole and started anew
 * (see index.ts), which leaves no half-run code behind.
 *
 * "Too long" is CPU time of the engine thread where Linux tells it (/proc, thread-cpu-time.ts), wall
 * time elsewhere: the thread runs at a lower priority (thread-priority.ts), and on busy cores it may
 * wait its turn for seconds inside a healthy activation, which is no reason to end it.
 *
 * Code past an activity's first `await` (a plugin effect's) runs in slices nobody marks. The thread
 * also beats while its event loop turns, so a thread stuck outside marked code is told of too,
 * without knowing whose code it is; a thread started with `traceContinuations` marks those slices
 * as well (continuation-trace.ts), at a cost, so that a loop met again is pinned on its workflow.
 */
import { currentThreadId } from '../thread-id';
import { threadCpuMs } from '../thread-cpu-time';
import { traceContinuations } from './continuation-trace';

/** Bytes of a workflow id kept: ids are at most a few hundred (a longer one would be cut, and set aside by its cut name). */
const ID_BYTES = 512;
/**
 * Int32 words: in workflow code now (1) or not (0), activations entered so far, the id's length, the
 * thread's kernel id (0: unknown), its event loop's beats so far (0: not beating yet).
 */
const WORDS = 5;
const [IN_CODE, ENTERED, ID_LENGTH, THREAD_ID, BEATS] = [0, 1, 2, 3, 4];
/** How often a turning event loop beats: several times between two of the watch's looks. */
const BEAT_MS = 100;

export function runningCodeBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(WORDS * 4 + ID_BYTES);
}

/** The engine thread's side, made on that thread: marks the synchronous run of an activation's workflow code. */
export class RunningCode {
  private readonly words: Int32Array;
  private readonly id: Uint8Array;
  private readonly encoder = new TextEncoder();
  /** With `traceContinuations`: the scope an activity's code runs in, whose later slices are marked too. */
  private readonly activityScope;
  /** Whose code is marked now, if any. */
  private current: string | undefined;

  constructor(buffer: SharedArrayBuffer, options: { traceContinuations?: boolean } = {}) {
    this.words = new Int32Array(buffer, 0, WORDS);
    this.id = new Uint8Array(buffer, WORDS * 4, ID_BYTES);
    Atomics.store(this.words, THREAD_ID, currentThreadId() ?? 0);
    this.activityScope = options.traceContinuations ? traceContinuations(this) : undefined;
  }

  /** Runs `work` (workflow code, synchronous up to what it returns) marked as `workflowId`'s. */
  run<T>(workflowId: string, work: () => T): T {
    const outer = this.enter(workflowId);
    try {
      return work();
    } finally {
      this.restore(outer);
    }
  }

  /** Runs an activity attempt of `workflowId`'s: its synchronous part marked, and where continuations are traced each of its later slices too. */
  runActivity<T>(workflowId: string, work: () => T): T {
    const scope = this.activityScope;
    return this.run(workflowId, scope ? () => scope.run(workflowId, work) : work);
  }

  /**
   * Marks the thread in `workflowId`'s code until `restore` gets what this returns: the mark it
   * replaced, if any. Marks nest (a workflow's activation run from another's traced activity slice):
   * the innermost is whose code runs.
   */
  enter(workflowId: string): string | undefined {
    const outer = this.current;
    this.mark(workflowId);
    return outer;
  }

  /** Ends the mark `enter` made, back to the one it replaced. */
  restore(outer: string | undefined): void {
    if (outer !== undefined) return this.mark(outer);
    this.current = undefined;
    Atomics.store(this.words, IN_CODE, 0);
  }

  private mark(workflowId: string): void {
    this.current = workflowId;
    const { written } = this.encoder.encodeInto(workflowId, this.id);
    Atomics.store(this.words, ID_LENGTH, written);
    Atomics.add(this.words, ENTERED, 1);
    Atomics.store(this.words, IN_CODE, 1);
  }

  /** Beats from now on, while the thread's event loop turns (once the engine is up: its start-up may hold the thread for long). */
  startBeating(): void {
    setInterval(() => Atomics.add(this.words, BEATS, 1), BEAT_MS).unref();
  }
}

/**
 * Where the watch found the thread, and its clocks when it first did: in an activation's code (the
 * activations entered, counting), or out of code with its event loop not turning (the beats, counting).
 */
interface Seen {
  inCode: boolean;
  count: number;
  wallMs: number;
  cpuMs?: number;
}
const NOT_SEEN: Seen = { inCode: false, count: -1, wallMs: 0 };

/**
 * Where CPU time is counted, a thread in one activation's code for this many times the limit by the
 * wall clock is told of too, whatever CPU it used: it is blocked (a wait, a fault), not only starved.
 */
const WALL_BACKSTOP = 10;

/**
 * The server thread's side: tells when the thread has stayed in one activation's code for `afterMs`
 * of its CPU time (wall time where that cannot be read, and WALL_BACKSTOP times as long in any case),
 * counted from the first look that found it there; `onStuck` gets the workflow, the time so counted,
 * and which clock it is. A thread whose event loop has stopped beating outside any marked code is
 * told of the same way, with no workflow.
 *
 * It looks every `afterMs` / 2, at most 500 ms apart, and reads the CPU time at each look once the
 * engine is up: a synchronous read of a small /proc file, tens of microseconds, on the server's thread.
 * The time comes in 10 ms steps, so a difference of two readings errs by a step at most: at the least
 * limit (100 ms, looked at every 50) an activation is told after 90 to 160 ms of CPU from that first
 * look, and one that used under 90 in all never is.
 */
export class StuckWatch {
  private readonly words: Int32Array;
  private readonly id: Uint8Array;
  private readonly timer: NodeJS.Timeout;
  private seen = NOT_SEEN;

  constructor(
    buffer: SharedArrayBuffer,
    afterMs: number,
    onStuck: (workflowId: string | undefined, forMs: number, clock: 'cpu' | 'wall') => void,
  ) {
    this.words = new Int32Array(buffer, 0, WORDS);
    this.id = new Uint8Array(buffer, WORDS * 4, ID_BYTES);
    this.timer = setInterval(() => {
      const stuck = this.stuckFor(afterMs);
      if (!stuck) return;
      this.seen = NOT_SEEN; // counted afresh from the next look: told once per `afterMs`, while the thread is being ended
      onStuck(stuck.inCode ? this.workflowId() : undefined, stuck.ms, stuck.clock);
    }, Math.min(500, afterMs / 2));
    this.timer.unref();
  }

  /** A new thread starts with the words cleared, so the last one's state is not taken for its own. */
  reset(): void {
    this.words.fill(0);
    this.seen = NOT_SEEN;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** How long the thread has been where it was at the last look, once that passes `afterMs`; undefined until then. */
  private stuckFor(afterMs: number): { inCode: boolean; ms: number; clock: 'cpu' | 'wall' } | undefined {
    const inCode = Atomics.load(this.words, IN_CODE) === 1;
    const count = Atomics.load(this.words, inCode ? ENTERED : BEATS);
    // Out of code and not beating yet: the engine is starting.
    if (!inCode && count === 0) {
      this.seen = NOT_SEEN;
      return undefined;
    }
    const now: Seen = { inCode, count, wallMs: performance.now(), cpuMs: threadCpuMs(Atomics.load(this.words, THREAD_ID)) };
    if (inCode !== this.seen.inCode || count !== this.seen.count) {
      this.seen = now;
      return undefined;
    }
    const wallMs = now.wallMs - this.seen.wallMs;
    // Both CPU readings or neither: a thread gone (ended, its words left) can no longer be read.
    if (now.cpuMs !== undefined && this.seen.cpuMs !== undefined) {
      const cpuMs = now.cpuMs - this.seen.cpuMs;
      if (cpuMs >= afterMs) return { inCode, ms: cpuMs, clock: 'cpu' };
      return wallMs >= afterMs * WALL_BACKSTOP ? { inCode, ms: wallMs, clock: 'wall' } : undefined;
    }
    return wallMs >= afterMs ? { inCode, ms: wallMs, clock: 'wall' } : undefined;
  }

  private workflowId(): string {
    const length = Math.min(Atomics.load(this.words, ID_LENGTH), ID_BYTES);
    return new TextDecoder().decode(this.id.slice(0, length));
  }
}
