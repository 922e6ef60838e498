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

/** The beats the thread's event loop has made so far (0: not beating yet), for the server's health check (heartbeat.ts). */
export const beatsOf = (buffer: SharedArrayBuffer): number => Atomics.load(new Int32Array(buffer, 0, WORDS), BEATS);

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

  /** Beats from now on (once at once: a loop that starts before the first interval is caught too), while the thread's event loop turns. */
  startBeating(): void {
    const beat = () => Atomics.add(this.words, BEATS, 1);
    beat();
    setInterval(beat, BEAT_MS).unref();
  }
}

/** The thread's clocks at a look: its CPU time where Linux tells it (thread-cpu-time.ts). */
interface Clocks {
  wallMs: number;
  cpuMs?: number;
}

/**
 * Where CPU time is counted, a thread stuck for this many times the limit by the wall clock is told
 * of too, whatever CPU it used: it is blocked (a wait, a fault), not only starved.
 */
const WALL_BACKSTOP = 10;

/**
 * The least time a thread's event loop may stand still before it is told of: the engine's own work
 * (restoring runs, building instances, a burst of calls after a restart) may hold it for a turn
 * longer than workflow code should run, at the lowest limits.
 */
const DEFAULT_LOOP_STILL_FLOOR_MS = 2_000;

/** How long a counter has stood at the same value, from the first look that saw it there. */
class Unchanged {
  private value?: number;
  private since?: Clocks;

  /** The time `value` has stood, once past `afterMs` (CPU time where both looks read it, else wall time); undefined until then, and when it moved. */
  check(value: number | undefined, now: Clocks, afterMs: number): { ms: number; clock: 'cpu' | 'wall' } | undefined {
    if (value === undefined || value !== this.value || !this.since) {
      this.value = value;
      this.since = now;
      return undefined;
    }
    const wallMs = now.wallMs - this.since.wallMs;
    // Both CPU readings or neither: a thread gone (ended, its words left) can no longer be read.
    if (now.cpuMs !== undefined && this.since.cpuMs !== undefined) {
      const cpuMs = now.cpuMs - this.since.cpuMs;
      if (cpuMs >= afterMs) return { ms: cpuMs, clock: 'cpu' };
      return wallMs >= afterMs * WALL_BACKSTOP ? { ms: wallMs, clock: 'wall' } : undefined;
    }
    return wallMs >= afterMs ? { ms: wallMs, clock: 'wall' } : undefined;
  }

  reset(): void {
    this.value = undefined;
    this.since = undefined;
  }
}

/**
 * The server thread's side: tells when the thread has stayed in one activation's code for `afterMs`
 * of its CPU time (wall time where that cannot be read, and WALL_BACKSTOP times as long in any case),
 * counted from the first look that found it there; `onStuck` gets the workflow, the time so counted,
 * and which clock it is.
 *
 * Once the thread beats, it is also told of when its event loop has stood still as long (at least
 * `loopStillFloorMs`, 2 s), wherever it is: a loop of continuations (`for (;;) await x`) enters and
 * leaves marked code many times without returning to the loop. Whose code that is: the workflow
 * whose code runs at that look, else the last one marked if marks are still being made (since the
 * look before: a traced activity's slices), else nobody known.
 *
 * It looks every `afterMs` / 2, at most 500 ms apart, and reads the CPU time at each look once the
 * engine beats or runs workflow code: a synchronous read of a small /proc file, tens of
 * microseconds, on the server's thread. The time comes in 10 ms steps, so a difference of two
 * readings errs by a step at most: at the least limit (100 ms, looked at every 50) an activation
 * is told after 90 to 160 ms of CPU from that first look, and one that used under 90 in all never is.
 */
export class StuckWatch {
  private readonly words: Int32Array;
  private readonly id: Uint8Array;
  private readonly timer: NodeJS.Timeout;
  /** The activations entered, while the thread is in code: one activation's run. */
  private readonly activation = new Unchanged();
  /** The beats, once it beats: its event loop turning. */
  private readonly loop = new Unchanged();
  /** The activations entered at the last look. */
  private lastEntered = -1;

  constructor(
    buffer: SharedArrayBuffer,
    afterMs: number,
    onStuck: (workflowId: string | undefined, forMs: number, clock: 'cpu' | 'wall') => void,
    loopStillFloorMs = DEFAULT_LOOP_STILL_FLOOR_MS,
  ) {
    this.words = new Int32Array(buffer, 0, WORDS);
    this.id = new Uint8Array(buffer, WORDS * 4, ID_BYTES);
    const loopAfterMs = Math.max(afterMs, loopStillFloorMs);
    this.timer = setInterval(() => {
      const stuck = this.look(afterMs, loopAfterMs);
      if (!stuck) return;
      // Counted afresh from the next look: told once per limit, while the thread is being ended.
      this.activation.reset();
      this.loop.reset();
      onStuck(stuck.workflowId, stuck.ms, stuck.clock);
    }, Math.min(500, afterMs / 2));
    this.timer.unref();
  }

  /** A new thread starts with the words cleared, so the last one's state is not taken for its own. */
  reset(): void {
    this.words.fill(0);
    this.activation.reset();
    this.loop.reset();
    this.lastEntered = -1;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** What the thread is stuck in, once it has been for the limit; undefined until then. */
  private look(afterMs: number, loopAfterMs: number): { workflowId?: string; ms: number; clock: 'cpu' | 'wall' } | undefined {
    const inCode = Atomics.load(this.words, IN_CODE) === 1;
    const entered = Atomics.load(this.words, ENTERED);
    const beats = Atomics.load(this.words, BEATS);
    // Neither in code nor beating yet: the engine is starting, nothing to read.
    if (!inCode && beats === 0) return undefined;
    const now: Clocks = { wallMs: performance.now(), cpuMs: threadCpuMs(Atomics.load(this.words, THREAD_ID)) };
    const inActivation = this.activation.check(inCode ? entered : undefined, now, afterMs);
    if (inActivation) return { workflowId: this.workflowId(), ...inActivation };
    // Marks still being made since the last look: the loop runs through marked code (a traced activity's slices).
    // Not marks made before it began: on a busy thread two looks may see the same beat count while it is healthy.
    const marking = entered !== this.lastEntered;
    this.lastEntered = entered;
    const stood = this.loop.check(beats === 0 ? undefined : beats, now, loopAfterMs);
    if (!stood) return undefined;
    const marked = inCode || marking;
    return { workflowId: marked ? this.workflowId() : undefined, ...stood };
  }

  /** The workflow whose code runs, or ran last (the id's words stay after its mark ends). */
  private workflowId(): string {
    const length = Math.min(Atomics.load(this.words, ID_LENGTH), ID_BYTES);
    return new TextDecoder().decode(this.id.slice(0, length));
  }
}
