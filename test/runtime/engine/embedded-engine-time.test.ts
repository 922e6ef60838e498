import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/engine/clock';
import type { EmbeddedEngine } from '../../../runtime/engine/embedded/embedded-engine';
import type { ActivityAttemptRecord } from '../../../runtime/engine/journal-store';
import { MemoryJournalStore } from '../../../runtime/engine/memory-journal-store';
import type { ActivityCallResult } from '../../fixtures/workflows/definitions';
import { eventually } from './eventually';
import { createFixtureActivities } from './fixture-activities';
import { useFixtureEngines } from './fixture-engine';

const HOUR = 3_600_000;

describe('EmbeddedEngine time', () => {
  const createEngine = useFixtureEngines();
  const resultOf = async (engine: EmbeddedEngine, workflowId: string) => {
    const completed = (await engine.history(workflowId)).find((e) => e.kind === 'workflow_completed');
    return (completed?.details as { result?: ActivityCallResult } | undefined)?.result;
  };

  describe('ManualClock#advance', () => {
    it('lets an activity doing real I/O finish instead of timing it out while time is skipped', async () => {
      const { engine, clock, controls } = await createEngine();
      const key = `write-${randomUUID()}`;
      const workflowId = `skip-${key}`;
      await engine.start({ workflowType: 'activityWorkflow', workflowId, args: [{ activity: 'slowWrite', key }] });
      await clock.advance(23 * HOUR);
      expect(await resultOf(engine, workflowId)).toEqual({ ok: true, value: `${key} written` });
      expect(controls.attemptsOf(key)).toEqual([1]);
    });
  });

  describe('activity retry backoff', () => {
    it('resumes after a restart when the backoff is due, not at once', async () => {
      const journal = new MemoryJournalStore();
      const clock = new ManualClock();
      const controls = createFixtureActivities();
      const first = await createEngine({ journal, clock, controls });
      const key = `backoff-${randomUUID()}`;
      const workflowId = `activity-${key}`;
      controls.failNext(key, 1);
      const failedAt = clock.now();
      const { runId } = await first.engine.start({ workflowType: 'activityWorkflow', workflowId, args: [{ activity: 'flaky', key }] });
      await eventually(() => expect(controls.attemptsOf(key)).toEqual([1]));
      await first.engine.shutdown();
      const retry = (await journal.readRun(runId)).find((r): r is ActivityAttemptRecord => r.type === 'activity_attempt');
      expect(retry).toMatchObject({ attempt: 1, retryInMs: 1_000, retryAt: failedAt + 1_000 });

      await clock.advance(400);
      const second = await createEngine({ journal, clock, controls });
      await clock.advance(500);
      expect(controls.attemptsOf(key)).toEqual([1]);
      await clock.advance(100);
      await eventually(() => expect(controls.attemptsOf(key)).toEqual([1, 2]));
      await eventually(async () => expect(await resultOf(second.engine, workflowId)).toEqual({ ok: true, value: `${key} done on attempt 2` }));
    });
  });
});
