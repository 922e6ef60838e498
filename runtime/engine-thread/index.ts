/**
 * The embedded workflow engine in a worker thread of its own (worker.ts), behind the ordinary
 * `WorkflowEngine` interface.
 *
 * Why a thread: measured under the API benchmark, workflow activations, building instances, their
 * journal writes and the garbage of ~1,000 live workflow instances took a third of the server's
 * main thread, which then answered HTTP and fed sockets late. In its own thread the engine uses the
 * second core, and its garbage collection no longer pauses the server. It also means a runaway loop
 * in workflow code stalls workflows, not the API.
 *
 * If the thread dies, calls in flight fail (the server's callers retry: owed signals stay in the
 * outbox) and a new thread is started, which restores the open workflows from the journal. A thread
 * found running one workflow's code for `stuckAfterMs` (running-code.ts) is ended that way too, and
 * that workflow set aside for a while (set-aside.ts). One found stuck as long outside any workflow's
 * marked code (an activity past its first `await`, a plugin effect's) is ended without knowing whose
 * code it was; the threads after it trace activities' code through (continuation-trace.ts), so that
 * the loop, met again as its activity is retried, is pinned on its workflow and set aside.
 */
import { Worker } from 'node:worker_threads';
import type { Level, Logger } from 'pino';
import type { AuditEntry } from '../engine/audit';
import { EngineRestartingError, EngineShutDownError } from '../engine/errors';
import type { UpdateRequest, WorkflowEngine, WorkflowStatus } from '../engine/workflow-engine';
import { deserializeError, type EngineMethod, type EngineThreadOptions, type FromEngineThread, type ToEngineThread } from './protocol';
import { HeartbeatSilence } from './heartbeat';
import { runningCodeBuffer, StuckWatch } from './running-code';
import { SetAside } from './set-aside';

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);
const RESTART_DELAY_MS = { initial: 500, max: 30_000 };
/** As Temporal's TypeScript worker bounds a call into its sandbox (isolateExecutionTimeout). */
const DEFAULT_STUCK_AFTER_MS = 5_000;
/**
 * A thread that has not beaten this long is reported by health checks: well past the watch's limits
 * (which end a stuck thread sooner) and a slow restore's turns; reached when nothing ends it
 * (WORKFLOW_CODE_TIMEOUT_MS=0).
 */
