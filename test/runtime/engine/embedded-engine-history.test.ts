import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/engine/clock';
import type { EmbeddedEngine } from '../../../runtime/engine/embedded/embedded-engine';
import { SUGGEST_CONTINUE_AS_NEW_AT } from '../../../runtime/engine/embedded/history-length';
import type { JournalRecord } from '../../../runtime/engine/journal-store';
import { MemoryJournalStore } from '../../../runtime/engine/memory-journal-store';
import type { HistoryState } from '../../fixtures/workflows/definitions';
import { useFixtureEngines } from './fixture-engine';

describe('EmbeddedEngine workflowInfo() history', () => {
  const createEngine = useFixtureEngines();
  const stateOf = (engine: EmbeddedEngine, workflowId: string) => engine.query<HistoryState>({ workflowId, query: 'historyState' });
  const tick = (engine: EmbeddedEngine, workflowId: string) => engine.signal({ workflowId, signal: 'tick', args: [] });

  it('counts events as Temporal writes them: started, then signal and workflow task events', async () => {
    const { engine } = await createEngine();
    const workflowId = `history-${randomUUID()}`;
    await engine.start({ workflowType: 'historyWorkflow', workflowId, args: [] });
    // WorkflowExecutionStarted, WorkflowTaskScheduled, WorkflowTaskStarted.
    expect(await stateOf(engine, workflowId)).toMatchObject({ historyLength: 3, continueAsNewSuggested: false });
    await tick(engine, workflowId);
    // + WorkflowTaskCompleted, WorkflowExecutionSignaled, WorkflowTaskScheduled, WorkflowTaskStarted.
    expect((await stateOf(engine, workflowId)).historyLength).toBe(7);
    // Signals sent together go into one workflow task.
    await Promise.all([tick(engine, workflowId), tick(engine, workflowId), tick(engine, workflowId)]);
    expect((await stateOf(engine, workflowId)).historyLength).toBe(13);
  });

  it(`suggests continue-as-new from ${SUGGEST_CONTINUE_AS_NEW_AT} events, the same again after a restart`, async () => {
    const journal = new MemoryJournalStore();
    const clock = new ManualClock();
    const first = await createEngine({ journal, clock });
    const workflowId = `long-${randomUUID()}`;
    await first.engine.start({ workflowType: 'historyWorkflow', workflowId, args: [] });
    const perSignal = 4;
    const signalsToSuggestion = Math.ceil((SUGGEST_CONTINUE_AS_NEW_AT - 3) / perSignal);
    for (let i = 1; i < signalsToSuggestion; i++) await tick(first.engine, workflowId);
    const before = await stateOf(first.engine, workflowId);
    expect(before).toMatchObject({ runs: 1, ticks: signalsToSuggestion - 1, continueAsNewSuggested: false });
    expect(before.historyLength).toBeLessThan(SUGGEST_CONTINUE_AS_NEW_AT);

    // Replayed with the lengths it saw (not suggested yet), then the next signal crosses the threshold.
    await first.engine.shutdown();
    const second = await createEngine({ journal, clock });
    expect(await stateOf(second.engine, workflowId)).toEqual(before);
    await tick(second.engine, workflowId);
    expect(await stateOf(second.engine, workflowId)).toMatchObject({ runs: 2, ticks: signalsToSuggestion, historyLength: 3, continueAsNewSuggested: false });
  });

  it('replays journals written before history lengths were recorded, and counts on from them', async () => {
    const journal = new WithoutHistoryLengths();
    const clock = new ManualClock();
    const first = await createEngine({ journal, clock });
    const workflowId = `old-${randomUUID()}`;
    await first.engine.start({ workflowType: 'historyWorkflow', workflowId, args: [] });
    await tick(first.engine, workflowId);
    await first.engine.shutdown();

    const second = await createEngine({ journal, clock });
    const replayed = await stateOf(second.engine, workflowId);
    expect(replayed.ticks).toBe(1);
    expect(replayed.historyLength).toBeUndefined();
    await tick(second.engine, workflowId);
    expect(await stateOf(second.engine, workflowId)).toMatchObject({ ticks: 2, historyLength: 11 });
  });
});

/** A journal as an engine without history lengths wrote it. */
class WithoutHistoryLengths extends MemoryJournalStore {
  override async readRun(runId: string): Promise<JournalRecord[]> {
    return (await super.readRun(runId)).map((record) => {
      if (record.type === 'activation') delete record.historyLength;
      return record;
    });
  }
}
