import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../runtime/engine/audit';
import { describeAuditEntry as describeInWords, reassignmentsOf } from '../../../web/audit/entry-view';
import { endingsOf } from '../../../web/audit/outcomes';
import { auditPeople } from '../../../web/audit/people';
import { wordsText } from '../../../web/shared/words';

const people = auditPeople({
  members: [
    { id: 'usr_alice', name: 'Alice Martin' },
    { id: 'usr_bob', name: 'Bob Stone' },
    { id: 'ai_assistant', name: 'Acme Assistant' },
  ],
  formerMembers: [{ id: 'usr_sam', name: 'Sam Rivera' }],
});

const entry = (patch: Partial<AuditEntry> & Pick<AuditEntry, 'kind'>): AuditEntry => ({ index: 1, time: '2026-01-01T00:00:00Z', runId: 'r1', ...patch });

/** The entry described, its title and actor as text (the words set apart are checked on their own below). */
const describeAuditEntry = (...args: Parameters<typeof describeInWords>) => {
  const view = describeInWords(...args);
  return { ...view, title: wordsText(view.title), actor: view.actor && wordsText(view.actor) };
};

describe('describeAuditEntry', () => {
  it('sets apart the names in a title and in who did it, so each reads in its own direction, and their ids with the page\'s words', () => {
    const actor = { kind: 'human', id: 'usr_bob' };
    const view = describeInWords(entry({ kind: 'event_recorded', actor, details: { event: { author: actor, event: { kind: 'assigned', targetId: 'usr_alice' } } } }), { people });
    expect(view.title).toEqual(['Assigned to ', { written: 'Alice Martin' }, ' (usr_alice)']);
    const reassigned = { kind: 'assigned', targetId: 'usr_sam', data: { previousAssigneeId: 'usr_alice' } };
    expect(describeInWords(entry({ kind: 'event_recorded', actor, details: { event: { author: actor, event: reassigned } } }), { people }).title).toEqual([
      'Reassigned from ',
      { written: 'Alice Martin' },
      ' (usr_alice)',
      ' to ',
      { written: 'Sam Rivera' },
      ' (usr_sam, no longer on the team)',
    ]);
    expect(view.actor).toEqual([{ written: 'Bob Stone' }, ' · human usr_bob']);
    expect(describeInWords(entry({ kind: 'signal_received', name: 'itemAdded', actor: { kind: 'visitor', id: 'v1' } }), { people })).toMatchObject({ title: ['Signal: itemAdded'], actor: ['visitor v1'] });
  });

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
    expect(describeAuditEntry(entry({ kind: 'activity_completed', name: 'routeConversation', durationMs: 28, attempt: 2 }))).toMatchObject({
      group: 'activity',
      facts: ['28 ms', 'attempt 2'],
    });
    expect(describeAuditEntry(entry({ kind: 'activity_retrying', name: 'routeConversation', attempt: 1 })).outcome).toBe('retrying');
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
    expect(trail.slice(0, 5).map((e) => describeAuditEntry(e, { endings }).outcome)).toEqual(['completed', 'failed', 'completed', 'fired', 'pending']);
    expect(describeAuditEntry(trail[7]!, { endings }).of).toBe(2);
    // A timer its run left behind when it continued as new is not pending.
    const continued = [...trail, entry({ index: 11, kind: 'continued_as_new' })];
    expect(describeAuditEntry(continued[4]!, { endings: endingsOf(continued) }).outcome).toBe('ok');
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

  it('names the people of a lifecycle change and who made it, keeping their ids in sight', () => {
    const recorded = (event: object, actor = { kind: 'human', id: 'usr_bob' }) =>
      entry({ kind: 'event_recorded', name: 'assigned', actor, summary: 'as the server put it', details: { event: { author: actor, event } } });
    expect(describeAuditEntry(recorded({ kind: 'assigned', targetId: 'usr_alice' }), { people })).toMatchObject({
      title: 'Assigned to Alice Martin (usr_alice)',
      actor: 'Bob Stone · human usr_bob',
    });
    expect(describeAuditEntry(recorded({ kind: 'participant_joined', targetId: 'ai_assistant' }, { kind: 'ai', id: 'ai_assistant' }), { people })).toMatchObject({
      title: 'Acme Assistant (ai_assistant) joined',
      actor: 'Acme Assistant · ai ai_assistant',
    });
    // Someone removed from the team keeps their name, said to be gone; an id nobody has named stays the id.
    expect(describeAuditEntry(recorded({ kind: 'participant_left', targetId: 'usr_sam' }, { kind: 'human', id: 'usr_sam' }), { people })).toMatchObject({
      title: 'Sam Rivera (usr_sam, no longer on the team) left',
      actor: 'Sam Rivera · human usr_sam, no longer on the team',
    });
    expect(describeAuditEntry(recorded({ kind: 'unassigned', targetId: 'usr_gone' }, { kind: 'human', id: 'usr_gone' }), { people })).toMatchObject({
      title: 'usr_gone was unassigned',
      actor: 'human usr_gone',
    });
    // The reason is the summary.
    expect(describeAuditEntry(recorded({ kind: 'escalated', data: { reason: 'asked for a person' } }, { kind: 'system', id: 'routing' }), { people })).toMatchObject({
      title: 'Handed over to the support team',
      actor: 'system routing',
      summary: 'asked for a person',
    });
    expect(describeAuditEntry(recorded({ kind: 'participant_left', targetId: 'usr_bob', data: { reason: 'going off shift' } }), { people })).toMatchObject({
      title: 'Bob Stone (usr_bob) left',
      summary: 'going off shift',
    });
  });

  it('names the actors of other entries too, visitors and system actors by kind and id', () => {
    expect(describeAuditEntry(entry({ kind: 'update_accepted', name: 'assign', actor: { kind: 'human', id: 'usr_alice' } }), { people }).actor).toBe('Alice Martin · human usr_alice');
    expect(describeAuditEntry(entry({ kind: 'signal_received', name: 'itemAdded', actor: { kind: 'visitor', id: 'v1' } }), { people }).actor).toBe('visitor v1');
  });

  it('says from whom a reassignment took the conversation, from the lifecycle changes before it in the trail', () => {
    const routing = { kind: 'system', id: 'routing' };
    const recorded = (index: number, event: object) => entry({ index, kind: 'event_recorded', actor: routing, details: { event: { author: routing, event } } });
    const trail = [
      recorded(1, { kind: 'assigned', targetId: 'usr_alice' }),
      entry({ index: 2, kind: 'activity_scheduled', name: 'projectState' }),
      recorded(3, { kind: 'assigned', targetId: 'usr_bob' }),
      recorded(4, { kind: 'participant_left', targetId: 'usr_bob' }),
      recorded(5, { kind: 'unassigned', targetId: 'usr_bob' }),
      recorded(6, { kind: 'assigned', targetId: 'usr_alice' }),
    ];
    const reading = { people, reassignedFrom: reassignmentsOf(trail) };
    expect(trail.filter((e) => e.kind === 'event_recorded').map((e) => describeAuditEntry(e, reading).title)).toEqual([
      'Assigned to Alice Martin (usr_alice)',
      'Reassigned from Alice Martin (usr_alice) to Bob Stone (usr_bob)',
      'Bob Stone (usr_bob) left',
      'Bob Stone (usr_bob) was unassigned',
      'Assigned to Alice Martin (usr_alice)',
    ]);
  });

  it('puts routine store writes and reads in bookkeeping, and keeps one that went wrong or is still under way among the activities', () => {
    const trail = [
      entry({ index: 1, kind: 'activity_scheduled', name: 'projectState', activityId: '1' }),
      entry({ index: 2, kind: 'activity_completed', name: 'projectState', activityId: '1', startIndex: 1 }),
      entry({ index: 3, kind: 'activity_scheduled', name: 'recordEvents', activityId: '2' }),
      entry({ index: 4, kind: 'activity_retrying', name: 'recordEvents', activityId: '2', startIndex: 3 }),
      entry({ index: 5, kind: 'activity_failed', name: 'recordEvents', activityId: '2', startIndex: 3 }),
      entry({ index: 6, kind: 'activity_scheduled', name: 'reportAgentLoad', activityId: '3' }),
      entry({ index: 7, kind: 'activity_scheduled', name: 'routeConversation', activityId: '4' }),
    ];
    const endings = endingsOf(trail);
    expect(trail.map((e) => describeAuditEntry(e, { endings }).group)).toEqual(['bookkeeping', 'bookkeeping', 'activity', 'activity', 'activity', 'activity', 'activity']);
  });

  it('dates each entry, as trails span days', () => {
    const view = describeAuditEntry(entry({ kind: 'signal_received', time: '2026-12-05T03:20:16.000Z' }));
    expect(view.when).toContain(new Date('2026-12-05T03:20:16.000Z').toLocaleDateString(undefined, { month: 'short', day: 'numeric' }));
  });
});
