import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { createAiAssistant, DISABLED_RECHECK_MS } from '../../workflows/conversation/ai/assistant';
import type { AiTurnOutcome } from '../../workflows/conversation/ai/turn';
import type { AssistantConfig } from '../../domain/assistant';
import type { ItemArrival } from '../../domain/operations';
import { aiHarness } from './helpers';
import { fakeTurnRuntime, settle } from './fake-runtime';
import { stepResult } from './mock-model';

const arrival = (id: string, text: string): ItemArrival => ({
  id,
  type: 'message',
  seq: Number(id.slice(1)),
  author: { kind: 'visitor', id: 'v1' },
  visibility: 'public',
  text,
  createdAt: '2025-01-06T10:00:00.000Z',
});

/** A model whose answers the test releases one by one, echoing the visitor's last message. */
function gatedModel() {
  const gates: Array<() => void> = [];
  const model = new MockLanguageModelV3({
    doGenerate: async (options) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      const lastUser = [...options.prompt].reverse().find((m) => m.role === 'user');
      const text = lastUser?.role === 'user' && lastUser.content[0]?.type === 'text' ? lastUser.content[0].text : '';
      return stepResult([['reply', { text: `echo: ${text}` }]]);
    },
  });
  return { model, release: () => gates.shift()?.() };
}

/** `assistantId` other than the configured assistant's: one whose policy cannot be loaded (deleted). */
function setup(config: Partial<AssistantConfig> = {}, { assistantId }: { assistantId?: string } = {}) {
  const { model, release } = gatedModel();
  const h = aiHarness({ model, visitorText: 'first', config: { debounceMs: 1500, ...config } });
  const { runtime, pending, clock, patching } = fakeTurnRuntime();
  const outcomes: AiTurnOutcome[] = [];
  /** Visitor messages the assistant handed to the team unanswered, left waiting for a hand-back. */
  const leftWaiting: string[] = [];
  const ai = createAiAssistant({
    conversationId: 'c1',
    assistantId: assistantId ?? h.config.id,
    activities: h.activities,
    lifecycle: () => h.conversation.lifecycle,
    applyOperation: h.conversation.apply,
    // Every visitor message these tests store is one the assistant is told of.
    visitorSeqHeard: () => Math.max(0, ...h.items.filter((item) => item.author.kind === 'visitor').map((item) => item.seq)),
    runtime,
    onTurnEnd: (o) => outcomes.push(o),
    leaveWaiting: (left) => void leftWaiting.push(left.id),
  });
  /** The visitor's first message, its debounce run out, and the turn (or hand-over) it starts done. */
  const firstMessageHandled = async () => {
    ai.onVisitorMessage(arrival('m1', 'first'));
    pending[0]!.fire();
    await settle();
    await settle();
  };
  return { h, ai, pending, release, outcomes, model, clock, patching, firstMessageHandled, leftWaiting };
}

