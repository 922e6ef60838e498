import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../runtime/engine/audit';
import { describeAuditEntry } from '../../../web/audit/entry-view';

const entry = (patch: Partial<AuditEntry> & Pick<AuditEntry, 'kind'>): AuditEntry => ({ index: 1, time: '2026-01-01T00:00:00Z', runId: 'r1', ...patch });

describe('describeAuditEntry', () => {
  it('names signals and updates with their actor', () => {
    expect(describeAuditEntry(entry({ kind: 'signal_received', name: 'itemAdded', actor: { kind: 'visitor', id: 'v1' } }))).toMatchObject({
      group: 'signal',
      title: 'Signal: itemAdded',
      actor: 'visitor v1',
      outcome: 'ok',
    });
    expect(describeAuditEntry(entry({ kind: 'update_rejected', name: 'resolve', summary: 'already resolved' }))).toMatchObject({
      group: 'update',
      outcome: 'rejected',
      summary: 'already resolved',
    });
  });

  it('gives activities their duration and retries', () => {
    expect(describeAuditEntry(entry({ kind: 'activity_completed', name: 'projectState', durationMs: 28, attempt: 2 }))).toMatchObject({
      group: 'activity',
      facts: ['28 ms', 'attempt 2'],
    });
    expect(describeAuditEntry(entry({ kind: 'activity_retrying', name: 'projectState', attempt: 1 })).outcome).toBe('retrying');
  });

  it('shows AI model calls with the tools the model asked for', () => {
    const view = describeAuditEntry(
      entry({ kind: 'activity_completed', name: 'callModel', details: { result: { toolCalls: [{ toolCallId: 't1', toolName: 'escalate', input: { reason: 'asked' } }] } } }),
    );
    expect(view).toMatchObject({ group: 'ai', title: 'AI model call completed', toolCalls: [{ toolName: 'escalate', input: { reason: 'asked' } }] });
  });

  it('groups timers', () => {
    expect(describeAuditEntry(entry({ kind: 'timer_started', name: 'first response SLA', summary: '4h' }))).toMatchObject({ group: 'timer', outcome: 'pending' });
  });
});
