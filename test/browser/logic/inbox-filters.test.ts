import { describe, expect, it } from 'vitest';
import { aiStateOf, handedOffText as handedOffWords } from '../../../web/inbox/ai-state';
import { wordsText } from '../../../web/shared/words';
import { DEFAULT_FILTERS, isWaitingForHuman, matchesFilters, toQuery } from '../../../web/inbox/filters';
import { conversation } from './items';

const ME = 'agent_alex';

describe('inbox filters', () => {
  describe('toQuery', () => {
    it('asks the server for what it can filter on', () => {
      expect(toQuery({ ...DEFAULT_FILTERS, priority: 'high', tag: ' billing ', assignedToMe: true, handler: 'waiting', search: ' refund ' }, ME)).toEqual({
        status: 'open',
        priority: 'high',
        tag: 'billing',
        assigneeId: ME,
        handler: 'waiting',
        q: 'refund',
      });
      expect(toQuery({ ...DEFAULT_FILTERS, search: '   ' }, ME)).not.toHaveProperty('q', expect.anything());
      expect(toQuery({ ...DEFAULT_FILTERS, status: 'all' }, ME).status).toBeUndefined();
      expect(toQuery(DEFAULT_FILTERS, ME).handler).toBeUndefined();
    });
  });

  describe('matchesFilters', () => {
    it('applies the same rules to conversations changed live', () => {
      expect(matchesFilters(conversation(), DEFAULT_FILTERS, ME)).toBe(true);
      expect(matchesFilters(conversation({ status: 'resolved' }), DEFAULT_FILTERS, ME)).toBe(false);
      expect(matchesFilters(conversation({ tags: ['billing'] }), { ...DEFAULT_FILTERS, tag: 'billing' }, ME)).toBe(true);
      expect(matchesFilters(conversation({ tags: ['für-später'] }), { ...DEFAULT_FILTERS, tag: 'fu\u0308r-spa\u0308ter' }, ME)).toBe(true);
      expect(matchesFilters(conversation(), { ...DEFAULT_FILTERS, assignedToMe: true }, ME)).toBe(false);
      expect(matchesFilters(conversation({ assigneeId: ME, handler: 'human' }), { ...DEFAULT_FILTERS, assignedToMe: true }, ME)).toBe(true);
    });

    it('tells conversations the AI handles from those waiting for a human', () => {
      const escalated = conversation({ handler: 'human' });
      expect(matchesFilters(conversation(), { ...DEFAULT_FILTERS, handler: 'ai' }, ME)).toBe(true);
      expect(matchesFilters(escalated, { ...DEFAULT_FILTERS, handler: 'waiting' }, ME)).toBe(true);
      expect(matchesFilters(escalated, { ...DEFAULT_FILTERS, handler: 'ai' }, ME)).toBe(false);
    });
  });

  describe('isWaitingForHuman', () => {
    it('stops waiting once a person joins or is assigned', () => {
      const joined = conversation({ handler: 'human', participants: [{ id: ME, kind: 'human', joinedAt: '2026-01-01T00:00:00Z' }] });
      expect(isWaitingForHuman(joined)).toBe(false);
      expect(isWaitingForHuman(conversation({ handler: 'human', assigneeId: ME }))).toBe(false);
      const left = conversation({ handler: 'human', participants: [{ id: ME, kind: 'human', joinedAt: '2026-01-01T00:00:00Z', leftAt: '2026-01-01T01:00:00Z' }] });
      expect(isWaitingForHuman(left)).toBe(true);
    });
  });
});

describe('aiStateOf', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');

  it('says whether the AI answers, is paused or has handed off', () => {
    expect(aiStateOf({ handler: 'ai' }, now)).toEqual({ kind: 'answering' });
    expect(aiStateOf({ handler: 'ai', aiPausedUntil: '2026-01-01T13:00:00Z' }, now)).toEqual({ kind: 'paused', until: '2026-01-01T13:00:00Z' });
    expect(aiStateOf({ handler: 'ai', aiPausedUntil: '2026-01-01T11:00:00Z' }, now)).toEqual({ kind: 'answering' });
    expect(aiStateOf({ handler: 'human' }, now)).toEqual({ kind: 'handed_off' });
  });
});

describe('handedOffText', () => {
  const nameOf = (id: string) => ({ agent_alex: 'Alex', agent_sam: 'Sam', agent_kim: 'Kim' })[id] ?? id;
  /** The line as plain text. */
  const handedOffText = (...args: Parameters<typeof handedOffWords>) => wordsText(handedOffWords(...args));
  const joined = (id: string, leftAt?: string) => ({ id, kind: 'human' as const, joinedAt: '2026-01-01T00:00:00Z', ...(leftAt ? { leftAt } : {}) });

  it('says whom a handed-off conversation is assigned to while nobody has joined, not that a person handles it', () => {
    expect(handedOffText({ participants: [], assigneeId: 'agent_sam' }, nameOf)).toBe('Handed off: assigned to Sam, who has not joined yet.');
    expect(handedOffText({ participants: [joined('agent_sam', '2026-01-01T01:00:00Z')], assigneeId: 'agent_sam' }, nameOf)).toBe(
      'Handed off: assigned to Sam, who has not joined yet.',
    );
  });

  it('names who has joined, or says it waits for a person', () => {
    expect(handedOffText({ participants: [joined('agent_alex')], assigneeId: 'agent_alex' }, nameOf)).toBe('Handed off: Alex has joined.');
    expect(handedOffText({ participants: [joined('agent_alex'), joined('agent_sam')] }, nameOf)).toBe('Handed off: Alex and Sam have joined.');
    expect(handedOffText({ participants: [] }, nameOf)).toBe('Handed off: waiting for a person.');
  });

  it('sets the names apart, to be shown in their own direction', () => {
    expect(handedOffWords({ participants: [joined('agent_alex'), joined('agent_sam'), joined('agent_kim')] }, nameOf)).toEqual([
      'Handed off: ',
      { written: 'Alex' },
      ', ',
      { written: 'Sam' },
      ' and ',
      { written: 'Kim' },
      ' have joined.',
    ]);
  });
});
