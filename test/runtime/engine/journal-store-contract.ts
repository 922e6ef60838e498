import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord, JournalStore } from '../../../runtime/engine/journal-store';

export const started = (workflowId: string, runId: string, time: number): JournalRecord => ({
  type: 'run_started',
  workflowId,
  runId,
  seq: 1,
  time,
  workflowType: 'counterWorkflow',
  args: [],
  randomnessSeed: '0102030405060708',
  firstExecutionRunId: runId,
  chainStartedAt: time,
});
export const activation = (workflowId: string, runId: string, seq: number): JournalRecord => ({
  type: 'activation',
  workflowId,
  runId,
  seq,
  time: 1_000 + seq,
  jobs: [{ signalWorkflow: { signalName: 'increment' } }],
  commands: [],
  flags: [2],
});
const closed = (workflowId: string, runId: string, seq: number): JournalRecord => ({ type: 'run_closed', workflowId, runId, seq, time: 5_000, status: 'continued' });

/** What every JournalStore must do, run against each implementation. */
export function describeJournalStoreContract(name: string, open: () => Promise<{ store: JournalStore; close(): Promise<void> }>): void {
  describe(name, () => {
    let store: JournalStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(() => close?.());

    describe('#append', () => {
      it('keeps records in order per run, concurrent appends included', async () => {
        await store.append([started('wf-a', 'run-a1', 1_000)]);
        await Promise.all([2, 3, 4].map((seq) => store.append([activation('wf-a', 'run-a1', seq)])));
        const records = await store.readRun('run-a1');
        expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
        expect(records[1]).toEqual(activation('wf-a', 'run-a1', 2));
      });

      it('reads records in seq order when a later one was appended first (an activity that ended during an activation)', async () => {
        await store.append([started('wf-c', 'run-c1', 1_000)]);
        await store.append([activation('wf-c', 'run-c1', 3)]);
        await store.append([activation('wf-c', 'run-c1', 2)]);
        expect((await store.readRun('run-c1')).map((r) => r.seq)).toEqual([1, 2, 3]);
      });
    });

    describe('#runsOf', () => {
      it('lists every run of a workflow id, oldest first, with its status', async () => {
        await store.append([started('wf-b', 'run-b1', 1_000), closed('wf-b', 'run-b1', 2), started('wf-b', 'run-b2', 6_000)]);
        const runs = await store.runsOf('wf-b');
        expect(runs.map((r) => [r.runId, r.status])).toEqual([
          ['run-b1', 'continued'],
          ['run-b2', 'running'],
        ]);
        expect(await store.runsOf('wf-unknown')).toEqual([]);
      });
    });

    describe('#openRuns', () => {
      it('lists only runs that have not closed', async () => {
        const open = (await store.openRuns()).map((r) => r.runId);
        expect(open).toEqual(expect.arrayContaining(['run-a1', 'run-b2']));
        expect(open).not.toContain('run-b1');
      });
    });
  });
}
