import { describe, expect, it } from 'vitest';
import { DEFAULT_AWAY_MESSAGE, DEFAULT_HANDOFF_MESSAGE, defaultAssistantConfig, parseAssistantConfig, policyOf, withCurrentDefaults } from '../../activities/ai/config';
import { isWithinBusinessHours } from '../../workflows/conversation/ai/business-hours';
import { escalationBeforeModel, findPhrase, isUncertainReply } from '../../workflows/conversation/ai/escalation-rules';
import { isAiTurnTrigger, policyAllowsAnswer } from '../../workflows/conversation/ai/gate';
import { toToolAction } from '../../workflows/conversation/ai/tool-actions';
import type { ItemArrival } from '../../domain/operations';
import { openLifecycle } from './helpers';

const { escalation } = defaultAssistantConfig();
const state = { visitorTurns: 1, tags: [] as string[], priority: 'medium' as const };

describe('escalation rules', () => {
  it('match human-request phrases on whole words only', () => {
    expect(findPhrase('Can I talk to SOMEONE?', escalation.humanRequestPhrases)).toBe('talk to someone');
    expect(findPhrase('humanity is great', escalation.humanRequestPhrases)).toBeUndefined();
  });

  it('escalate after too many visitor turns', () => {
    expect(escalationBeforeModel(escalation, { ...state, visitorText: 'ok', visitorTurns: 6 })).toBeUndefined();
    expect(escalationBeforeModel(escalation, { ...state, visitorText: 'ok', visitorTurns: 7 })).toMatchObject({ code: 'too_many_turns' });
  });

  it('escalate on configured tags and priorities', () => {
    const rules = { ...escalation, tags: ['legal'], priorities: ['urgent' as const] };
    expect(escalationBeforeModel(rules, { ...state, visitorText: 'x', tags: ['legal'] })).toMatchObject({ code: 'escalation_tag' });
    expect(escalationBeforeModel(rules, { ...state, visitorText: 'x', priority: 'urgent' })).toMatchObject({ code: 'escalation_priority' });
  });

  it('recognise a reply that cannot answer', () => {
    expect(isUncertainReply(escalation, "Sorry, I don\u2019t know that.")).toBe(true);
    expect(isUncertainReply(escalation, 'Click Forgot password.')).toBe(false);
  });
});

describe('toToolAction', () => {
  it('maps tools to operations and rejects bad input', () => {
    expect(toToolAction({ toolCallId: '1', toolName: 'tag', input: { tags: ['billing'] } })).toEqual({ action: { kind: 'operation', operation: { op: 'add_tags', tags: ['billing'] } } });
    expect(toToolAction({ toolCallId: '1', toolName: 'set_priority', input: { priority: 'max' } })).toHaveProperty('error');
    expect(toToolAction({ toolCallId: '1', toolName: 'delete_everything', input: {} })).toEqual({ error: 'Unknown tool "delete_everything"' });
  });
});

describe('gate', () => {
  const arrival: ItemArrival = { id: 'm1', type: 'message', seq: 1, author: { kind: 'visitor', id: 'v' }, visibility: 'public', text: 'hi', createdAt: '2025-01-06T10:00:00.000Z' };

  it('triggers on visitor messages the AI owns, not when paused or handed to humans', () => {
    expect(isAiTurnTrigger(arrival, openLifecycle())).toBe(true);
    expect(isAiTurnTrigger(arrival, openLifecycle({ handler: 'human' }))).toBe(false);
    expect(isAiTurnTrigger(arrival, openLifecycle({ handler: 'unassigned', escalatedAt: '2025-01-01T00:00:00Z' }))).toBe(false);
    expect(isAiTurnTrigger(arrival, openLifecycle({ aiPausedUntil: '2025-01-06T11:00:00.000Z' }))).toBe(false);
    expect(isAiTurnTrigger(arrival, openLifecycle({ aiPausedUntil: '2025-01-06T09:00:00.000Z' }))).toBe(true);
  });

  it('answers only outside business hours when so configured', () => {
    // 2025-01-06 is a Monday; 10:00 UTC is 11:00 in Paris.
    const hours = { timeZone: 'Europe/Paris', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
    expect(isWithinBusinessHours(hours, '2025-01-06T10:00:00.000Z')).toBe(true);
    expect(isWithinBusinessHours(hours, '2025-01-06T16:30:00.000Z')).toBe(false);
    expect(isWithinBusinessHours(hours, '2025-01-05T10:00:00.000Z')).toBe(false);
    const policy = policyOf(defaultAssistantConfig({ businessHours: hours, onlyOutsideBusinessHours: true }));
    expect(policyAllowsAnswer(policy, arrival)).toBe(false);
    expect(policyAllowsAnswer({ ...policy, enabled: false, onlyOutsideBusinessHours: false }, arrival)).toBe(false);
  });
});

describe('assistantConfigSchema', () => {
  it('fills defaults', () => {
    const config = parseAssistantConfig({ id: 'a', name: 'A' });
    expect(config).toMatchObject({ model: 'builtin:rules', stepBudget: 4, debounceMs: 1500, enabled: true, onlyOutsideBusinessHours: false });
    expect(config.permissions).toEqual(['reply', 'note', 'set_priority', 'tag', 'resolve', 'escalate']);
    expect(config.escalation.humanRequestPhrases).toContain('real person');
  });

  it('rejects unknown permissions, bad models and bad time zones', () => {
    expect(() => parseAssistantConfig({ id: 'a', name: 'A', permissions: ['delete'] })).toThrow();
    expect(() => parseAssistantConfig({ id: 'a', name: 'A', model: 'gpt-4' })).toThrow();
    expect(() => parseAssistantConfig({ id: 'a', name: 'A', businessHours: { timeZone: 'Mars/Olympus' } })).toThrow();
  });
});

describe('withCurrentDefaults', () => {
  it('reads a stored configuration without escalation settings as it is (it failed every turn of that assistant)', () => {
    const { escalation: _none, ...stored } = defaultAssistantConfig({ id: 'ai_1', name: 'Ada' });
    expect(withCurrentDefaults(stored as never)).toEqual(stored);
  });

  it('gives a configuration stored before there was an away message the default one, and keeps a team\'s own', () => {
    const config = defaultAssistantConfig({ id: 'ai_1', name: 'Ada' });
    const { awayMessage: _none, ...earlier } = config.escalation;
    expect(withCurrentDefaults({ ...config, escalation: earlier } as never).escalation).toStrictEqual({ ...earlier, awayMessage: expect.stringMatching(/^Our team is away right now/) });
    const own = { ...config, escalation: { ...config.escalation, awayMessage: 'Back on Monday.' } };
    expect(withCurrentDefaults(own)).toEqual(own);
  });

  it('reads texts said to visitors, stored before they were checked as a message’s, so that none that could not be said is said', () => {
    const config = defaultAssistantConfig({ id: 'ai_1', name: 'Ada' });
    const stored = { ...config, welcomeMessages: ['Hello!', 'Hi\u0007 there', '\u200b'], escalation: { ...config.escalation, handoffMessage: 'x'.repeat(30_000), awayMessage: 'Away\u0000' } };
    const read = withCurrentDefaults(stored);
    expect(read.welcomeMessages).toEqual(['Hello!']);
    expect(read.escalation).toEqual({ ...config.escalation, handoffMessage: DEFAULT_HANDOFF_MESSAGE, awayMessage: DEFAULT_AWAY_MESSAGE });
  });
});
