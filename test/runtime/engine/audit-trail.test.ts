/**
 * What an operator reads of activities in a trail, from the same recorded facts on both engines:
 * the embedded engine's journal and Temporal's history of one run that records a plugin
 * reaction's and the AI assistant's lifecycle changes, and runs two plugin effects of which the
 * second fails after a retry.
 */
import { readFileSync } from 'node:fs';
import type { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../runtime/engine/audit';
import { formatAuditEntries } from '../../../runtime/engine/audit-format';
import { buildAuditTrail } from '../../../runtime/engine/audit-trail';
import { journalToAudit } from '../../../runtime/engine/embedded/journal-to-audit';
import type { JournalRecord } from '../../../runtime/engine/journal-store';
import { commandToJson, failureToJson, msToTimestamp, payloadToJson, resolutionToJson, toPayloads } from '../../../runtime/engine/proto-conversions';
import { historyToAudit } from '../../../runtime/engine/temporal-history';

const T0 = Date.parse('2026-12-05T03:20:16.000Z');
const PLUGIN = { kind: 'system', id: 'plugin:shop.order_lookup' };
const AI = { kind: 'ai', id: 'ai_assistant' };
const recorded = (n: number, author: object, event: object) => ({ id: `conversation:c1:event:${n}`, visibility: 'private', author, createdAt: new Date(T0).toISOString(), event });
const EVENTS = [
  recorded(1, PLUGIN, { kind: 'priority_changed', actorId: PLUGIN.id, data: { from: 'medium', to: 'high' } }),
  recorded(2, PLUGIN, { kind: 'tag_added', actorId: PLUGIN.id, data: { tag: 'order-late' } }),
  recorded(3, AI, { kind: 'escalated', actorId: AI.id, data: { reason: 'The visitor asked for a refund' } }),
];
const effectOf = (itemId: string) => ({ conversationId: 'c1', item: { id: itemId, type: 'shop.order_lookup', seq: 4, author: { kind: 'visitor', id: 'v1' }, visibility: 'public', createdAt: '2026-12-05T03:20:16.000Z' } });
/** The activities the run schedules, by their seq (the SDK's activity id). */
const SCHEDULED: Array<[number, string, unknown[]]> = [
  [1, 'recordEvents', ['c1', EVENTS]],
  [2, 'runPluginEffects', [effectOf('itm_a')]],
  [3, 'runPluginEffects', [effectOf('itm_b')]],
];

function journal(): JournalRecord[] {
  const base = (seq: number, time: number) => ({ workflowId: 'conversation:c1', runId: 'r1', seq, time: T0 + time });
  const commands = SCHEDULED.map(([seq, activityType, args]) =>
    commandToJson({ scheduleActivity: { seq, activityId: String(seq), activityType, arguments: toPayloads(args) } }),
  );
  const completed = resolutionToJson({ completed: {} });
  return [
    { ...base(1, 0), type: 'activation', jobs: [], commands, flags: [] },
    { ...base(2, 10), type: 'activity_attempt', activitySeq: 1, activityType: 'recordEvents', attempt: 1, outcome: 'completed', durationMs: 10, resolution: completed },
    { ...base(3, 20), type: 'activity_attempt', activitySeq: 2, activityType: 'runPluginEffects', attempt: 1, outcome: 'completed', durationMs: 20, resolution: completed },
    { ...base(4, 30), type: 'activity_attempt', activitySeq: 3, activityType: 'runPluginEffects', attempt: 1, outcome: 'failed', durationMs: 30, failure: failureToJson({ message: 'shop API down' }), retryInMs: 2000 },
    { ...base(5, 2030), type: 'activity_attempt', activitySeq: 3, activityType: 'runPluginEffects', attempt: 2, outcome: 'failed', durationMs: 30, failure: failureToJson({ message: 'shop API down' }) },
  ];
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function history(): HistoryEvent[] {
  const at = (eventId: number, ms: number, attributes: object) => ({ eventId, eventTime: msToTimestamp(T0 + ms), ...attributes }) as unknown as HistoryEvent;
  // Scheduled events 5, 6 and 7 for activities 1, 2 and 3.
  const scheduled = SCHEDULED.map(([seq, name, args], i) =>
    at(5 + i, 0, { activityTaskScheduledEventAttributes: { activityId: String(seq), activityType: { name }, input: { payloads: toPayloads(args) } } }),
  );
  return [
    ...scheduled,
    at(8, 0, { activityTaskStartedEventAttributes: { scheduledEventId: 5, attempt: 1 } }),
    at(9, 10, { activityTaskCompletedEventAttributes: { scheduledEventId: 5, startedEventId: 8 } }),
    at(10, 0, { activityTaskStartedEventAttributes: { scheduledEventId: 6, attempt: 1 } }),
    at(11, 20, { activityTaskCompletedEventAttributes: { scheduledEventId: 6, startedEventId: 10 } }),
    at(12, 2000, { activityTaskStartedEventAttributes: { scheduledEventId: 7, attempt: 2, lastFailure: { message: 'shop API down' } } }),
    at(13, 2030, { activityTaskFailedEventAttributes: { scheduledEventId: 7, startedEventId: 12, failure: { message: 'shop API down' } } }),
  ];
}

const trails = { embedded: buildAuditTrail(journalToAudit(journal())), temporal: buildAuditTrail(historyToAudit('r1', history())) };

/** An entry as the reader follows it: what it says, and what the entry it points back to says. */
const followed = (trail: AuditEntry[], entry: AuditEntry) => {
  const start = entry.startIndex === undefined ? undefined : trail[entry.startIndex - 1];
  return { kind: entry.kind, name: entry.name, actor: entry.actor, summary: entry.summary, activityId: entry.activityId, startedBy: start && `${start.kind} ${start.name} ${start.summary}` };
};

describe.each(Object.entries(trails))('buildAuditTrail (%s)', (_engine, trail) => {
  it('gives each lifecycle change a recordEvents activity writes a line: what changed, by whom, why', () => {
    const events = trail.filter((entry) => entry.kind === 'event_recorded').map((entry) => followed(trail, entry));
    const startedBy = 'activity_scheduled recordEvents events priority_changed, tag_added, escalated';
    expect(events).toEqual([
      { kind: 'event_recorded', name: 'priority_changed', actor: PLUGIN, summary: 'Priority changed from medium to high', activityId: '1', startedBy },
      { kind: 'event_recorded', name: 'tag_added', actor: PLUGIN, summary: 'Tag "order-late" added', activityId: '1', startedBy },
      { kind: 'event_recorded', name: 'escalated', actor: AI, summary: 'Escalated to the team: The visitor asked for a refund', activityId: '1', startedBy },
    ]);
    // Right after the scheduling, where the workflow decided them.
    const scheduling = trail.findIndex((entry) => entry.name === 'recordEvents');
    expect(trail.slice(scheduling + 1, scheduling + 4).map((entry) => entry.kind)).toEqual(['event_recorded', 'event_recorded', 'event_recorded']);
    expect(formatAuditEntries(trail).filter((line) => line.includes('event_recorded'))[1]).toMatch(/event_recorded +tag_added {2}system:plugin:shop\.order_lookup {2}.*Tag "order-late" added$/);
  });

  it('ties every activity entry to its scheduling, and names the item it was for', () => {
    const failed = trail.filter((entry) => entry.kind === 'activity_failed' || entry.kind === 'activity_retrying').map((entry) => followed(trail, entry));
    expect(failed).toEqual([
      expect.objectContaining({ kind: 'activity_retrying', name: 'runPluginEffects', activityId: '3', startedBy: 'activity_scheduled runPluginEffects item itm_b (shop.order_lookup)' }),
      expect.objectContaining({ kind: 'activity_failed', name: 'runPluginEffects', activityId: '3', startedBy: 'activity_scheduled runPluginEffects item itm_b (shop.order_lookup)' }),
    ]);
    expect(failed.at(-1)?.summary).toBe('for item itm_b (shop.order_lookup): shop API down');
    const completed = trail.find((entry) => entry.kind === 'activity_completed' && entry.activityId === '2');
    expect(completed && followed(trail, completed)).toMatchObject({ summary: 'for item itm_a (shop.order_lookup)', startedBy: 'activity_scheduled runPluginEffects item itm_a (shop.order_lookup)' });
  });
});

describe('buildAuditTrail of a Temporal history', () => {
  it('tells an activity cancelled when the workflow asked (as the embedded engine does), and what it did after', () => {
    const at = (eventId: number, attributes: object) => ({ eventId, eventTime: msToTimestamp(T0), ...attributes }) as unknown as HistoryEvent;
    const trail = buildAuditTrail(
      historyToAudit('r1', [
        at(5, { activityTaskScheduledEventAttributes: { activityId: '4', activityType: { name: 'callModel' }, input: { payloads: toPayloads([{}]) } } }),
        at(6, { activityTaskStartedEventAttributes: { scheduledEventId: 5, attempt: 1 } }),
        at(7, { activityTaskCancelRequestedEventAttributes: { scheduledEventId: 5 } }),
        at(8, { activityTaskCompletedEventAttributes: { scheduledEventId: 5, startedEventId: 6 } }),
      ]),
    );
    expect(trail.map((entry) => [entry.kind, entry.name, entry.startIndex])).toEqual([
      ['activity_scheduled', 'callModel', undefined],
      ['activity_cancelled', 'callModel', 1],
      ['activity_completed', 'callModel', 1],
    ]);
  });
});

describe('buildAuditTrail of a journal an earlier version recorded', () => {
  it("reads the AI assistant's escalation and tag, and routing's assignment, as lines of their own", () => {
    const recordedJournal = JSON.parse(readFileSync(new URL('../../fixtures/journals/conversations-7571b80.json', import.meta.url), 'utf8')) as { runs: Array<{ workflowId: string; runId: string }>; records: JournalRecord[] };
    const runIds = recordedJournal.runs.filter((run) => run.workflowId.startsWith('conversation:')).map((run) => run.runId);
    const entries = runIds.flatMap((runId) => buildAuditTrail(journalToAudit(recordedJournal.records.filter((record) => record.runId === runId).sort((a, b) => a.seq - b.seq))));
    const lines = entries.filter((entry) => entry.kind === 'event_recorded').map((entry) => `${entry.actor?.kind}:${entry.actor?.id} ${entry.summary}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'ai:ai_helper Escalated to the team: No answer to this question in the knowledge base',
        'ai:ai_helper Tag "billing" added',
        'system:routing Assigned to usr_alice',
      ]),
    );
  });
});
