import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { runHistories } from '../../../runtime/engine/temporal-runs';

interface FakeRun {
  runId: string;
  startedAtMs: number;
  continuedFrom?: string;
  /** Gone past the namespace's retention: its history answers NOT_FOUND. */
  gone?: boolean;
}

/** gRPC's NOT_FOUND as the client's connection throws it. */
function notFound(): Error {
  return Object.assign(new Error('5 NOT_FOUND: workflow execution not found'), { code: 5, details: 'workflow execution not found', metadata: {} });
}

/** A Client that knows `runs` of one workflow id, of which visibility lists only `listed`; `latest` is what describe answers. */
function fakeClient({ runs, listed, latest }: { runs: FakeRun[]; listed: string[]; latest?: string }): Client {
  const byId = new Map(runs.map((run) => [run.runId, run]));
  const seconds = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
  const workflow = {
    async *list() {
      for (const runId of listed) yield { runId };
    },
    getHandle: (workflowId: string, runId?: string) => ({
      async describe() {
        if (!latest) throw new WorkflowNotFoundError('not found', workflowId, undefined);
        return { runId: latest };
      },
      async fetchHistory() {
        const run = byId.get(runId!);
        if (!run || run.gone) throw notFound();
        const started = { continuedExecutionRunId: run.continuedFrom ?? '' };
        return { events: [{ eventId: 1, eventTime: seconds(run.startedAtMs), workflowExecutionStartedEventAttributes: started }] };
      },
    }),
  };
  return { workflow } as unknown as Client;
}

const runIdsOf = async (client: Client) => (await runHistories(client, 'wf')).map((run) => run.runId);

describe('runHistories', () => {
  it('finds no run of an unknown id', async () => {
    expect(await runIdsOf(fakeClient({ runs: [], listed: [] }))).toEqual([]);
  });

  it('takes the latest run and the runs it continued from when visibility has not listed them yet', async () => {
    const runs = [
      { runId: 'a', startedAtMs: 1_000 },
      { runId: 'b', startedAtMs: 2_000, continuedFrom: 'a' },
      { runId: 'c', startedAtMs: 3_000, continuedFrom: 'b' },
    ];
    expect(await runIdsOf(fakeClient({ runs, listed: ['a'], latest: 'c' }))).toEqual(['a', 'b', 'c']);
    expect(await runIdsOf(fakeClient({ runs, listed: [], latest: 'c' }))).toEqual(['a', 'b', 'c']);
  });

  it('orders a chain by continue-as-new, runs of the same instant included, and separate chains by their start', async () => {
    const runs = [
      { runId: 'second-chain', startedAtMs: 5_000 },
      { runId: 'first-chain-2', startedAtMs: 2_000, continuedFrom: 'first-chain-1' },
      { runId: 'first-chain-1', startedAtMs: 1_000 },
      { runId: 'first-chain-3', startedAtMs: 2_000, continuedFrom: 'first-chain-2' },
    ];
    const listed = ['second-chain', 'first-chain-3', 'first-chain-2', 'first-chain-1'];
    expect(await runIdsOf(fakeClient({ runs, listed, latest: 'second-chain' }))).toEqual(['first-chain-1', 'first-chain-2', 'first-chain-3', 'second-chain']);
  });

  it('leaves out runs whose history is gone (past the retention period)', async () => {
    const runs = [
      { runId: 'a', startedAtMs: 1_000, gone: true },
      { runId: 'b', startedAtMs: 2_000, continuedFrom: 'a' },
    ];
    expect(await runIdsOf(fakeClient({ runs, listed: ['a', 'b'], latest: 'b' }))).toEqual(['b']);
  });
});
