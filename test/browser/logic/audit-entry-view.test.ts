import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../runtime/engine/audit';
import { describeAuditEntry } from '../../../web/audit/entry-view';
import { endingsOf } from '../../../web/audit/outcomes';

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
    expect(describeAuditEntry(entry({ kind: 'timer_started', name: 'first response SLA', summary: '4 h' }))).toMatchObject({ group: 'timer' });
  });

  it('shows how what an entry began ended, not a fixed badge', () => {
    const trail = [
      entry({ index: 1, kind: 'activity_scheduled', name: 'runPluginEffects', activityId: '1' }),
      entry({ index: 2, kind: 'activity_scheduled', name: 'runPluginEffects', activityId: '2' }),
      entry({ index: 3, kind: 'update_accepted', name: 'resolve', updateId: 'u1' }),
      entry({ index: 4, kind: 'timer_started', name: 'firstResponse', timerId: '1' }),
      entry({ index: 5, kind: 'timer_started', name: 'autoResolve', timerId: '2' }),
      entry({ index: 6, kind: 'activity_completed', name: 'runPluginEffects', activityId: '1', startIndex: 1 }),
      entry({ index: 7, kind: 'activity_retrying', name: 'runPluginEffects', activityId: '2', startIndex: 2 }),
      entry({ index: 8, kind: 'activity_failed', name: 'runPluginEffects', activityId: '2', startIndex: 2 }),
      entry({ index: 9, kind: 'update_completed', name: 'resolve', updateId: 'u1', startIndex: 3 }),
      entry({ index: 10, kind: 'timer_fired', name: 'firstResponse', timerId: '1', startIndex: 4 }),
    ];
    const endings = endingsOf(trail);
    expect(trail.slice(0, 5).map((e) => describeAuditEntry(e, endings).outcome)).toEqual(['completed', 'failed', 'completed', 'fired', 'pending']);
    expect(describeAuditEntry(trail[7]!, endings).facts).toContain('of #2');
    // A timer its run left behind when it continued as new is not pending.
    const continued = [...trail, entry({ index: 11, kind: 'continued_as_new' })];
    expect(describeAuditEntry(continued[4]!, endingsOf(continued)).outcome).toBe('ok');
  });

  it('keeps an activity cancelled though it completed after (the workflow dropped its result)', () => {
    const trail = [
      entry({ index: 1, kind: 'activity_scheduled', name: 'callModel', activityId: '4' }),
      entry({ index: 2, kind: 'activity_cancelled', name: 'callModel', activityId: '4', startIndex: 1 }),
      entry({ index: 3, kind: 'activity_completed', name: 'callModel', activityId: '4', startIndex: 1 }),
    ];
    expect(endingsOf(trail).get(1)).toBe('cancelled');
  });

  it('reads a lifecycle change as its sentence, with who made it', () => {
    const view = describeAuditEntry(entry({ kind: 'event_recorded', name: 'assigned', actor: { kind: 'system', id: 'routing' }, summary: 'Assigned to usr_alice', startIndex: 4 }));
    expect(view).toMatchObject({ group: 'lifecycle', title: 'Assigned to usr_alice', actor: 'system routing', summary: undefined });
  });

  it('dates each entry, as trails span days', () => {
    const view = describeAuditEntry(entry({ kind: 'signal_received', time: '2026-12-05T03:20:16.000Z' }));
    expect(view.when).toContain(new Date('2026-12-05T03:20:16.000Z').toLocaleDateString(undefined, { month: 'short', day: 'numeric' }));
  });
});
