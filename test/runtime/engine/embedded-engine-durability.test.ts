import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/engine/clock';
import type { EmbeddedEngine } from '../../../runtime/engine/embedded/embedded-engine';
import { WorkflowSetAsideError } from '../../../runtime/engine/errors';
import type { JournalRecord } from '../../../runtime/engine/journal-store';
import { MemoryJournalStore } from '../../../runtime/engine/memory-journal-store';
import { MongoJournalStore } from '../../../runtime/engine/mongo-journal-store';
import type { CounterState, TimerState } from '../../fixtures/workflows/definitions';
import { freshDbName, useMongoClient } from '../../support/mongo';
import { eventually } from './eventually';
import { silentLogger } from './silent-logger';
import { createFixtureActivities } from './fixture-activities';
import { useFixtureEngines } from './fixture-engine';

const HOUR = 3_600_000;

describe('EmbeddedEngine', () => {
  const createEngine = useFixtureEngines();
  const counterState = (engine: EmbeddedEngine, workflowId: string) => engine.query<CounterState>({ workflowId, query: 'counterState' });

  describe('.create', () => {
    it('restores open workflows from the journal by replay, timers and activities included', async () => {
      const journal = new MemoryJournalStore();
      const clock = new ManualClock();
      const controls = createFixtureActivities();
      const first = await createEngine({ journal, clock, controls });
      const counter = `counter-${randomUUID()}`;
      const timer = `timer-${randomUUID()}`;
      const activity = `activity-${randomUUID()}`;
      await first.engine.start({ workflowType: 'counterWorkflow', workflowId: counter, args: [{ signalsPerRun: 4 }] });
      for (const by of [1, 2, 3, 4, 5]) await first.engine.signal({ workflowId: counter, signal: 'increment', args: [{ by }] });
      await first.engine.executeUpdate({ workflowId: counter, update: 'setCount', args: [{ value: 100 }] });
      await expect(first.engine.executeUpdate({ workflowId: counter, update: 'setCount', args: [{ value: -1 }] })).rejects.toThrow();
      await first.engine.start({ workflowType: 'timerWorkflow', workflowId: timer, args: [] });
      await clock.advance(HOUR);
      controls.failNext(activity, 1);
      await first.engine.start({ workflowType: 'activityWorkflow', workflowId: activity, args: [{ activity: 'flaky', key: activity }] });
      await eventually(() => expect(controls.attemptsOf(activity)).toEqual([1]));
      const before = await counterState(first.engine, counter);
      await first.engine.shutdown();

      const second = await createEngine({ journal, clock, controls });
      expect(await counterState(second.engine, counter)).toEqual(before);
      await second.engine.signal({ workflowId: counter, signal: 'increment', args: [{ by: 1 }] });
      expect((await counterState(second.engine, counter)).count).toBe(101);

      expect(await second.engine.query<TimerState>({ workflowId: timer, query: 'timerState' })).toEqual({ phase: 'sleeping' });
      await clock.advance(3 * HOUR);
      expect(await second.engine.query<TimerState>({ workflowId: timer, query: 'timerState' })).toEqual({ phase: 'waiting-for-poke' });

      await clock.advance(1_000);
      await eventually(async () => expect((await second.engine.describe(activity)).status).toBe('completed'));
      expect(controls.attemptsOf(activity)).toEqual([1, 2]);
    });

    it('answers an update id that ended before the restart with its outcome, without running it again', async () => {
      const journal = new MemoryJournalStore();
      const first = await createEngine({ journal });
      const workflowId = `update-id-${randomUUID()}`;
      await first.engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{}] });
      expect(await first.engine.executeUpdate<number>({ workflowId, update: 'setCount', args: [{ value: 4 }], updateId: 'set-4' })).toBe(4);
      await expect(first.engine.executeUpdate({ workflowId, update: 'failInHandler', args: [{ reason: 'broken' }], updateId: 'fail' })).rejects.toThrow('broken');
      await first.engine.shutdown();

      const second = await createEngine({ journal });
      expect(await second.engine.executeUpdate<number>({ workflowId, update: 'setCount', args: [{ value: 6 }], updateId: 'set-4' })).toBe(4);
      await expect(second.engine.executeUpdate({ workflowId, update: 'failInHandler', args: [{ reason: 'other' }], updateId: 'fail' })).rejects.toThrow('broken');
      expect(await counterState(second.engine, workflowId)).toMatchObject({ count: 4, log: ['=4'] });
    });

    it('lets a retry after a restart wait for an update that was under way, without running it again', async () => {
      const journal = new MemoryJournalStore();
      const first = await createEngine({ journal });
      const workflowId = `update-under-way-${randomUUID()}`;
      await first.engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{}] });
      const lost = first.engine.executeUpdate({ workflowId, update: 'awaitCount', args: [{ atLeast: 2 }], updateId: 'await-2' });
      await eventually(async () => expect((await counterState(first.engine, workflowId)).log).toEqual(['?2']));
      await first.engine.shutdown();
      await expect(lost).rejects.toThrow();

      const second = await createEngine({ journal });
      const retry = second.engine.executeUpdate<number>({ workflowId, update: 'awaitCount', args: [{ atLeast: 1 }], updateId: 'await-2' });
      await second.engine.signal({ workflowId, signal: 'increment', args: [{ by: 1 }] });
      await second.engine.signal({ workflowId, signal: 'increment', args: [{ by: 1 }] });
      expect(await retry).toBe(2);
      expect((await counterState(second.engine, workflowId)).log).toEqual(['?2', '+1', '+1']);
    });

    it('fires timers that fell due while no engine ran as soon as it starts', async () => {
      const journal = new MemoryJournalStore();
      const clock = new ManualClock();
      const first = await createEngine({ journal, clock });
      const workflowId = `timer-${randomUUID()}`;
      await first.engine.start({ workflowType: 'timerWorkflow', workflowId, args: [] });
      await first.engine.shutdown();
      await clock.advance(5 * HOUR);

      const second = await createEngine({ journal, clock });
      await clock.advance(0);
      expect(await second.engine.query<TimerState>({ workflowId, query: 'timerState' })).toEqual({ phase: 'waiting-for-poke' });
    });
  });

  describe('continue-as-new', () => {
    it('names the next run in the closing record of the run it continues', async () => {
      const { engine, journal } = await createEngine();
      const workflowId = `continued-${randomUUID()}`;
      const { runId } = await engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{ signalsPerRun: 1 }] });
      await engine.signal({ workflowId, signal: 'increment', args: [{ by: 1 }] });
      const nextRunId = (await engine.describe(workflowId)).runId;
      expect(nextRunId).not.toBe(runId);
      expect((await journal.readRun(runId)).at(-1)).toMatchObject({ type: 'run_closed', status: 'continued', nextRunId });
      expect((await journal.readRun(nextRunId!))[0]).toMatchObject({ type: 'run_started', continuedFromRunId: runId });
    });
  });


  describe('restoring open runs after a restart', () => {
    /** Two counters with counts 1 and 2 left open in a journal whose reads are held from then on. */
    const twoOpenCounters = async () => {
      const journal = new ReadGatedJournalStore();
      const first = await createEngine({ journal });
      const ids = [`held-a-${randomUUID()}`, `held-b-${randomUUID()}`];
      const runIds: string[] = [];
      for (const [i, workflowId] of ids.entries()) {
        runIds.push((await first.engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{}] })).runId);
        await first.engine.executeUpdate({ workflowId, update: 'setCount', args: [{ value: i + 1 }] });
      }
      await first.engine.shutdown();
      journal.holdReads();
      return { journal, ids, runIds };
    };

    it('hands the engine back before reading the open runs, and restores a run first when it is called', async () => {
      const { journal, ids } = await twoOpenCounters();
      const { engine } = await createEngine({ journal });
      let restoredAll = false;
      void engine.whenRestored().then(() => (restoredAll = true));
      const state = counterState(engine, ids[1]!);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(restoredAll).toBe(false);
      journal.releaseReads();
      expect(await state).toMatchObject({ count: 2 });
      await engine.whenRestored();
      expect(await counterState(engine, ids[0]!)).toMatchObject({ count: 1 });
    });

    it('restores a run once when a call and the background restore both want it, so a start finds it open', async () => {
      const { journal, ids, runIds } = await twoOpenCounters();
      const { engine } = await createEngine({ journal });
      const workflowId = ids[0]!;
      const calls = [
        engine.signal({ workflowId, signal: 'increment', args: [{ by: 10 }] }),
        engine.signalWithStart({ workflowType: 'counterWorkflow', workflowId, args: [{}], signal: 'increment', signalArgs: [{ by: 100 }] }),
        engine.describe(workflowId),
      ];
      journal.releaseReads();
      await Promise.all(calls);
      await engine.whenRestored();
      expect(await counterState(engine, workflowId)).toMatchObject({ count: 111 });
      expect(await counterState(engine, ids[1]!)).toMatchObject({ count: 2 });
      // Each run read as often: once to restore, once to replay it into a live instance.
      const readsOf = (runId: string | undefined) => journal.reads.filter((read) => read === runId).length;
      expect(readsOf(runIds[0])).toBe(readsOf(runIds[1]));
    });

    it('logs a run it could not restore and tries it again in the background, serving the others meanwhile', async () => {
      const { journal, ids, runIds } = await twoOpenCounters();
      const errors: string[] = [];
      const logger = { ...silentLogger, error: (message: string) => void errors.push(message) };
      journal.failNextReadOf(runIds[0]!);
      journal.releaseReads();
      const { engine, clock } = await createEngine({ journal, logger });
      await eventually(() => expect(errors).toEqual([expect.stringContaining('restoring an open workflow run failed')]));
      expect(await counterState(engine, ids[1]!)).toMatchObject({ count: 2 });
      // Nobody calls it (a run waiting on a timer): it is tried again all the same, a second on.
      let restoredAll = false;
      void engine.whenRestored().then(() => (restoredAll = true));
      await clock.advance(1_000);
      await eventually(() => expect(restoredAll).toBe(true));
      expect(journal.reads.filter((read) => read === runIds[0]).length).toBe(2);
      expect(await counterState(engine, ids[0]!)).toMatchObject({ count: 1 });
    });

    it('leaves a run set aside unrestored until its time is up: its due timer waits, its calls are refused, the others run', async () => {
      const journal = new MemoryJournalStore();
      const clock = new ManualClock();
      const first = await createEngine({ journal, clock });
      const [stuck, other] = [`timer-aside-${randomUUID()}`, `timer-${randomUUID()}`];
      for (const workflowId of [stuck, other]) await first.engine.start({ workflowType: 'timerWorkflow', workflowId, args: [] });
      const { runId } = await first.engine.describe(stuck);
      await first.engine.shutdown();
      await clock.advance(5 * HOUR);
      const recordsBefore = (await journal.readRun(runId!)).length;

      const setAside = new Map([[stuck, { until: clock.now() + HOUR, why: 'Its code ran 5.0 s without returning' }]]);
      const { engine } = await createEngine({ journal, clock, setAside });
      await clock.advance(0);
      expect(await engine.query<TimerState>({ workflowId: other, query: 'timerState' })).toEqual({ phase: 'waiting-for-poke' });
      await expect(engine.query({ workflowId: stuck, query: 'timerState' })).rejects.toBeInstanceOf(WorkflowSetAsideError);
      await expect(engine.signal({ workflowId: stuck, signal: 'poke', args: [] })).rejects.toBeInstanceOf(WorkflowSetAsideError);
      await expect(engine.start({ workflowType: 'timerWorkflow', workflowId: stuck, args: [] })).rejects.toBeInstanceOf(WorkflowSetAsideError);
      expect(await engine.describe(stuck)).toEqual({ status: 'running', runId });
      // Nothing of the run moved but the record of why it is set aside, which its audit trail shows.
      await eventually(async () => expect((await journal.readRun(runId!)).length).toBe(recordsBefore + 1));
      expect((await engine.history(stuck)).at(-1)).toMatchObject({ kind: 'workflow_task_failed', summary: expect.stringMatching(/^Its code ran 5\.0 s without returning; set aside until 2025-/) });
      // An engine started again within the set-aside does not record it twice.
      await engine.shutdown();
      const told: string[] = [];
      const { engine: again } = await createEngine({ journal, clock, setAside, logger: { ...silentLogger, info: (message: string) => void told.push(message) } });
      await eventually(() => expect(told).toContain('open workflow runs restored'));
      expect((await journal.readRun(runId!)).length).toBe(recordsBefore + 1);
      // One started later without being told (the server restarted) finds it in the journal and leaves it aside as long.
      await again.shutdown();
      const { engine: restarted } = await createEngine({ journal, clock });
      await expect(restarted.query({ workflowId: stuck, query: 'timerState' })).rejects.toBeInstanceOf(WorkflowSetAsideError);
      expect(await restarted.query<TimerState>({ workflowId: other, query: 'timerState' })).toEqual({ phase: 'waiting-for-poke' });

      await clock.advance(HOUR);
      await restarted.whenRestored();
      expect(await restarted.query<TimerState>({ workflowId: stuck, query: 'timerState' })).toEqual({ phase: 'waiting-for-poke' });
      await restarted.signal({ workflowId: stuck, signal: 'poke', args: [] });
      await eventually(async () => expect((await restarted.describe(stuck)).status).toBe('completed'));
      expect((await journal.readRun(runId!)).filter((record) => record.type === 'task_failed')).toHaveLength(1);
    });

    describe('from a MongoDB journal', () => {
      const mongoClient = useMongoClient();

      it('restores the run a continue-as-new opened when the thread ended before the runs\' summaries were written', async () => {
        const db = mongoClient().db(freshDbName('engine_continued'));
        const first = await createEngine({ journal: await MongoJournalStore.open(db) });
        const workflowId = `continued-${randomUUID()}`;
        const { runId } = await first.engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{ signalsPerRun: 2 }] });
        for (const by of [1, 2]) await first.engine.signal({ workflowId, signal: 'increment', args: [{ by }] });
        const nextRunId = (await first.engine.describe(workflowId)).runId;
        await first.engine.shutdown();
        // The summaries as they were before the write that continued the run: its second command never ran.
        const summaries = db.collection('workflow_journal_runs');
        await summaries.updateOne({ runId }, { $set: { status: 'running' }, $unset: { closedAt: '' } });
        await summaries.deleteOne({ runId: nextRunId });

        const { engine } = await createEngine({ journal: await MongoJournalStore.open(db) });
        expect(await engine.describe(workflowId)).toEqual({ status: 'running', runId: nextRunId });
        await engine.signal({ workflowId, signal: 'increment', args: [{ by: 4 }] });
        expect(await counterState(engine, workflowId)).toMatchObject({ count: 7, runs: 2 });
      });
    });
  });

  describe('instance cache', () => {
    it('evicts idle instances beyond its size and rebuilds them by replay with the same state', async () => {
      const { engine } = await createEngine({ cacheSize: 2 });
      const ids = Array.from({ length: 5 }, (_, i) => `evict-${i}-${randomUUID()}`);
      for (const [i, workflowId] of ids.entries()) {
        await engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{ signalsPerRun: 3 }] });
        for (let n = 0; n <= i; n++) await engine.signal({ workflowId, signal: 'increment', args: [{ by: 10 }] });
        await engine.executeUpdate({ workflowId, update: 'setCount', args: [{ value: i }] });
        await engine.signal({ workflowId, signal: 'increment', args: [{ by: 1 }] });
      }
      expect(engine.liveInstances).toBeLessThanOrEqual(2);
      for (const [i, workflowId] of ids.entries()) {
        expect(await counterState(engine, workflowId)).toMatchObject({ count: i + 1, version: 2 });
      }
      expect(engine.liveInstances).toBeLessThanOrEqual(2);
    });
  });

  describe('#signal', () => {
    it('resolves only once the signal is in the journal', async () => {
      const journal = new GatedJournalStore();
      const { engine } = await createEngine({ journal });
      const workflowId = `gated-${randomUUID()}`;
      await engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{}] });
      await eventually(async () => expect((await journal.readRun((await engine.describe(workflowId)).runId!)).length).toBe(2));

      journal.gate();
      let acknowledged = false;
      const signal = engine.signal({ workflowId, signal: 'increment', args: [{ by: 1 }] }).then(() => (acknowledged = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(acknowledged).toBe(false);
      journal.open();
      await signal;
      const records = await journal.readRun((await engine.describe(workflowId)).runId!);
      expect(records.at(-1)).toMatchObject({ type: 'activation', jobs: [{ signalWorkflow: { signalName: 'increment' } }] });
    });
  });
});

/** A journal whose run reads can be held back or made to fail, to see what waits for a restore. */
class ReadGatedJournalStore extends MemoryJournalStore {
  readonly reads: string[] = [];
  private held?: Promise<void>;
  private release?: () => void;
  private readonly failing = new Set<string>();

  holdReads(): void {
    this.reads.length = 0;
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  releaseReads(): void {
    this.release?.();
  }

  failNextReadOf(runId: string): void {
    this.failing.add(runId);
  }

  override async readRun(runId: string): Promise<JournalRecord[]> {
    this.reads.push(runId);
    await this.held;
    if (this.failing.delete(runId)) throw new Error('journal read failed');
    return super.readRun(runId);
  }
}

/** A journal whose appends can be held back, to see what waits for durability. */
class GatedJournalStore extends MemoryJournalStore {
  private held?: Promise<void>;
  private release?: () => void;

  gate(): void {
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
    this.held = undefined;
  }

  override async append(records: readonly JournalRecord[]): Promise<void> {
    await this.held;
    return super.append(records);
  }
}
