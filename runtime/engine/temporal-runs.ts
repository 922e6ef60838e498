import { isGrpcServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { timestampToMs } from './proto-conversions';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface RunHistory {
  runId: string;
  events: HistoryEvent[];
}

/** gRPC's NOT_FOUND, as a run's history answers once the namespace's retention removed it. */
const GRPC_NOT_FOUND = 5;

/**
 * Every run of the workflow id with its history, oldest first; none for an unknown id. Visibility
 * lists the runs but lags behind, so the latest run (describe) is taken too, and the run each one
 * continued from (continue-as-new), until every run they lead to is known.
 */
export async function runHistories(client: Client, workflowId: string): Promise<RunHistory[]> {
  const toFetch = [...(await listedRuns(client, workflowId)), ...(await latestRun(client, workflowId))];
  const histories = new Map<string, HistoryEvent[]>();
  for (let runId = toFetch.pop(); runId !== undefined; runId = toFetch.pop()) {
    if (histories.has(runId)) continue;
    const events = await historyOf(client, workflowId, runId);
    if (!events) continue;
    histories.set(runId, events);
    const previous = previousRunOf(events);
    if (previous) toFetch.push(previous);
  }
  return oldestFirst(histories);
}

async function listedRuns(client: Client, workflowId: string): Promise<string[]> {
  const runIds: string[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId.replaceAll("'", "\\'")}'` })) runIds.push(run.runId);
  return runIds;
}

async function latestRun(client: Client, workflowId: string): Promise<string[]> {
  try {
    return [(await client.workflow.getHandle(workflowId).describe()).runId];
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  }
}

/** The run's events; undefined once it is gone (past the namespace's retention). */
async function historyOf(client: Client, workflowId: string, runId: string): Promise<HistoryEvent[] | undefined> {
  try {
    return (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return undefined;
    throw err;
  }
}

function previousRunOf(events: readonly HistoryEvent[]): string | undefined {
  return events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
}

/**
 * Runs by the start of their chain of continue-as-new, then by their place in it: a run continued
 * as new may start in the same instant as the one before it closed, but a workflow id's separate
 * chains follow one another.
 */
function oldestFirst(histories: Map<string, HistoryEvent[]>): RunHistory[] {
  const placed = [...histories].map(([runId, events]) => {
    let first = events;
    let depth = 0;
    for (let previous = previousRunOf(first); previous && histories.has(previous); previous = previousRunOf(first)) {
      first = histories.get(previous)!;
      depth += 1;
    }
    return { run: { runId, events }, chainStart: timestampToMs(first[0]?.eventTime as never) ?? 0, depth };
  });
  return placed.sort((a, b) => a.chainStart - b.chainStart || a.depth - b.depth).map(({ run }) => run);
}
