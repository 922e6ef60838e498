import { describe, expect, it } from 'vitest';
import { actorOf, formatDuration, summarize, summarizeArgs } from '../../../runtime/engine/audit';
import { formatAuditEntries } from '../../../runtime/engine/audit-format';
import { historyToAudit } from '../../../runtime/engine/temporal-history';
import proto from '@temporalio/proto';

describe('formatAuditEntries', () => {
  it('renders one line per entry with time, kind, name, actor and summary', () => {
    const lines = formatAuditEntries([
      { index: 1, time: '2025-01-01T00:00:00.000Z', runId: 'r', kind: 'workflow_started', name: 'counterWorkflow', summary: '{"count":1}' },
      { index: 2, time: '2025-01-01T00:00:01.000Z', runId: 'r', kind: 'activity_retrying', name: 'flaky', attempt: 2, durationMs: 12, summary: 'boom; retry in 2s' },
      { index: 3, time: '2025-01-01T00:00:02.000Z', runId: 'r', kind: 'signal_received', name: 'increment', actor: { kind: 'agent', id: 'alice' } },
    ]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ {3}1 {2}2025-01-01T00:00:00.000Z {2}workflow_started +counterWorkflow {2}- {2}\{"count":1\}$/);
    expect(lines[1]).toContain('attempt 2  12ms  boom; retry in 2s');
    expect(lines[2]).toContain('increment  agent:alice');
  });
});

describe('actorOf', () => {
  it('takes actor, or else author, from the single object argument', () => {
    expect(actorOf([{ actor: { kind: 'agent', id: 'a' } }])).toEqual({ kind: 'agent', id: 'a' });
    expect(actorOf([{ author: { kind: 'visitor', id: 'v' }, text: 'hi' }])).toEqual({ kind: 'visitor', id: 'v' });
    expect(actorOf([{ actor: { kind: 'agent' } }])).toBeUndefined();
    expect(actorOf(['text'])).toBeUndefined();
  });
});

describe('summarize', () => {
  it('keeps summaries to one bounded line', () => {
    expect(summarize([{ by: 1 }])).toBe('{"by":1}');
    expect(summarize('x'.repeat(500))).toHaveLength(120);
    // An emoji across the limit is left out whole: half of one would be a lone surrogate.
    expect(summarize(`${'a'.repeat(118)}😀😀`)).toBe(`${'a'.repeat(118)}…`);
    // A text-direction override a visitor wrote is shown, not obeyed: it would turn the line around.
    expect(summarize('message "open invoice \u202Efdp.exe"')).toBe('message "open invoice \\u202efdp.exe"');
    expect(summarize(undefined)).toBeUndefined();
  });
});

describe('summarizeArgs', () => {
  it('leaves out who asks, which the entry shows as its actor, so the summary has room for what was asked', () => {
    const operations = [{ op: 'set_priority', priority: 'high' }, { op: 'set_title', title: 'Refund' }];
    expect(summarizeArgs([{ actor: { kind: 'human', id: 'agent_alex' }, operations }])).toBe(JSON.stringify({ operations }));
    expect(summarizeArgs([{ author: { kind: 'visitor', id: 'v' }, type: 'message', text: 'hi' }])).toBe('{"type":"message","text":"hi"}');
    // Without a recognizable actor nothing is left out.
    expect(summarizeArgs([{ actor: 'someone', by: 1 }])).toBe('{"actor":"someone","by":1}');
  });

  it('names a timeline item by its type and text, as people read it', () => {
    const author = { kind: 'visitor', id: 'vis_1' };
    const item = { id: 'item_1', type: 'message', seq: 1, author, visibility: 'public', text: 'How do I reset my password?', createdAt: '2026-12-05T00:00:00.000Z' };
    expect(summarizeArgs([item])).toBe('message "How do I reset my password?"');
    expect(summarizeArgs([{ ...item, type: 'rating', text: undefined, fields: { score: 2 } }])).toBe('rating');
    expect(summarizeArgs([{ ...item, text: 'x'.repeat(500) }])).toHaveLength(120);
  });
});

describe('historyToAudit', () => {
  it("shows a failed workflow task (code that threw, or ran past the worker's deadlock detection), as the embedded engine shows one set aside", () => {
    // As the client hands it over, int64 fields as numbers.
    const failed = (attributes: object) => ({ eventId: 5, eventTime: { seconds: 1_735_689_600 }, workflowTaskFailedEventAttributes: attributes }) as unknown as Parameters<typeof historyToAudit>[1][number];
    const Cause = proto.temporal.api.enums.v1.WorkflowTaskFailedCause;
    const entries = historyToAudit('r', [
      failed({ cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, failure: { message: 'Potential deadlock detected' } }),
      // Routine: a signal came as the workflow completed; the worker tries again with it.
      failed({ cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND }),
    ]);
    expect(entries).toEqual([
      { time: '2025-01-01T00:00:00.000Z', runId: 'r', kind: 'workflow_task_failed', summary: 'Potential deadlock detected', details: { failure: 'Potential deadlock detected' } },
    ]);
  });
});

describe('formatDuration', () => {
  it('writes durations as people read them, whatever the milliseconds', () => {
    expect([250, 1_500, 30_000, 895_879, 900_000, 3_600_000, 5_400_000, 14_400_000, 93_600_000].map(formatDuration)).toEqual([
      '250 ms',
      '1.5 s',
      '30 s',
      '14 min 56 s',
      '15 min',
      '1 h',
      '1 h 30 min',
      '4 h',
      '1 d 2 h',
    ]);
  });

  it('writes an odd value as it is rather than failing the whole trail', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY].map(formatDuration)).toEqual(['NaN', 'Infinity']);
  });
});