describe('createAiAssistant', () => {
  describe('#onVisitorMessage', () => {
    it('waits out the debounce; a message within it restarts the wait and only the last one is answered', async () => {
      const { h, ai, pending, release, outcomes, model } = setup();
      ai.onVisitorMessage(arrival('m1', 'first'));
      expect(pending.map((t) => t.ms)).toEqual([1500]);
      ai.onVisitorMessage(arrival('m2', 'second'));
      await settle();
      expect(pending).toHaveLength(1); // the first wait was cancelled
      h.items.push({ ...h.items[0]!, id: 'm2', seq: 2, text: 'second' });
      pending[0]!.fire();
      await settle();
      release();
      await settle();
      await settle();
      expect(model.doGenerateCalls).toHaveLength(1);
      expect(outcomes).toEqual([{ status: 'replied', steps: 1 }]);
      expect(h.posted('message').map((i) => i.text)).toEqual(['echo: second']);
      expect(ai.visitorTurns).toBe(1); // two messages, one turn
      expect(ai.busy).toBe(false);
    });

    it('counts each message as a turn when replaying a history made before it counted turns', () => {
      const { ai, patching } = setup();
      patching.without.push('ai-counts-turns-not-messages');
      ai.onVisitorMessage(arrival('m1', 'first'));
      ai.onVisitorMessage(arrival('m2', 'second'));
      expect(ai.visitorTurns).toBe(2);
    });

    it('supersedes a turn in flight: the stale turn never posts its reply', async () => {
      const { h, ai, pending, release, outcomes } = setup();
      ai.onVisitorMessage(arrival('m1', 'first'));
      pending[0]!.fire();
      await settle();
      expect(ai.busy).toBe(true); // the model is thinking about "first"
      ai.onVisitorMessage(arrival('m2', 'second'));
      release(); // the stale answer comes back after it was superseded
      await settle();
      await settle();
      expect(h.posted('message')).toEqual([]);
      expect(outcomes).toEqual([{ status: 'superseded', steps: 1 }]);
      pending[0]!.fire();
      await settle();
      release();
      await settle();
      await settle();
      expect(h.posted('message')).toHaveLength(1);
      expect(outcomes.at(-1)).toEqual({ status: 'replied', steps: 1 });
    });

    it('hands the conversation to the team when the assistant is switched off', async () => {
      const { h, ai, pending, model, firstMessageHandled } = setup({ enabled: false });
      await firstMessageHandled();
      expect(model.doGenerateCalls).toHaveLength(0);
      expect(h.conversation.lifecycle).toMatchObject({ handler: 'human', escalationReason: 'The AI assistant is switched off' });
      ai.onVisitorMessage(arrival('m2', 'second'));
      expect(pending).toEqual([]);
    });

    it('leaves the message of a switched-off assistant waiting for a hand-back', async () => {
      const { leftWaiting, firstMessageHandled } = setup({ enabled: false });
      await firstMessageHandled();
      expect(leftWaiting).toEqual(['m1']);
    });

    it('hands the conversation to the team when its turn cannot start (its assistant deleted), leaving the message waiting as a switched-off one’s', async () => {
      const { h, model, leftWaiting, firstMessageHandled } = setup({ raisePriorityOnEscalation: 'high' }, { assistantId: 'ai-deleted' });
      await firstMessageHandled();
      expect(model.doGenerateCalls).toHaveLength(0);
      // Nothing of the deleted assistant's to say or to raise to: the hand-over alone.
      expect(h.conversation.lifecycle).toMatchObject({ handler: 'human', priority: 'medium', escalationReason: 'The AI assistant could not start its turn (Unknown AI assistant ai-deleted)' });
      expect(h.posted('message')).toEqual([]);
      expect(leftWaiting).toEqual(['m1']);
    });

    it('leaves nothing waiting when its turn could not start, replaying a history made before it did', async () => {
      const { h, leftWaiting, patching, firstMessageHandled } = setup({}, { assistantId: 'ai-deleted' });
      patching.without.push('ai-could-not-start-leaves-message-waiting');
      await firstMessageHandled();
      expect(h.conversation.lifecycle).toMatchObject({ handler: 'human' });
      expect(leftWaiting).toEqual([]);
    });

    it('asks its policy again when handed back, though it handed the conversation over less than a minute before', async () => {
      const { h, ai, pending, firstMessageHandled } = setup({ enabled: false });
      await firstMessageHandled();
      h.conversation.apply({ op: 'hand_back' });
      ai.onVisitorMessage(arrival('m2', 'second'));
      expect(pending.map((t) => t.ms)).toEqual([1500]); // it may have been switched on meanwhile
    });

    it('raises the priority to its floor when it hands the conversation over, as any escalation of it does', async () => {
      const { h, firstMessageHandled } = setup({ enabled: false, raisePriorityOnEscalation: 'high' });
      await firstMessageHandled();
      expect(h.conversation.lifecycle).toMatchObject({ priority: 'high', escalationReason: 'The AI assistant is switched off' });
    });

    it('hands the conversation to the team within business hours when it answers outside them only', async () => {
      const allWeek = { timeZone: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '23:59' };
      const { h, model, firstMessageHandled } = setup({ onlyOutsideBusinessHours: true, businessHours: allWeek });
      await firstMessageHandled();
      expect(model.doGenerateCalls).toHaveLength(0);
      expect(h.conversation.lifecycle).toMatchObject({ handler: 'human', escalationReason: 'The AI assistant answers outside business hours only' });
    });

    it('counts business hours past midnight for the day they start: Sunday 20:00–11:00 includes Monday 10:00', async () => {
      const sundayNight = { timeZone: 'UTC', days: [0], start: '20:00', end: '11:00' };
      const { h, model, firstMessageHandled } = setup({ onlyOutsideBusinessHours: true, businessHours: sundayNight });
      await firstMessageHandled(); // Monday 10:00 UTC
      expect(model.doGenerateCalls).toHaveLength(0);
      expect(h.conversation.lifecycle).toMatchObject({ handler: 'human', escalationReason: 'The AI assistant answers outside business hours only' });
    });

    it('answers in business hours past midnight when replaying a history made before they were open', async () => {
      const sundayNight = { timeZone: 'UTC', days: [0], start: '20:00', end: '11:00' };
      const { h, release, outcomes, patching, firstMessageHandled } = setup({ onlyOutsideBusinessHours: true, businessHours: sundayNight });
      patching.without.push('ai-business-hours-overnight');
      await firstMessageHandled();
      release();
      await settle();
      await settle();
      expect(outcomes).toEqual([{ status: 'replied', steps: 1 }]);
      expect(h.conversation.lifecycle.handler).toBe('ai');
    });

    it('does not ask a disabled assistant again for a while when replaying a history made before it handed over', async () => {
      const { ai, pending, model, clock, patching, firstMessageHandled } = setup({ enabled: false });
      patching.without.push('ai-off-hands-to-team');
      await firstMessageHandled();
      expect(model.doGenerateCalls).toHaveLength(0);
      ai.onVisitorMessage(arrival('m2', 'second'));
      expect(pending).toEqual([]);
      clock.now += DISABLED_RECHECK_MS;
      ai.onVisitorMessage(arrival('m3', 'third'));
      expect(pending.map((t) => t.ms)).toEqual([1500]); // asked again: it may have been enabled meanwhile
    });

    it('keeps asking on every message while replaying a history made before it skipped disabled assistants', async () => {
      const { h, ai, pending, patching, firstMessageHandled } = setup({ enabled: false });
      patching.take = false;
      await firstMessageHandled();
      ai.onVisitorMessage(arrival('m2', 'second'));
      expect(pending.map((t) => t.ms)).toEqual([1500]);
      expect(h.conversation.lifecycle.handler).toBe('ai');
    });

    it('ignores items that are not a visitor message the AI owns', () => {
      const { h, ai, pending } = setup();
      ai.onVisitorMessage({ ...arrival('m1', 'hi'), author: { kind: 'human', id: 'agent-1' } });
      h.conversation.apply({ op: 'escalate', reason: 'human needed' });
      ai.onVisitorMessage(arrival('m2', 'hello?'));
      expect(pending).toEqual([]);
    });
  });
});
