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
 */

/** Bytes of a workflow id kept: ids are at most a few hundred (a longer one would be cut, and set aside by its cut name). */
const ID_BYTES = 512;
/** Int32 words: in workflow code now (1) or not (0), activations entered so far, the id's length. */
const WORDS = 3;
const [IN_CODE, ENTERED, ID_LENGTH] = [0, 1, 2];

export function runningCodeBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(WORDS * 4 + ID_BYTES);
}

/** The engine thread's side: marks the synchronous run of an activation's workflow code. */
export class RunningCode {
  private readonly words: Int32Array;
  private readonly id: Uint8Array;
  private readonly encoder = new TextEncoder();

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, WORDS);
    this.id = new Uint8Array(buffer, WORDS * 4, ID_BYTES);
  }

  /** Runs `work` (workflow code, synchronous up to what it returns) marked as `workflowId`'s. */
  run<T>(workflowId: string, work: () => T): T {
    const { written } = this.encoder.encodeInto(workflowId, this.id);
    Atomics.store(this.words, ID_LENGTH, written);
    Atomics.add(this.words, ENTERED, 1);
    Atomics.store(this.words, IN_CODE, 1);
    try {
      return work();
    } finally {
      Atomics.store(this.words, IN_CODE, 0);
    }
  }
}

/** The server thread's side: tells when the thread has stayed in one activation's code for `afterMs`. */
export class StuckWatch {
  private readonly words: Int32Array;
  private readonly id: Uint8Array;
  private readonly timer: NodeJS.Timeout;
  private seen = { entered: -1, since: 0 };

  constructor(
    buffer: SharedArrayBuffer,
    afterMs: number,
    onStuck: (workflowId: string, forMs: number) => void,
  ) {
    this.words = new Int32Array(buffer, 0, WORDS);
    this.id = new Uint8Array(buffer, WORDS * 4, ID_BYTES);
    this.timer = setInterval(() => {
      const now = performance.now();
      const stuckFor = this.stuckFor(now);
      if (stuckFor < afterMs) return;
      this.seen.since = now; // told once per `afterMs`, while the thread is being ended
      onStuck(this.workflowId(), stuckFor);
    }, Math.min(500, afterMs / 2));
    this.timer.unref();
  }

  /** A new thread starts with the words cleared, so the last one's state is not taken for its own. */
  reset(): void {
    this.words.fill(0);
    this.seen = { entered: -1, since: 0 };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private stuckFor(now: number): number {
    const entered = Atomics.load(this.words, ENTERED);
    if (Atomics.load(this.words, IN_CODE) === 0 || entered !== this.seen.entered) {
      this.seen = { entered, since: now };
      return 0;
    }
    return now - this.seen.since;
  }

  private workflowId(): string {
    const length = Math.min(Atomics.load(this.words, ID_LENGTH), ID_BYTES);
    return new TextDecoder().decode(this.id.slice(0, length));
  }
}
