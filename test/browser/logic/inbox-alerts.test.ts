import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alertForChange, alertForItem, alertForUnheldChange, stillHolds, type Alert } from '../../../web/inbox/alerts';
import { ALERT_HOLD_MS, HeldAlerts } from '../../../web/inbox/held-alerts';
import type { ReaderContext } from '../../../web/shared/item-view';
import { AGENT, AI, VISITOR, conversation, message } from './items';

const ME = AGENT.id;
const ctx: ReaderContext = { reader: 'agent', nameOf: () => undefined, isOwn: (actor) => actor.kind === 'human' && actor.id === ME, formatTime: () => '' };
const joined = (id: string, leftAt?: string) => ({ id, kind: 'human' as const, joinedAt: '2026-01-01T00:00:00Z', ...(leftAt ? { leftAt } : {}) });

describe('which new items call for a desktop notification', () => {
  const visitorSays = message(5, VISITOR, 'Where is my   parcel?\nOrder 1234');

  it("notifies the visitor's message in a conversation assigned to the agent, naming the visitor, on one line", () => {
    const mine = conversation({ handler: 'human', assigneeId: ME });
    expect(alertForItem(visitorSays, mine, ME, ctx)).toEqual({ kind: 'message', conversationId: 'c1', title: 'Visitor v1', body: 'Where is my parcel? Order 1234' });
  });

  it('notifies one the agent joined while nobody is assigned, not once they left it', () => {
    expect(alertForItem(visitorSays, conversation({ handler: 'human', participants: [joined(ME)] }), ME, ctx)).toBeDefined();
    expect(alertForItem(visitorSays, conversation({ handler: 'human', participants: [joined(ME, '2026-01-01T01:00:00Z')] }), ME, ctx)).toBeUndefined();
  });

  it("stays quiet for a colleague's conversation (also one the agent is in), the AI's, and for what is not the visitor's message", () => {
    const colleagues = conversation({ handler: 'human', assigneeId: 'agent_sam', participants: [joined(ME)] });
    expect(alertForItem(visitorSays, colleagues, ME, ctx)).toBeUndefined();
    expect(alertForItem(visitorSays, conversation(), ME, ctx)).toBeUndefined();
    const mine = conversation({ handler: 'human', assigneeId: ME });
    expect(alertForItem(message(6, AI, 'Here is the answer'), mine, ME, ctx)).toBeUndefined();
    expect(alertForItem(message(7, AGENT, 'On it'), mine, ME, ctx)).toBeUndefined();
  });

  it('cuts a long message to one short line', () => {
    const long = message(8, VISITOR, 'x'.repeat(500));
    const alert = alertForItem(long, conversation({ handler: 'human', assigneeId: ME }), ME, ctx);
    expect(alert?.body).toHaveLength(160);
    expect(alert?.body.endsWith('…')).toBe(true);
  });
});

describe('which conversation changes call for a desktop notification', () => {
  const lastMessage = message(3, VISITOR, 'I need a person');

  it('notifies a conversation given to the agent, not one that stays theirs or goes to a colleague', () => {
    const waiting = conversation({ handler: 'unassigned', lastMessage });
    expect(alertForChange(waiting, { ...waiting, handler: 'human', assigneeId: ME }, ME, ctx)).toEqual({ kind: 'assigned', conversationId: 'c1', title: 'Assigned to you: Visitor v1', body: 'I need a person' });
    const mine = { ...waiting, handler: 'human' as const, assigneeId: ME };
    expect(alertForChange(mine, { ...mine, priority: 'high' }, ME, ctx)).toBeUndefined();
    expect(alertForChange(waiting, { ...waiting, handler: 'human', assigneeId: 'agent_sam' }, ME, ctx)).toBeUndefined();
  });

  it('notifies a conversation that starts waiting for the team: escalated by the AI, or new without it', () => {
    const withAi = conversation({ lastMessage, title: 'Refund' });
    expect(alertForChange(withAi, { ...withAi, handler: 'unassigned' }, ME, ctx)?.title).toBe('Waiting for the team: Refund');
    expect(alertForChange(undefined, conversation({ handler: 'unassigned' }), ME, ctx)).toEqual({ kind: 'waiting', conversationId: 'c1', title: 'Waiting for the team: Visitor v1', body: 'New conversation' });
  });

  it('stays quiet for a conversation that was waiting already, one the AI keeps, and a new one the AI answers', () => {
    const waiting = conversation({ handler: 'unassigned', lastMessage });
    expect(alertForChange(waiting, { ...waiting, tags: ['billing'] }, ME, ctx)).toBeUndefined();
    const withAi = conversation({ lastMessage });
    expect(alertForChange(withAi, { ...withAi, priority: 'urgent' }, ME, ctx)).toBeUndefined();
    expect(alertForChange(undefined, conversation(), ME, ctx)).toBeUndefined();
  });
});

