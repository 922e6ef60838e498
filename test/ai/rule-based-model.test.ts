import { generateText, stepCountIs, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { defaultAssistantConfig } from '../../activities/ai/config';
import { createRuleBasedModel } from '../../activities/ai/rule-based-model';
import { CLOSING_REPLY, GREETING_REPLY } from '../../activities/ai/small-talk';
import { assistantTools } from '../../activities/ai/tools';
import { systemPrompt, toModelMessages } from '../../activities/ai/prompt';
import type { ConversationContext } from '../../workflows/conversation/ai/types';

const config = defaultAssistantConfig();
const model = createRuleBasedModel(config);

const contextOf = (text: string): ConversationContext => ({ conversationId: 'c1', entries: [{ seq: 1, role: 'visitor', text }], truncated: false });

async function firstStep(text: string) {
  const context = contextOf(text);
  return generateText({ model, system: systemPrompt(config, context), messages: toModelMessages(context, []), tools: assistantTools, toolChoice: 'required' });
}

describe('createRuleBasedModel', () => {
  describe('through generateText', () => {
    it('answers a knowledge question with a reply from the best snippet', async () => {
      const result = await firstStep('How do I reset my password?');
      expect(result.toolCalls).toHaveLength(1);
      expect(result.toolCalls[0]).toMatchObject({ toolName: 'reply', input: { text: expect.stringContaining('Forgot password') } });
      expect(result.finishReason).toBe('tool-calls');
    });

    it('escalates a question the knowledge does not cover', async () => {
      const result = await firstStep('What is the weather like in Lisbon today?');
      expect(result.toolCalls[0]).toMatchObject({ toolName: 'escalate', input: { reason: 'No answer to this question in the knowledge base' } });
    });

    it("answers from a knowledge of one snippet as from the default's six, and still escalates a question sharing one word with it", async () => {
      const shipping = { ...config, knowledge: [{ id: 'ship', title: 'Shipping', text: 'Shipping takes 3 to 5 working days within the EU. Tracking numbers are emailed.' }] };
      const ask = async (text: string) => {
        const context = contextOf(text);
        const result = await generateText({ model: createRuleBasedModel(shipping), system: systemPrompt(shipping, context), messages: toModelMessages(context, []), tools: assistantTools, toolChoice: 'required' });
        return result.toolCalls[0]?.toolName;
      };
      expect(await ask('How long does shipping take?')).toBe('reply');
      expect(await ask('shipping tracking numbers')).toBe('reply');
      expect(await ask('Is my email address kept private?')).toBe('escalate');
    });

    it("sums up a long question for the team without cutting a character in two (an emoji at the limit)", async () => {
      const result = await firstStep(`${'a'.repeat(499)}😀 qwxz plorf`);
      const { summary } = (result.toolCalls[0] as unknown as { input: { summary: string } }).input;
      expect(summary).toBe('a'.repeat(499));
      expect(summary).not.toMatch(/[\ud800-\udbff]$/);
    });

    it('answers small talk itself, a greeting with a greeting and thanks with an offer of more help, instead of handing it to the team', async () => {
      for (const text of ['hi', 'Hello there!', 'good morning team']) {
        expect((await firstStep(text)).toolCalls[0]).toMatchObject({ toolName: 'reply', input: { text: GREETING_REPLY } });
      }
      for (const text of ['thanks!', 'Thank you so much', "ok great, that worked", 'Got it, cheers 👍']) {
        expect((await firstStep(text)).toolCalls[0]).toMatchObject({ toolName: 'reply', input: { text: CLOSING_REPLY } });
      }
      // Saying more than that, or asking a person, is for the team.
      for (const text of ['thanks, but it still crashes', 'hi, my screen stays blank', 'no', 'yes', 'good', 'hello, can I speak to a human?']) {
        expect((await firstStep(text)).toolCalls[0]).toMatchObject({ toolName: 'escalate' });
      }
    });

    it('escalates when the visitor asks for a person', async () => {
      const result = await firstStep('I want to talk to a real person about my password');
      expect(result.toolCalls[0]).toMatchObject({ toolName: 'escalate', input: { reason: 'The visitor asked to talk to a person' } });
    });

    it('classifies first (tag, priority), then answers on the next step', async () => {
      const context = contextOf('I was charged twice, I need a refund asap');
      const first = await generateText({ model, messages: toModelMessages(context, []), tools: assistantTools });
      expect(first.toolCalls.map((c) => [c.toolName, c.input])).toEqual([
        ['tag', { tags: ['billing'] }],
        ['set_priority', { priority: 'high' }],
      ]);
      const steps = [
        {
          toolCalls: first.toolCalls.map(({ toolCallId, toolName, input }) => ({ toolCallId, toolName, input })),
          outcomes: first.toolCalls.map(({ toolCallId, toolName }) => ({ toolCallId, toolName, state: 'accepted' as const, output: {} })),
        },
      ];
      const second = await generateText({ model, messages: toModelMessages(context, steps), tools: assistantTools });
      expect(second.toolCalls.map((c) => c.toolName)).toEqual(['reply']);
      expect(second.toolCalls[0]?.input).toMatchObject({ text: expect.stringContaining('refundable within 30 days') });
    });

    it('escalates instead of replying when `reply` is not offered', async () => {
      const context = contextOf('How do I reset my password?');
      const result = await generateText({ model, messages: toModelMessages(context, []), tools: assistantTools, activeTools: ['escalate'] });
      expect(result.toolCalls.map((c) => c.toolName)).toEqual(['escalate']);
    });

    it('is deterministic for the same prompt', async () => {
      const a = await firstStep('How do I export my notes?');
      const b = await firstStep('How do I export my notes?');
      expect(a.toolCalls).toEqual(b.toolCalls);
    });

    it('does not answer a message the assistant already answered', async () => {
      const context: ConversationContext = {
        conversationId: 'c1',
        entries: [
          { seq: 1, role: 'visitor', text: 'How do I reset my password?' },
          { seq: 2, role: 'assistant', text: 'Click "Forgot password".' },
        ],
        truncated: false,
      };
      const result = await generateText({ model, messages: toModelMessages(context, []), tools: assistantTools, stopWhen: stepCountIs(1) });
      expect(result.toolCalls[0]).toMatchObject({ toolName: 'escalate' });
    });
  });

  describe('what it answers', () => {
    const answerTo = async (entries: ConversationContext['entries']) => {
      const result = await generateText({ model, messages: toModelMessages({ conversationId: 'c1', entries, truncated: false }, []), tools: assistantTools, activeTools: ['reply', 'escalate'] });
      return result.toolCalls[0];
    };

    it('answers each question the visitor asked since it last spoke, each from its own snippet', async () => {
      const call = await answerTo([
        { seq: 1, role: 'visitor', text: 'How do I reset my password?' },
        { seq: 2, role: 'visitor', text: 'And how do I export my notes?' },
        { seq: 3, role: 'visitor', text: 'Thanks!' },
      ]);
      expect(call).toMatchObject({ toolName: 'reply', input: { text: expect.stringContaining('Forgot password') } });
      expect(call?.input).toMatchObject({ text: expect.stringMatching(/export/i) });
    });

    it('answers each question of one message', async () => {
      for (const text of ['How do I reset my password? How can I export my notes?', 'How do I export my notes, and how do I share a notebook with my team?']) {
        const call = await answerTo([{ seq: 1, role: 'visitor', text }]);
        expect(call?.toolName).toBe('reply');
        const reply = String((call?.input as { text: string }).text);
        expect(reply.split('\n\n')).toHaveLength(2);
      }
    });

    it('answers what a plan costs', async () => {
      for (const text of ['What does the Pro plan cost?', 'How much does Business cost?']) {
        expect(await answerTo([{ seq: 1, role: 'visitor', text }])).toMatchObject({ toolName: 'reply', input: { text: expect.stringContaining('$8 per user') } });
      }
    });

    it('after a hand back, answers what the visitor asks now, not what it said while the team had the conversation', async () => {
      const call = await answerTo([
        { seq: 1, role: 'visitor', text: 'I want to talk to a human' },
        { seq: 2, role: 'event', text: 'escalated to the team: asked', turnsPage: true },
        { seq: 3, role: 'visitor', text: 'ok, is a human coming? I forgot my password' },
        { seq: 4, role: 'event', text: 'handed back', turnsPage: true },
        { seq: 5, role: 'visitor', text: 'How do I share a notebook with my team?' },
      ]);
      expect(call).toMatchObject({ toolName: 'reply' });
      expect(call?.input).toMatchObject({ text: expect.stringMatching(/share|invite/i) });
      expect(call?.input).not.toMatchObject({ text: expect.stringContaining('Forgot password') });
    });
  });

  it('answers the question that reopened a resolved conversation (the reopen comes after it)', async () => {
    const result = await generateText({
      model,
      messages: toModelMessages(
        {
          conversationId: 'c1',
          entries: [
            { seq: 1, role: 'event', text: 'resolved', turnsPage: true },
            { seq: 2, role: 'visitor', text: 'How do I export my notes?' },
            { seq: 3, role: 'event', text: 'reopened' },
            { seq: 4, role: 'event', text: 'handed back' },
          ],
          truncated: false,
        },
        [],
      ),
      tools: assistantTools,
      activeTools: ['reply', 'escalate'],
    });
    expect(result.toolCalls[0]).toMatchObject({ toolName: 'reply', input: { text: expect.stringMatching(/export/i) } });
  });

  describe('#doStream', () => {
    it('streams the same tool calls as doGenerate', async () => {
      const context = contextOf('How do I reset my password?');
      const result = streamText({ model, messages: toModelMessages(context, []), tools: assistantTools });
      const calls = await result.toolCalls;
      expect(calls.map((c) => c.toolName)).toEqual(['reply']);
    });
  });
});
