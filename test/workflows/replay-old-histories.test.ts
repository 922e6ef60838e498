/**
 * Conversation workflows recorded by earlier versions replay with today's code: whatever changed
 * what a running workflow does since went behind `patched()`. The journals (fixtures/journals) were
 * recorded by the workflow services with the offline assistant. At `9a4e924`: a visitor asking for a
 * person (before the triage call), an AI answer followed by an assignment and by a join (before a
 * takeover cleared auto-resolve), the AI lowering an agent's `urgent` (before it could only raise),
 * an escalation handed back and answered again, a resolve reopened by the visitor and answered,
 * and a run continued as new and answered in its next run. At `18df9fa`: an assignee removed from
 * the team while the conversation is open (`rosterChanged` with who removed them), lifecycle
 * settings tightened while a first response is owed (`settingsChanged`), and a resolved
 * conversation whose assignee was removed, reopened by the visitor; with the team queue that
 * handed these out. At `ad6996e`: team and settings changes arriving out of order. At `7571b80`:
 * a switched-off assistant, and one answering outside business hours only, handing the visitor to
 * the team (`ai-off-hands-to-team`; the first handed back and asked again), a conversation its
 * assignee let go of and one its only person left, each routed again (`reroutes-waiting`), and
 * messages left while the AI was paused or a person had the conversation, taken up once resumed or
 * handed back (`ai-answers-message-left-waiting`). At `c327f41`: replies that carry their tool call
 * records (`ai-items-carry-their-records`), and a message left while the AI was paused, carried across
 * continue-as-new and answered in the next run once resumed. At `ab94e09` (`team-queue-ab94e09`): a
 * team queue told of team changes with their revisions, out of order, by a sender of the version
 * after it (a rolling deploy), which took them as they came. At `b3da1e2`: a question typed as seven
 * short lines within the debounce, answered as one turn (`ai-counts-turns-not-messages`), a
 * switched-off assistant's hand-over whose message was left waiting and answered once the assistant
 * was switched on and handed the conversation back (`ai-off-leaves-message-waiting`), and an
 * assistant answering outside business hours only with hours past midnight (18:00–09:00), the
 * visitor writing inside them (handed to the team) and outside them (answered)
 * (`ai-business-hours-overnight`); with the team queue they went to. At `ef3ba16`: conversations
 * handed back to the AI while an AI pause ran (after a person joined, and by a reopen under
 * `aiTakesReopened`), the visitor asking meanwhile: left waiting while the pause ran, one still
 * paused and two answered once it ran out. At `eca9e22`: an assistant whose knowledge answered
 * "Do you have API access?" with a snippet starting "I'm not sure", its reply posted and the
 * conversation escalated without the hand-off message; and an assistant deleted after answering
 * a first question, the visitor's next one escalated because the turn could not start (unknown
 * assistant), one conversation left with the team and two handed back once the assistant was
 * brought back, the question left unanswered (one of them had a message left while the AI was
 * paused answered before, so its run had asked `ai-answers-message-left-waiting`: a hand-back
 * taking the question up would be a timer its history lacks). At `0598548`: five conversations
 * escalated to the support queue with nobody online, waiting there while their priority changed:
 * raised to `urgent` by an agent, lowered to `low`, raised to `high` by a missed first-response
 * target, and one handed back, lowered and escalated again (its queue told `low` for its `medium`
 * entry); the queue kept every entry at `medium`. At `64cb79c`: conversations assigned to a person
 * who then leaves them: alone in it after an escalation, with a colleague still in it, taken out by
 * a colleague, after the resolve (then reopened by the visitor), and on a website without an
 * assistant, each keeping her as its assignee (not routed again, still on her load); and a
 * colleague leaving and the AI leaving a conversation assigned to her. At `6070417`
 * (`team-queue-6070417`): the queues of two teams offering a person with capacity 2 conversations
 * at once as she came online, each answered `agent_full` once (while a load notice about her came),
 * and one of them giving her the next after she resolved one. At `6c5336c` (`team-queue-6c5336c`): a
 * person given two conversations by the support queue who then goes offline, 20 minutes passing,
 * and a colleague coming online and given the next: the queue only marked her away, and she kept
 * both. At `c3cb023` (`team-queue-c3cb023`): a person with capacity 1 in the support and billing
 * teams, holding one, with a medium conversation waiting in support and an urgent one queued a
 * minute later in billing; she resolves hers, support's offer of the medium one comes first and
 * is assigned, and billing's of the urgent one is answered `agent_full` (the queues' entries are
 * undated). Record new ones when a change
 * lands behind a new patch, and keep these: running workflows of every earlier version must replay.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { EmbeddedEngine } from '../../runtime/engine/embedded/embedded-engine';
import { getState, type ConversationSnapshot } from '../../workflows/conversation/definitions';
import { teamQueueState } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { embeddedEngine, workflowServices, type WorkflowServices } from './support/services';

interface RecordedJournals {
  recordedAt: string;
  /** Each conversation workflow's `getState` when recorded. */
  states: Record<string, ConversationSnapshot>;
  /** Each team queue workflow's `teamQueueState` when recorded (absent in the oldest). */
  queues?: Record<string, TeamQueueSnapshot>;
  runs: object[];
  records: object[];
}

const JOURNALS = new URL('../fixtures/journals/', import.meta.url);
const recordings = readdirSync(JOURNALS)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(new URL(name, JOURNALS), 'utf8')) as RecordedJournals);

describe.each(recordings)('workflows recorded at $recordedAt', (recorded) => {
  let services: WorkflowServices | undefined;
  let engine: EmbeddedEngine | undefined;
  afterAll(async () => {
    await engine?.shutdown();
    await services?.close();
  });

  it('replay with today’s code to the state they had', async () => {
    services = await workflowServices({ label: `replay_${recorded.recordedAt}` });
    await services.db.collection('workflow_journal_runs').insertMany(recorded.runs.map((run) => ({ ...run })));
    await services.db.collection('workflow_journal').insertMany(recorded.records.map((record) => ({ ...record })));
    engine = await (await embeddedEngine(services)).build();
    for (const [workflowId, state] of Object.entries(recorded.states)) {
      expect(await engine.query<ConversationSnapshot>({ workflowId, query: getState.name, args: [{ actor: { kind: 'system', id: 'test' } }] })).toEqual(state);
    }
    for (const [workflowId, state] of Object.entries(recorded.queues ?? {})) {
      expect(await engine.query<TeamQueueSnapshot>({ workflowId, query: teamQueueState.name })).toEqual(state);
    }
  });
});