const SILENT_UNHEALTHY_MS = 10_000;
/** How long a shutdown waits for the thread to stop by itself (SHUTDOWN_TIMEOUT_MS's default). */
const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/** Writes a JSON line of the thread's pino through the server's logger (the thread checked the level already). */
function relayLogLine(log: Logger, line: string): void {
  const { level, msg, ...fields } = JSON.parse(line) as { level: number; msg?: string };
  const label = (log.levels.labels[level] ?? 'info') as Level;
  log[label](fields, msg);
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class ThreadedEngine implements WorkflowEngine {
  readonly kind = 'embedded' as const;
  private worker!: Worker;
  private ready!: Promise<void>;
  private readonly calls = new Map<number, PendingCall>();
  private nextId = 0;
  private shuttingDown?: Promise<void>;
  /** Set once the first thread is up: only a thread that was running is replaced when it dies. */
  private started = false;
  private restartDelay = RESTART_DELAY_MS.initial;
  private readonly watch?: StuckWatch;
  private readonly setAside = new SetAside();
  /** The current thread has exited (a crash, or ended as stuck) and its successor is not spawned yet. */
  private exited = false;
  /** The thread being ended as stuck: the watch may see it stuck again until it is gone, which is not news. */
  private ending?: Worker;
  /** Set once a thread was stuck outside marked code: the threads after it trace activities' code (at a cost) until the server stops. */
  private traceContinuations = false;

  private readonly engineLog: Logger;
  private readonly heartbeat: HeartbeatSilence;

  private constructor(
    private readonly options: EngineThreadOptions,
    private readonly log: Logger,
    stuckAfterMs: number,
    private readonly stopTimeoutMs: number,
  ) {
    // The thread's pino serialized errors already; serialized again here, their `type` would read "Object".
    this.engineLog = log.child({ thread: 'engine' }, { serializers: { err: (value: unknown) => value } });
    const runningCode = options.runningCode!;
    this.heartbeat = new HeartbeatSilence(runningCode);
    if (Number.isFinite(stuckAfterMs)) this.watch = new StuckWatch(runningCode, stuckAfterMs, (workflowId, forMs, clock) => this.onStuck(workflowId, forMs, clock));
  }

  /**
   * Starts the thread, logging at `log`'s level; rejects with the thread's error when the engine cannot start.
   * `stuckAfterMs`: how long one workflow's code may run without returning before the thread is ended (Infinity: for ever).
   * `stopTimeoutMs`: how long `shutdown` waits for the thread to stop before it ends it.
   */
  static async start(
    options: Omit<EngineThreadOptions, 'logLevel' | 'runningCode'>,
    log: Logger,
    stuckAfterMs = DEFAULT_STUCK_AFTER_MS,
    stopTimeoutMs = DEFAULT_STOP_TIMEOUT_MS,
  ): Promise<ThreadedEngine> {
    // Also without a limit: the thread's beats tell health checks whether it still turns (problem()).
    const engine = new ThreadedEngine({ ...options, logLevel: log.level, runningCode: runningCodeBuffer() }, log, stuckAfterMs, stopTimeoutMs);
    engine.spawn();
    await engine.untilReady();
    engine.started = true;
    return engine;
  }

  /**
   * Waits for the thread to be up. A thread the watch ended while starting (workflow or activity
   * code of a restored run that never returns: that would otherwise keep the server from starting
   * for good) is replaced as a running one is, and the wait goes on for its successor.
   */
  private async untilReady(): Promise<void> {
    for (;;) {
      const ready = this.ready;
      try {
        return await ready;
      } catch (err) {
        if (this.ready === ready) throw err;
      }
    }
  }

  start(o: { workflowType: string; workflowId: string; args: unknown[] }): Promise<{ runId: string }> {
    return this.call('start', o);
  }

  signal(o: { workflowId: string; signal: string; args: unknown[] }): Promise<void> {
    return this.call('signal', o);
  }

  signalEach(o: { workflowId: string; signal: string; argsList: unknown[][] }): Promise<void> {
    return this.call('signalEach', o);
  }

  signalWithStart(o: { workflowType: string; workflowId: string; args: unknown[]; signal: string; signalArgs: unknown[] }): Promise<void> {
    return this.call('signalWithStart', o);
  }

  executeUpdate<R>(o: UpdateRequest): Promise<R> {
    return this.call('executeUpdate', o);
  }

  query<R>(o: { workflowId: string; query: string; args?: unknown[] }): Promise<R> {
    return this.call('query', o);
  }

  history(workflowId: string): Promise<AuditEntry[]> {
    return this.call('history', workflowId);
  }

  describe(workflowId: string): Promise<{ status: WorkflowStatus; runId?: string }> {
    return this.call('describe', workflowId);
  }

  /** Why the engine cannot serve now, for health checks; undefined while its thread's event loop turns. */
  problem(): string | undefined {
    const silentMs = this.heartbeat.silentForMs();
    if (silentMs < SILENT_UNHEALTHY_MS) return undefined;
    return `the workflow engine's thread has not answered for ${Math.floor(silentMs / 1000)} s (code that never returns, in a workflow, a plugin or an activity)`;
  }

  /** Stops the engine (open runs stay open in the journal) and ends the thread. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= this.stopThread();
    return this.shuttingDown;
  }

  private async call<R>(method: EngineMethod, arg: unknown): Promise<R> {
    if (this.shuttingDown) throw new EngineShutDownError();
    const { workflowId } = typeof arg === 'object' && arg !== null ? (arg as { workflowId?: string }) : {};
    if (workflowId !== undefined) this.setAside.check(workflowId); // history and describe (an id alone) are still answered
    await this.ready;
    return new Promise<R>((resolve, reject) => {
      const id = this.nextId++;
      this.calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ type: 'call', id, method, arg } satisfies ToEngineThread);
    });
  }

  private spawn(): void {
    this.watch?.reset();
    const workerData = { ...this.options, setAside: this.setAside.active(), traceContinuations: this.traceContinuations } satisfies EngineThreadOptions;
    const worker = new Worker(WORKER_ENTRY, { workerData });
    this.worker = worker;
    this.exited = false;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromEngineThread) => {
        switch (message.type) {
          case 'ready':
            this.restartDelay = RESTART_DELAY_MS.initial;
            worker.unref(); // the server keeps the process alive, not the engine
            return resolve();
          case 'failed':
            return reject(deserializeError(message.error));
          case 'result':
            return this.settle(message.id, (call) => call.resolve(message.value));
          case 'error':
            return this.settle(message.id, (call) => call.reject(deserializeError(message.error)));
          case 'log':
            return relayLogLine(this.engineLog, message.line);
        }
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the workflow engine thread exited during start-up (code ${code})`)));
    });
    this.ready.catch(() => undefined); // a failed first start rejects `start`; a failed restart is retried below
    worker.on('error', (err) => this.log.error({ err }, 'workflow engine thread crashed'));
    worker.once('exit', (code) => this.onExit(worker, code));
  }

  /** The thread has run one workflow's code, or code nobody marked, for too long: nothing else runs there, so it is ended (and replaced, onExit). */
  private onStuck(workflowId: string | undefined, forMs: number, clock: 'cpu' | 'wall'): void {
    if (this.exited || this.ending === this.worker) return;
    this.ending = this.worker;
    // cpuMs: the thread's CPU time in that code (Linux), else wallMs.
    const spentField = { [`${clock}Ms`]: Math.round(forMs) };
    if (workflowId === undefined) {
      this.traceContinuations = true;
      this.log.error(
        { ...spentField, traceContinuations: true },
        "the engine thread ran outside any workflow's code without returning to its event loop (a loop in an activity or plugin effect past its first await, or in the engine), holding every workflow: ending it; the threads after it trace activities' code, so that a loop met again is set aside with its workflow",
      );
    } else {
      const spent = `${(forMs / 1000).toFixed(1)} s${clock === 'cpu' ? ' of CPU time' : ''}`;
      const why = `Its code ran ${spent} without returning (a loop in the workflow or in a plugin hook), holding every workflow: the engine's thread was ended and started again`;
      const setAsideForMs = this.setAside.add(workflowId, why);
      this.log.error(
        { workflowId, ...spentField, setAsideForMs },
        'workflow code ran without returning (a loop in the workflow or in a plugin hook), holding every workflow: ending the engine thread, setting this workflow aside',
      );
    }
    void this.worker.terminate();
  }

  private settle(id: number, how: (call: PendingCall) => void): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    how(call);
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    this.exited = true;
    const lost = this.shuttingDown ? new EngineShutDownError() : new EngineRestartingError(`thread ended (code ${code}) before answering`);
    for (const call of this.calls.values()) call.reject(lost);
    this.calls.clear();
    // Before the first thread is up, only one the watch ended is replaced: any other failure to start is the start's to report.
    if (this.shuttingDown || (!this.started && this.ending !== worker)) return;
    this.log.error({ code, restartInMs: this.restartDelay }, 'workflow engine thread exited; starting a new one');
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.restartDelay * 2, RESTART_DELAY_MS.max);
    const restarted = new Promise<void>((resolve) => setTimeout(resolve, delay).unref()).then(() => {
      if (this.shuttingDown) return;
      this.spawn();
      // A thread that fails to start exits, and the next is tried (above): its callers may try again too.
      this.ready = this.ready.catch((err: unknown) => {
        throw new EngineRestartingError('thread could not start', { cause: err });
      });
      return this.ready;
    });
    restarted.catch(() => undefined); // callers waiting on it get the error; nobody else need
    this.ready = restarted;
  }

  private async stopThread(): Promise<void> {
    // Between a thread's exit and its successor there is none to stop (and none is spawned once shutting down).
    if (!this.exited) {
      const worker = this.worker;
      worker.ref(); // keep the process up until the engine has stopped cleanly
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'shutdown' } satisfies ToEngineThread);
      let deadline: NodeJS.Timeout | undefined;
      const timedOut = new Promise<true>((resolve) => (deadline = setTimeout(() => resolve(true), this.stopTimeoutMs)));
      const late = await Promise.race([exited, timedOut]);
      clearTimeout(deadline);
      this.watch?.stop();
      if (late) {
        // A thread stuck in code that never returns (no WORKFLOW_CODE_TIMEOUT_MS to end it) never reads the shutdown message.
        await worker.terminate();
        throw new Error(`the workflow engine thread did not stop within ${this.stopTimeoutMs} ms (code that never returns?): terminated it; open runs are restored from the journal at the next start`);
      }
      return;
    }
    this.watch?.stop();
  }
}
