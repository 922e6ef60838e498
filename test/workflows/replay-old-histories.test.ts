/**
 * Conversation workflows recorded by an earlier version replay with today's code: whatever changed
 * what a running workflow does since went behind `patched()`. The journals (fixtures/journals) were
 * recorded at `9a4e924` by the product harness, with the offline assistant: a visitor asking for a
 * person (before the triage call), an AI answer followed by an assignment and by a join (before a
 * takeover cleared auto-resolve), the AI lowering an agent's `urgent` (before it could only raise),
 * an escalation handed back and answered again, a resolve reopened by the visitor and answered,
 * and a run continued as new and answered in its next run. Record new ones when a change lands
 * behind a new patch, and keep these: running workflows of every earlier version must replay.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { EmbeddedEngine } from '../../runtime/engine/embedded/embedded-engine';
import { getState, type ConversationSnapshot } from '../../workflows/conversation/definitions';
import { embeddedEngine, workflowServices, type WorkflowServices } from './support/services';

interface RecordedJournals {
  recordedAt: string;
  states: Record<string, ConversationSnapshot>;
  runs: object[];
  records: object[];
}

const recorded = JSON.parse(readFileSync(new URL('../fixtures/journals/conversations-9a4e924.json', import.meta.url), 'utf8')) as RecordedJournals;

describe(`conversation workflows recorded at ${recorded.recordedAt}`, () => {
  let services: WorkflowServices | undefined;
  let engine: EmbeddedEngine | undefined;
  afterAll(async () => {
    await engine?.shutdown();
    await services?.close();
  });

  it('replay with today’s code to the state they had', async () => {
    services = await workflowServices({ label: 'replay_old' });
    await services.db.collection('workflow_journal_runs').insertMany(recorded.runs.map((run) => ({ ...run })));
    await services.db.collection('workflow_journal').insertMany(recorded.records.map((record) => ({ ...record })));
    engine = await (await embeddedEngine(services)).build();
    for (const [workflowId, state] of Object.entries(recorded.states)) {
      expect(await engine.query<ConversationSnapshot>({ workflowId, query: getState.name, args: [{ actor: { kind: 'system', id: 'test' } }] })).toEqual(state);
    }
  });
});