describe('a change to a conversation the inbox did not hold, once read', () => {
  const lastMessage = message(3, VISITOR, 'Still there?');

  it('notifies it given to the agent, or starting to wait, by what the change set', () => {
    const given = conversation({ handler: 'human', assigneeId: ME, lastMessage });
    expect(alertForUnheldChange({ assigneeId: ME, handler: 'human' }, given, ME, ctx)?.kind).toBe('assigned');
    const waiting = conversation({ handler: 'unassigned', lastMessage });
    expect(alertForUnheldChange({ handler: 'unassigned' }, waiting, ME, ctx)?.kind).toBe('waiting');
  });

  it('stays quiet for a change that gave it to no one new or left it waiting as it was', () => {
    const waiting = conversation({ handler: 'unassigned', lastMessage });
    expect(alertForUnheldChange({ priority: 'high' }, waiting, ME, ctx)).toBeUndefined();
    // Assigned to the agent and taken again before it was read.
    expect(alertForUnheldChange({ assigneeId: ME }, conversation({ handler: 'human', assigneeId: 'agent_sam' }), ME, ctx)).toBeUndefined();
  });
});

describe('whether a held notification still holds when it is due', () => {
  const assigned: Alert = { kind: 'assigned', conversationId: 'c1', title: '', body: '' };
  const waiting: Alert = { kind: 'waiting', conversationId: 'c1', title: '', body: '' };

  it("holds while the conversation is still as it said, whoever else made it so", () => {
    expect(stillHolds(assigned, conversation({ handler: 'human', assigneeId: ME }), ME, 'routing')).toBe(true);
    expect(stillHolds(waiting, conversation({ handler: 'unassigned' }), ME, 'agent_sam')).toBe(true);
    expect(stillHolds(waiting, conversation({ handler: 'unassigned' }), ME, undefined)).toBe(true);
  });

  it("drops the agent's own doing (their assignment, their reply that took it, their letting go), and what changed since", () => {
    expect(stillHolds(assigned, conversation({ handler: 'human', assigneeId: ME }), ME, ME)).toBe(false);
    expect(stillHolds(waiting, conversation({ handler: 'unassigned' }), ME, ME)).toBe(false);
    expect(stillHolds(assigned, conversation({ handler: 'human', assigneeId: 'agent_sam' }), ME, 'routing')).toBe(false);
    expect(stillHolds(waiting, conversation({ handler: 'human', assigneeId: 'agent_sam' }), ME, 'routing')).toBe(false);
    expect(stillHolds(waiting, undefined, ME, undefined)).toBe(false);
  });
});

describe('holding notifications of a change a moment before showing them', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const waiting = (conversationId: string): Alert => ({ kind: 'waiting', conversationId, title: `Waiting for the team: ${conversationId}`, body: '' });
  const setUp = () => {
    const shown: Alert[] = [];
    const holding = new Set<string>();
    return { shown, holding, alerts: new HeldAlerts((alert) => shown.push(alert), (alert) => holding.has(alert.conversationId)) };
  };

  it('shows a waiting conversation once it still waits after its hold, not before', () => {
    const { shown, holding, alerts } = setUp();
    holding.add('c1');
    alerts.take(waiting('c1'));
    vi.advanceTimersByTime(ALERT_HOLD_MS.waiting - 1);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual([waiting('c1')]);
  });

  it('drops what no longer holds when due, and shows a visitor message at once', () => {
    const { shown, alerts } = setUp();
    alerts.take(waiting('c1'));
    alerts.take({ kind: 'assigned', conversationId: 'c2', title: '', body: '' });
    const message: Alert = { kind: 'message', conversationId: 'c3', title: 'Visitor', body: 'hi' };
    alerts.take(message);
    expect(shown).toEqual([message]);
    vi.advanceTimersByTime(ALERT_HOLD_MS.waiting);
    expect(shown).toEqual([message]);
  });

  it('counts the hold from the latest news of a kind for a conversation', () => {
    const { shown, holding, alerts } = setUp();
    holding.add('c1');
    alerts.take(waiting('c1'));
    vi.advanceTimersByTime(ALERT_HOLD_MS.waiting - 1_000);
    alerts.take(waiting('c1'));
    vi.advanceTimersByTime(ALERT_HOLD_MS.waiting - 1);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shown).toHaveLength(1);
  });
});
