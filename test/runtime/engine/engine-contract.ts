import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateRejectedError, WorkflowAlreadyRunningError, WorkflowNotFoundError } from '../../../runtime/engine/errors';
import type { WorkflowEngine } from '../../../runtime/engine/workflow-engine';
import type { ActivityCallResult, CounterState, TimerState } from '../../fixtures/workflows/definitions';
import { eventually } from './eventually';
import type { FixtureActivityControls } from './fixture-activities';

export interface EngineHarness {
  engine: WorkflowEngine;
  controls: FixtureActivityControls;
  /** Moves workflow time forward (a ManualClock on the embedded engine); a no-op where time cannot be skipped. */
  passTime(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface EngineUnderTest {
  name: string;
  /** Whether `passTime` really skips time (timer tests need it). */
  canSkipTime: boolean;
  /** Whether validator-rejected updates appear in history (Temporal's history has no trace of them). */
  auditsRejectedUpdates: boolean;
  create(): Promise<EngineHarness>;
}

const HOUR = 3_600_000;
const alice = { kind: 'agent', id: 'alice' };

/** The behaviour every WorkflowEngine must have, run against each engine with the fixture workflows. */
export function describeEngineContract(subject: EngineUnderTest): void {
  describe(`WorkflowEngine (${subject.name})`, () => {
    let h: EngineHarness;
    let engine: WorkflowEngine;
    beforeAll(async () => {
      h = await subject.create();
      engine = h.engine;
    });
    afterAll(() => h?.close());

    const id = (prefix: string) => `${prefix}-${randomUUID()}`;
    const counterState = (workflowId: string) => engine.query<CounterState>({ workflowId, query: 'counterState' });
    const startCounter = (workflowId: string, input = {}) => engine.start({ workflowType: 'counterWorkflow', workflowId, args: [input] });
    const resultOf = async (workflowId: string) =>
      eventually(async () => {
        const completed = (await engine.history(workflowId)).filter((e) => e.kind === 'workflow_completed').at(-1);
        if (!completed) throw new Error(`${workflowId} has not completed`);
        return (completed.details as { result: unknown }).result;
      });

    describe('#start', () => {
      it('starts a workflow and reports it running', async () => {
        const workflowId = id('start');
        const { runId } = await startCounter(workflowId);
        expect(await engine.describe(workflowId)).toEqual({ status: 'running', runId });
        expect((await counterState(workflowId)).count).toBe(0);
      });

      it('rejects a second start of a running id with WorkflowAlreadyRunningError', async () => {
        const workflowId = id('dup');
        await startCounter(workflowId);
        const second = startCounter(workflowId);
        await expect(second).rejects.toBeInstanceOf(WorkflowAlreadyRunningError);
        await expect(second).rejects.toMatchObject({ code: 'ERR_WORKFLOW_ALREADY_RUNNING' });
      });

      it('starts a new run once the previous one closed', async () => {
        const workflowId = id('restart');
        const first = await startCounter(workflowId);
        await engine.signal({ workflowId, signal: 'finish', args: [{}] });
        await eventually(async () => expect((await engine.describe(workflowId)).status).toBe('completed'));
        const second = await startCounter(workflowId, { count: 5 });
        expect(second.runId).not.toBe(first.runId);
        expect((await counterState(workflowId)).count).toBe(5);
      });
    });

    describe('#describe', () => {
      it('reports not_found for an unknown id', async () => {
        expect(await engine.describe(id('nobody'))).toEqual({ status: 'not_found' });
      });
    });

    describe('#signal', () => {
      it('delivers signals in the order they were sent', async () => {
        const workflowId = id('signals');
        await startCounter(workflowId);
        // One after the other: calls under way at once (gRPC on Temporal) have no order.
        for (const by of [1, 2, 3, 4]) await engine.signal({ workflowId, signal: 'increment', args: [{ by }] });
        expect((await counterState(workflowId)).log).toEqual(['+1', '+2', '+3', '+4']);
      });

      it('rejects with WorkflowNotFoundError when no run is open', async () => {
        await expect(engine.signal({ workflowId: id('none'), signal: 'increment', args: [{ by: 1 }] })).rejects.toBeInstanceOf(WorkflowNotFoundError);
      });
    });

    describe('#signalEach', () => {
      it('delivers the signals in list order, after those sent before', async () => {
        const workflowId = id('signal-each');
        await startCounter(workflowId);
        await engine.signal({ workflowId, signal: 'increment', args: [{ by: 1 }] });
        await engine.signalEach({ workflowId, signal: 'increment', argsList: [[{ by: 2 }], [{ by: 3 }], [{ by: 4 }]] });
        expect((await counterState(workflowId)).log).toEqual(['+1', '+2', '+3', '+4']);
      });

      it('rejects with WorkflowNotFoundError when no run is open', async () => {
        await expect(engine.signalEach({ workflowId: id('none-each'), signal: 'increment', argsList: [[{ by: 1 }]] })).rejects.toBeInstanceOf(WorkflowNotFoundError);
      });
    });

    describe('#signalWithStart', () => {
      it('starts the workflow with the signal when none is running', async () => {
        const workflowId = id('sws');
        await engine.signalWithStart({ workflowType: 'counterWorkflow', workflowId, args: [{ count: 10 }], signal: 'increment', signalArgs: [{ by: 2 }] });
        expect((await counterState(workflowId)).count).toBe(12);
      });

      it('signals the running workflow without starting another run', async () => {
        const workflowId = id('sws-running');
        const { runId } = await startCounter(workflowId);
        await engine.signalWithStart({ workflowType: 'counterWorkflow', workflowId, args: [{ count: 100 }], signal: 'increment', signalArgs: [{ by: 1 }] });
        expect((await counterState(workflowId)).count).toBe(1);
        expect((await engine.describe(workflowId)).runId).toBe(runId);
      });
    });

    describe('#executeUpdate', () => {
      it('returns the handler result', async () => {
        const workflowId = id('update');
        await startCounter(workflowId);
        expect(await engine.executeUpdate<number>({ workflowId, update: 'setCount', args: [{ value: 7, actor: alice }] })).toBe(7);
        expect((await counterState(workflowId)).count).toBe(7);
      });

      it('rejects with the validator message and leaves no trace in state', async () => {
        const workflowId = id('rejected');
        await startCounter(workflowId, { count: 3 });
        const update = engine.executeUpdate({ workflowId, update: 'setCount', args: [{ value: -1, actor: alice }] });
        await expect(update).rejects.toBeInstanceOf(UpdateRejectedError);
        await expect(update).rejects.toMatchObject({ message: 'count must not be negative', code: 'ERR_UPDATE_REJECTED' });
        expect(await counterState(workflowId)).toMatchObject({ count: 3, log: [] });
      });

      it('rejects with the message of an ApplicationFailure thrown by the handler', async () => {
        const workflowId = id('handler-fails');
        await startCounter(workflowId);
        await expect(engine.executeUpdate({ workflowId, update: 'failInHandler', args: [{ reason: 'nope' }] })).rejects.toMatchObject({
          name: 'UpdateRejectedError',
          message: 'nope',
        });
      });

      it('starts the workflow when it is missing (update-with-start)', async () => {
        const workflowId = id('uws');
        const startIfMissing = { workflowType: 'counterWorkflow', args: [{ count: 1 }] };
        expect(await engine.executeUpdate<number>({ workflowId, update: 'setCount', args: [{ value: 4 }], startIfMissing })).toBe(4);
        expect(await engine.executeUpdate<number>({ workflowId, update: 'setCount', args: [{ value: 5 }], startIfMissing })).toBe(5);
        expect((await counterState(workflowId)).log).toEqual(['=4', '=5']);
      });

      it('rejects with WorkflowNotFoundError for an unknown id', async () => {
        await expect(engine.executeUpdate({ workflowId: id('none'), update: 'setCount', args: [{ value: 1 }] })).rejects.toBeInstanceOf(WorkflowNotFoundError);
      });

      it('runs an update id once: sent again after it ended, it answers the first outcome', async () => {
        const workflowId = id('update-id');
        await startCounter(workflowId);
        const updateId = id('retry');
        expect(await engine.executeUpdate<number>({ workflowId, update: 'setCount', args: [{ value: 7 }], updateId })).toBe(7);
        await engine.signal({ workflowId, signal: 'increment', args: [{ by: 1 }] });
        expect(await engine.executeUpdate<number>({ workflowId, update: 'setCount', args: [{ value: 9 }], updateId })).toBe(7);
        expect(await counterState(workflowId)).toMatchObject({ count: 8, log: ['=7', '+1'] });
      });

      it('runs an update id once when it is sent twice at the same time', async () => {
        const workflowId = id('update-id-twice');
        await startCounter(workflowId);
        const updateId = id('same');
        const twice = [3, 3].map((value) => engine.executeUpdate<number>({ workflowId, update: 'setCount', args: [{ value }], updateId }));
        expect(await Promise.all(twice)).toEqual([3, 3]);
        expect((await counterState(workflowId)).log).toEqual(['=3']);
      });

      it('answers the failure of an update id whose handler failed, again', async () => {
        const workflowId = id('update-id-failed');
        await startCounter(workflowId);
        const updateId = id('fails');
        for (const reason of ['first', 'second']) {
          await expect(engine.executeUpdate({ workflowId, update: 'failInHandler', args: [{ reason }], updateId })).rejects.toMatchObject({
            name: 'UpdateRejectedError',
            message: 'first',
          });
        }
      });

      it('lets an update id its validator rejected be tried again', async () => {
        const workflowId = id('update-id-rejected');
        await startCounter(workflowId, { count: 2 });
        const updateId = id('rejected');
        await expect(engine.executeUpdate({ workflowId, update: 'setCount', args: [{ value: -1 }], updateId })).rejects.toBeInstanceOf(UpdateRejectedError);
        expect(await engine.executeUpdate<number>({ workflowId, update: 'setCount', args: [{ value: 5 }], updateId })).toBe(5);
      });
    });

    describe('#query', () => {
      it('answers from the current state, including patched() decisions', async () => {
        const workflowId = id('query');
        await startCounter(workflowId, { count: 2 });
        expect(await counterState(workflowId)).toEqual({ count: 2, runs: 1, log: [], version: 2 });
      });

      it('rejects with WorkflowNotFoundError for an unknown id', async () => {
        await expect(engine.query({ workflowId: id('none'), query: 'counterState' })).rejects.toBeInstanceOf(WorkflowNotFoundError);
      });

      it('rejects with WorkflowNotFoundError once the workflow has finished', async () => {
        const workflowId = id('query-closed');
        await startCounter(workflowId);
        await engine.signal({ workflowId, signal: 'finish', args: [{}] });
        await eventually(async () => expect((await engine.describe(workflowId)).status).toBe('completed'));
        await expect(counterState(workflowId)).rejects.toBeInstanceOf(WorkflowNotFoundError);
      });
    });

    describe('timers', () => {
      it.skipIf(!subject.canSkipTime)('fires a 4-hour timer when the time has passed', async () => {
        const workflowId = id('timer');
        await engine.start({ workflowType: 'timerWorkflow', workflowId, args: [] });
        await h.passTime(4 * HOUR - 1_000);
        expect(await engine.query<TimerState>({ workflowId, query: 'timerState' })).toEqual({ phase: 'sleeping' });
        await h.passTime(1_000);
        expect(await engine.query<TimerState>({ workflowId, query: 'timerState' })).toEqual({ phase: 'waiting-for-poke' });
        await engine.signal({ workflowId, signal: 'poke', args: [{ actor: alice }] });
        expect(await resultOf(workflowId)).toBe('poked');
      });

      it.skipIf(!subject.canSkipTime)('times out a condition', async () => {
        const workflowId = id('timeout');
        await engine.start({ workflowType: 'timerWorkflow', workflowId, args: [] });
        await h.passTime(4 * HOUR);
        await h.passTime(30 * 60_000);
        expect(await resultOf(workflowId)).toBe('timed-out');
      });
    });

    describe('activities', () => {
      const callActivity = async (activity: string, key: string) => {
        const workflowId = id(key);
        await engine.start({ workflowType: 'activityWorkflow', workflowId, args: [{ activity, key }] });
        return workflowId;
      };

      it('retries a failing activity until it succeeds', async () => {
        const key = id('flaky');
        h.controls.failNext(key, 2);
        const workflowId = await callActivity('flaky', key);
        await eventually(() => expect(h.controls.attemptsOf(key)).toEqual([1]));
        await h.passTime(1_000);
        await eventually(() => expect(h.controls.attemptsOf(key)).toEqual([1, 2]));
        await h.passTime(2_000);
        expect(await resultOf(workflowId)).toEqual({ ok: true, value: `${key} done on attempt 3` });
        expect(h.controls.attemptsOf(key)).toEqual([1, 2, 3]);
      });

      it('does not retry an error type the retry policy names as non-retryable', async () => {
        const key = id('bad-input');
        const workflowId = await callActivity('rejectInput', key);
        expect(await resultOf(workflowId)).toEqual<ActivityCallResult>({ ok: false, message: `bad input ${key}`, cause: 'BadInput' });
        expect(h.controls.attemptsOf(key)).toEqual([1]);
      });

      it('does not retry ApplicationFailure.nonRetryable', async () => {
        const key = id('fatal');
        const workflowId = await callActivity('flaky', key);
        expect(await resultOf(workflowId)).toEqual<ActivityCallResult>({ ok: false, message: `fatal failure of ${key}`, cause: 'Fatal' });
        expect(h.controls.attemptsOf(key)).toEqual([1]);
      });

      it('cancels a running activity through its Context', async () => {
        const key = id('cancel');
        const workflowId = await callActivity('waitForCancel', key);
        await eventually(() => expect(h.controls.isWaiting(key)).toBe(true));
        await engine.signal({ workflowId, signal: 'cancelActivity', args: [{}] });
        expect(await resultOf(workflowId)).toEqual({ ok: false, message: 'cancelled' });
        await eventually(() => expect(h.controls.wasCancelled(key)).toBe(true));
      });
    });

    describe('continue-as-new', () => {
      it('continues as new after N signals and loses none sent during the switch', async () => {
        const workflowId = id('can');
        const { runId } = await startCounter(workflowId, { signalsPerRun: 3 });
        await Promise.all(Array.from({ length: 10 }, () => engine.signal({ workflowId, signal: 'increment', args: [{ by: 1 }] })));
        const state = await eventually(async () => {
          const s = await counterState(workflowId);
          expect(s.count).toBe(10);
          return s;
        });
        // Signals that queue up while one activation runs are delivered together, so runs can hold more than 3.
        expect(state.runs).toBeGreaterThanOrEqual(2);
        const described = await engine.describe(workflowId);
        expect(described.status).toBe('running');
        expect(described.runId).not.toBe(runId);
      });
    });

    describe('#history', () => {
      it('is empty for an unknown id', async () => {
        expect(await engine.history(id('nobody'))).toEqual([]);
      });

      it('lists what happened in order, with actors, across runs', async () => {
        const workflowId = id('history');
        await startCounter(workflowId, { signalsPerRun: 2 });
        await engine.signal({ workflowId, signal: 'increment', args: [{ by: 1, actor: alice }] });
        await expect(engine.executeUpdate({ workflowId, update: 'setCount', args: [{ value: -5, actor: alice }] })).rejects.toThrow();
        await engine.executeUpdate({ workflowId, update: 'setCount', args: [{ value: 9, actor: alice }] });
        await engine.signal({ workflowId, signal: 'increment', args: [{ by: 1, actor: { kind: 'visitor', id: 'v1' } }] });
        await eventually(async () => expect((await counterState(workflowId)).runs).toBe(2));

        const trail = await engine.history(workflowId);
        expect(trail.map((e) => e.index)).toEqual(trail.map((_, i) => i + 1));
        const kinds = trail.map((e) => e.kind);
        expect(kinds.filter((k) => k === 'workflow_started')).toHaveLength(2);
        expect(kinds).toContain('continued_as_new');
        const interesting = trail.filter((e) => e.kind === 'signal_received' || e.kind.startsWith('update_'));
        const rejection = subject.auditsRejectedUpdates ? [['update_rejected', 'setCount', 'alice']] : [];
        expect(interesting.map((e) => [e.kind, e.name, e.actor?.id])).toEqual([
          ['signal_received', 'increment', 'alice'],
          ...rejection,
          ['update_accepted', 'setCount', 'alice'],
          ['update_completed', 'setCount', 'alice'],
          ['signal_received', 'increment', 'v1'],
        ]);
        if (subject.auditsRejectedUpdates) expect(interesting[1]?.summary).toBe('count must not be negative');
        expect(trail.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
      });
    });
  });
}
