import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/engine/clock';
import type { EmbeddedEngine } from '../../../runtime/engine/embedded/embedded-engine';
import type { JournalRecord } from '../../../runtime/engine/journal-store';
import { MemoryJournalStore } from '../../../runtime/engine/memory-journal-store';
import { eventually } from './eventually';
import { createFixtureActivities } from './fixture-activities';
import { useFixtureEngines } from './fixture-engine';

const HOUR = 3_600_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EmbeddedEngine#shutdown', () => {
  const createEngine = useFixtureEngines();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  /** The fixture activities, with `slowWrite`'s first call held until the test lets it end (it ignores cancellation, as a database write would). */
  function holdFirstSlowWrite(end: 'returns' | 'throws') {
    const controls = createFixtureActivities();
    const calls: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slowWrite = async (key: string) => {
      calls.push(key);
      if (calls.length === 1) {
        await released;
        if (end === 'throws') throw new Error('write failed');
      }
      return `${key} written`;
    };
    return { controls: { ...controls, activities: { ...controls.activities, slowWrite } }, calls, release };
  }

  /**
   * Shuts the engine down while an activation waits on the journal: shutdown lets it finish before it stops
   * the run's activities and timers, so they can end after shutdown began (with none under way, it stops them at once).
   */
  async function shutDownDuringActivation(engine: EmbeddedEngine, journal: ClosableJournalStore, workflowId: string) {
    journal.gate();
    const signalled = engine.signal({ workflowId, signal: 'poke', args: [{}] });
    await eventually(() => expect(journal.held).toBe(1));
    return { shutdown: engine.shutdown(), signalled };
  }

  /** Closes the journal as the app closes its store, checks nothing leaked past shutdown, then starts the next engine on it. */
  async function closeCleanlyThenRestart<E>(journal: ClosableJournalStore, next: () => Promise<E>): Promise<E> {
    journal.close();
    await pause(50);
    expect(unhandled).toEqual([]);
    expect(journal.inFlightAtClose).toBe(0);
    expect(journal.lateAppends).toEqual([]);
    journal.reopen();
    return next();
  }

  it('drops an activity result that arrives after shutdown; the next engine runs the activity again', async () => {
    const journal = new ClosableJournalStore();
    const clock = new ManualClock();
    const { controls, calls, release } = holdFirstSlowWrite('returns');
    const first = await createEngine({ journal, clock, controls });
    const workflowId = `late-activity-${randomUUID()}`;
    await first.engine.start({ workflowType: 'activityWorkflow', workflowId, args: [{ activity: 'slowWrite', key: workflowId }] });
    await eventually(() => expect(calls).toHaveLength(1));

    const { shutdown, signalled } = await shutDownDuringActivation(first.engine, journal, workflowId);
    release();
    await pause(50);
    journal.open();
    await shutdown;
    await signalled;
    const second = await closeCleanlyThenRestart(journal, () => createEngine({ journal, clock, controls }));
    await eventually(async () => expect((await second.engine.describe(workflowId)).status).toBe('completed'));
    expect(calls).toEqual([workflowId, workflowId]);
    const attempts = (await journal.readRun((await second.engine.describe(workflowId)).runId!)).filter((r) => r.type === 'activity_attempt');
    expect(attempts).toMatchObject([{ attempt: 1, outcome: 'completed' }]);
  });

  it('waits for an activity attempt being journaled, and the next engine retries the activity', async () => {
    const journal = new ClosableJournalStore();
    const clock = new ManualClock();
    const { controls, calls, release } = holdFirstSlowWrite('throws');
    const first = await createEngine({ journal, clock, controls });
    const workflowId = `journaling-attempt-${randomUUID()}`;
    await first.engine.start({ workflowType: 'activityWorkflow', workflowId, args: [{ activity: 'slowWrite', key: workflowId }] });
    await eventually(() => expect(calls).toHaveLength(1));

    journal.gate();
    release();
    await eventually(() => expect(journal.held).toBe(1));
    let shutDown = false;
    const shutdown = first.engine.shutdown().then(() => (shutDown = true));
    await pause(50);
    expect(shutDown).toBe(false);
    journal.open();
    await shutdown;
    const second = await closeCleanlyThenRestart(journal, () => createEngine({ journal, clock, controls }));
    await clock.advance(1_000);
    await eventually(async () => expect((await second.engine.describe(workflowId)).status).toBe('completed'));
    expect(calls).toEqual([workflowId, workflowId]);
  });

  it('drops a timer that fires after shutdown; the next engine fires it again', async () => {
    const journal = new ClosableJournalStore();
    // The activation held by the journal is tracked work: time must not wait long for it.
    const clock = new ManualClock(undefined, { settleLimitMs: 50 });
    const first = await createEngine({ journal, clock });
    const workflowId = `late-timer-${randomUUID()}`;
    await first.engine.start({ workflowType: 'timerWorkflow', workflowId, args: [] });
    // Answered after the first activation, so the one held below is the signal's.
    await first.engine.query({ workflowId, query: 'timerState' });

    const { shutdown, signalled } = await shutDownDuringActivation(first.engine, journal, workflowId);
    await clock.advance(4 * HOUR);
    journal.open();
    await shutdown;
    await signalled;
    const second = await closeCleanlyThenRestart(journal, () => createEngine({ journal, clock }));
    await clock.advance(0);
    await eventually(async () => expect((await second.engine.describe(workflowId)).status).toBe('completed'));
    const history = await journal.readRun((await second.engine.describe(workflowId)).runId!);
    expect(history.filter((r) => r.type === 'activation' && JSON.stringify(r.jobs).includes('fireTimer'))).toHaveLength(1);
  });
});

/**
 * A journal whose appends can be held back, and which can be closed as a database client is at app
 * shutdown: appends made while closed are kept aside (and fail), and so is the count of appends under way when it closed.
 */
class ClosableJournalStore extends MemoryJournalStore {
  held = 0;
  inFlightAtClose = 0;
  readonly lateAppends: JournalRecord[][] = [];
  private inFlight = 0;
  private closed = false;
  private gateOpened?: Promise<void>;
  private openGate?: () => void;

  gate(): void {
    this.gateOpened = new Promise((resolve) => (this.openGate = resolve));
  }

  open(): void {
    this.openGate?.();
    this.gateOpened = undefined;
  }

  close(): void {
    this.closed = true;
    this.inFlightAtClose = this.inFlight;
  }

  reopen(): void {
    this.closed = false;
  }

  override async append(records: readonly JournalRecord[]): Promise<void> {
    if (this.closed) {
      this.lateAppends.push([...records]);
      throw new Error('client was closed');
    }
    this.inFlight++;
    try {
      if (this.gateOpened) {
        this.held++;
        await this.gateOpened;
        this.held--;
      }
      return await super.append(records);
    } finally {
      this.inFlight--;
    }
  }
}
