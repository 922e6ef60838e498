import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { APICallError } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { toConversationContext } from '../../activities/ai/context';
import { unansweredVisitorText } from '../../activities/ai/prompt';
import { createAiActivities } from '../../activities/ai/activities';
import { defaultAssistantConfig } from '../../activities/ai/config';
import { createModelResolver, modelProblem } from '../../activities/ai/resolve-model';
import { messageTextProblem } from '../../domain/message-text';
import { eventVisibility, type EventKind, type TimelineItem } from '../../domain/timeline';
import { aiHarness, memoryStore, visitorMessage } from './helpers';
import { scriptedModel } from './mock-model';

const context = { conversationId: 'c1', entries: [{ seq: 1, role: 'visitor' as const, text: 'hi' }], truncated: false };

describe('createAiActivities', () => {
  describe('#callModel', () => {
    it('returns the tool calls without executing anything', async () => {
      const h = aiHarness({ visitorText: 'How do I reset my password?' });
      const result = await h.activities.callModel({ assistantId: h.config.id, conversationContext: await h.activities.buildConversationContext({ conversationId: 'c1' }), stepMessages: [] });
      expect(result).toMatchObject({ finishReason: 'tool-calls', toolCalls: [{ toolCallId: 'rules-0-0', toolName: 'reply' }] });
      expect(h.items).toHaveLength(1); // nothing written by the call itself
    });

    it("gives a tag call's tags as the API takes tags: one line, trimmed and composed (NFC), so a model's decomposed ü is not a second tag", async () => {
      const decomposed = 'Zahlungsru\u0308ckstand';
      const h = aiHarness({ model: scriptedModel([['tag', { tags: [` ${decomposed} `, 'billing\tissue\u202e', '\u200b'] }]]), visitorText: 'hi' });
      const result = await h.activities.callModel({ assistantId: h.config.id, conversationContext: context, stepMessages: [] });
      // One line, as the API takes tags; a tag that shows nothing is empty, which the workflow refuses.
      expect(result.toolCalls).toEqual([{ toolCallId: 'call-0-0', toolName: 'tag', input: { tags: ['Zahlungsr\u00fcckstand', 'billing issue', ''] } }]);
    });

    it("passes a tag call's input it cannot read as tags on as the model wrote it, for the workflow to judge, instead of failing the call", async () => {
      for (const input of [{ tags: 'billing' }, {}, { tags: [1, ' vip '] }]) {
        const h = aiHarness({ model: scriptedModel([['tag', input], ['reply', { text: 'Here is how.' }]]), visitorText: 'hi' });
        const result = await h.activities.callModel({ assistantId: h.config.id, conversationContext: context, stepMessages: [] });
        expect(result.toolCalls.map((call) => call.toolName)).toEqual(['tag', 'reply']);
        expect(result.toolCalls[0]!.input).toEqual(Array.isArray(input.tags) ? { tags: [1, 'vip'] } : input);
      }
    });

    it("holds a reply's or note's text to a message's rules: control characters out, cut at 10,000 code points, empty when nothing would show", async () => {
      const long = `${'😀'.repeat(10_000)}!`;
      const h = aiHarness({
        model: scriptedModel([['note', { text: ' \u200b ' }], ['note', { text: 'esc\u001b[2J and\u009b done\u0000' }], ['reply', { text: long }]]),
        visitorText: 'hi',
      });
      const [blank, controls, reply] = (await h.activities.callModel({ assistantId: h.config.id, conversationContext: context, stepMessages: [] })).toolCalls;
      expect(blank!.input).toEqual({ text: '' });
      expect(controls!.input).toEqual({ text: 'esc[2J and done' });
      const text = (reply!.input as { text: string }).text;
      expect([...text]).toHaveLength(10_000);
      expect(text).toBe(`${'😀'.repeat(9_999)}…`);
      expect(messageTextProblem(text)).toBeUndefined();
    });

    it('throws a non-retryable AiModelAuthError on 401', async () => {
      const model = new MockLanguageModelV3({
        doGenerate: async () => {
          throw new APICallError({ message: 'Incorrect API key', url: 'https://api.openai.com/v1/responses', requestBodyValues: {}, statusCode: 401, isRetryable: false });
        },
      });
      const h = aiHarness({ model, visitorText: 'hi' });
      const error = await h.activities.callModel({ assistantId: h.config.id, conversationContext: context, stepMessages: [] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error).toMatchObject({ type: 'AiModelAuthError', nonRetryable: true });
    });

    it('rethrows other model errors as they are, for the workflow to retry', async () => {
      const model = new MockLanguageModelV3({
        doGenerate: async () => {
          throw new APICallError({ message: 'Overloaded', url: 'u', requestBodyValues: {}, statusCode: 529, isRetryable: true });
        },
      });
      const h = aiHarness({ model, visitorText: 'hi' });
      await expect(h.activities.callModel({ assistantId: h.config.id, conversationContext: context, stepMessages: [] })).rejects.toThrow('Overloaded');
    });

    it('fails at once, naming OPENAI_API_KEY, for an assistant whose OpenAI model this server cannot run', async () => {
      const config = defaultAssistantConfig({ model: 'openai:gpt-4o-mini' });
      const activities = createAiActivities({ resolveModel: createModelResolver({}), getAssistantConfig: async () => config });
      const error = await activities.callModel({ assistantId: config.id, conversationContext: context, stepMessages: [] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error).toMatchObject({ type: 'AiConfigError', nonRetryable: true, message: expect.stringContaining('needs OPENAI_API_KEY') });
    });

    it('fails with AiConfigError for an unknown assistant', async () => {
      const h = aiHarness({ visitorText: 'hi' });
      await expect(h.activities.loadAssistantPolicy({ assistantId: 'nope' })).rejects.toMatchObject({ type: 'AiConfigError' });
    });
  });

  describe('#buildConversationContext', () => {
    it('gives the model nothing of an internal note', async () => {
      const model = scriptedModel([['reply', { text: 'Sorry about that, let me look.' }]]);
      const h = aiHarness({ model, visitorText: 'I was charged twice' });
      h.items.push({ ...visitorMessage('c1', 2, ''), id: 'n2', type: 'note', visibility: 'private', author: { kind: 'human', id: 'a' }, text: 'VIP customer: refund up to $500' } as TimelineItem);
      const conversationContext = await h.activities.buildConversationContext({ conversationId: 'c1' });
      await h.activities.callModel({ assistantId: h.config.id, conversationContext, stepMessages: [] });
      const prompt = JSON.stringify(model.doGenerateCalls.map((call) => call.prompt));
      expect(prompt).toContain('I was charged twice');
      expect(prompt).not.toMatch(/VIP|refund up to/);
    });
  });

  describe('#postAiReply', () => {
    it('holds a reply back once the visitor wrote after what the workflow heard, unless an earlier attempt stored it', async () => {
      const h = aiHarness({ visitorText: 'first' });
      const reply = { conversationId: 'c1', assistantId: h.config.id, text: 'an answer', answersUpTo: 1 };
      expect(await h.activities.postAiReply({ ...reply, itemId: 'r1' })).toEqual({ posted: true });
      h.items.push(visitorMessage('c1', 3, 'second'));
      // A retry whose first attempt wrote the reply (its answer lost) reports it posted.
      expect(await h.activities.postAiReply({ ...reply, itemId: 'r1' })).toEqual({ posted: true });
      expect(await h.activities.postAiReply({ ...reply, itemId: 'r2' })).toEqual({ posted: false, overtakenBy: 'visitor' });
      expect(await h.activities.postAiReply({ ...reply, itemId: 'r3', answersUpTo: 3 })).toEqual({ posted: true });
      expect(h.posted('message').map((item) => item.id)).toEqual(['r1', 'r3']);
    });

    it('says nothing of the team taking over once a person of the team has answered the visitor, unless the visitor wrote again or an earlier attempt stored it', async () => {
      const h = aiHarness({ visitorText: 'a person please' });
      const handOff = (itemId: string) => ({ conversationId: 'c1', assistantId: h.config.id, itemId, text: h.config.escalation.handoffMessage });
      const agentMessage = (seq: number, text: string): TimelineItem => ({ ...visitorMessage('c1', seq, text), id: `a${seq}`, author: { kind: 'human', id: 'agent_alex' } });
      expect(await h.activities.postAiReply(handOff('h1'))).toEqual({ posted: true });
      h.items.push(agentMessage(3, 'Yes, of course.'));
      expect(await h.activities.postAiReply(handOff('h1'))).toEqual({ posted: true });
      expect(await h.activities.postAiReply(handOff('h2'))).toEqual({ posted: false, overtakenBy: 'team' });
      // A note of the team's is no answer to the visitor; a reply of the model's is not the hand-off.
      h.items.push({ ...agentMessage(4, 'checking'), id: 'n4', type: 'note', visibility: 'private' } as TimelineItem);
      expect(await h.activities.postAiReply({ ...handOff('r5'), text: 'an answer' })).toEqual({ posted: true });
      h.items.push(visitorMessage('c1', 6, 'hello?'));
      expect(await h.activities.postAiReply(handOff('h7'))).toEqual({ posted: true });
      expect(h.posted('message').map((item) => item.id)).toEqual(['h1', 'r5', 'h7']);
    });

    it('holds a reply back once a person of the team answered after the visitor messages it answers, unless an earlier attempt stored it', async () => {
      const h = aiHarness({ visitorText: 'first' });
      const agentMessage = (seq: number): TimelineItem => ({ ...visitorMessage('c1', seq, 'Let me check.'), id: `a${seq}`, author: { kind: 'human', id: 'agent_alex' } });
      const reply = { conversationId: 'c1', assistantId: h.config.id, text: 'an answer', answersUpTo: 1 };
      expect(await h.activities.postAiReply({ ...reply, itemId: 'r1' })).toEqual({ posted: true });
      // A note of the team's is no answer to the visitor.
      h.items.push({ ...agentMessage(3), id: 'n3', type: 'note', visibility: 'private' } as TimelineItem);
      expect(await h.activities.postAiReply({ ...reply, itemId: 'r4' })).toEqual({ posted: true });
      h.items.push(agentMessage(5));
      expect(await h.activities.postAiReply({ ...reply, itemId: 'r6' })).toEqual({ posted: false, overtakenBy: 'team' });
      // Retried after it was stored: posted; a reply to the visitor's message after the person's: posted.
      expect(await h.activities.postAiReply({ ...reply, itemId: 'r4' })).toEqual({ posted: true });
      h.items.push(visitorMessage('c1', 6, 'thanks, and?'));
      expect(await h.activities.postAiReply({ ...reply, itemId: 'r7', answersUpTo: 6 })).toEqual({ posted: true });
      expect(h.posted('message').map((item) => item.id)).toEqual(['r1', 'r4', 'r7']);
    });

    it('writes the record a reply carries right after it; nothing once its turn was cancelled, unless an earlier attempt stored the reply', async () => {
      const h = aiHarness({ visitorText: 'first' });
      const reply = (itemId: string) => ({
        conversationId: 'c1',
        assistantId: h.config.id,
        itemId,
        text: 'an answer',
        record: { conversationId: 'c1', assistantId: h.config.id, itemId: `${itemId}.record`, toolCallId: 'call-0', toolName: 'reply', input: { text: 'an answer' }, state: 'accepted' as const },
      });
      expect(await h.activities.postAiReply(reply('r1'))).toEqual({ posted: true });
      const cancelled = new MockActivityEnvironment();
      cancelled.cancel();
      await expect(cancelled.run(h.activities.postAiReply, reply('r2'))).rejects.toBeInstanceOf(CancelledFailure);
      h.items.push({ ...visitorMessage('c1', 3, 'an answer'), id: 'r3', author: { kind: 'ai', id: h.config.id } });
      expect(await cancelled.run(h.activities.postAiReply, reply('r3'))).toEqual({ posted: true });
      expect(h.items.filter((item) => item.author.kind === 'ai').map((item) => item.id)).toEqual(['r1', 'r1.record', 'r3', 'r3.record']);
    });
  });

  describe('#postAiReply with the team away', () => {
    const at = new Date('2025-01-06T10:00:01.000Z'); // a Monday
    const config = defaultAssistantConfig({ businessHours: { timeZone: 'Europe/Paris', days: [1, 2, 3, 4, 5], start: '14:00', end: '18:00' } });
    const { handoffMessage, awayMessage } = config.escalation;
    const postedWith = async (teamOnline: (conversationId: string) => Promise<boolean>, replies: Array<{ text: string; record?: boolean }>) => {
      const { store, items } = memoryStore([visitorMessage('c1', 1, 'a person please')]);
      const activities = createAiActivities({ resolveModel: () => scriptedModel([]), getAssistantConfig: async () => config, store, teamOnline, now: () => at });
      for (const [i, { text, record }] of replies.entries()) {
        const itemId = `r${i}`;
        const carried = record ? { record: { conversationId: 'c1', assistantId: config.id, itemId: `${itemId}.record`, toolCallId: 'call-0', toolName: 'reply', input: { text }, state: 'accepted' as const } } : {};
        await activities.postAiReply({ conversationId: 'c1', assistantId: config.id, itemId, text, ...carried });
      }
      return items.filter((item) => item.type === 'message' && item.author.kind === 'ai').map((item) => item.text);
    };

    it('posts the away message, with the next opening, in place of the hand-off message while nobody of the team is online', async () => {
      expect(await postedWith(async () => false, [{ text: handoffMessage }])).toEqual([`${awayMessage} We open again on Monday 6 January at 14:00 (Europe/Paris time).`]);
    });

    it('leaves the hand-off message while someone is online, or when it cannot tell, and any other reply as it is', async () => {
      expect(await postedWith(async () => true, [{ text: handoffMessage }])).toEqual([handoffMessage]);
      expect(await postedWith(async () => Promise.reject(new Error('engine away')), [{ text: handoffMessage }])).toEqual([handoffMessage]);
      // A reply the model chose is its own, whatever it says.
      expect(await postedWith(async () => false, [{ text: 'an answer' }, { text: handoffMessage, record: true }])).toEqual(['an answer', handoffMessage]);
    });

    it('reports posted a hand-off an earlier attempt stored while the team was online, though nobody is by the retry', async () => {
      const { store, items } = memoryStore([visitorMessage('c1', 1, 'a person please')]);
      let online = true;
      const activities = createAiActivities({ resolveModel: () => scriptedModel([]), getAssistantConfig: async () => config, store, teamOnline: async () => online, now: () => at });
      const handOff = { conversationId: 'c1', assistantId: config.id, itemId: 'h1', text: handoffMessage };
      expect(await activities.postAiReply(handOff)).toEqual({ posted: true });
      online = false; // the first attempt's answer was lost; its retry finds the team gone
      expect(await activities.postAiReply(handOff)).toEqual({ posted: true });
      expect(items.filter((item) => item.author.kind === 'ai').map((item) => item.type === 'message' && item.text)).toEqual([handoffMessage]);
    });
  });

  describe('#postAiNote', () => {
    it('writes nothing once its turn was cancelled', async () => {
      const h = aiHarness({ visitorText: 'first' });
      const cancelled = new MockActivityEnvironment();
      cancelled.cancel();
      await expect(cancelled.run(h.activities.postAiNote, { conversationId: 'c1', assistantId: h.config.id, itemId: 'n1', text: 'a note' })).rejects.toBeInstanceOf(CancelledFailure);
      expect(h.posted('note')).toEqual([]);
    });
  });

  describe('#publishAiTyping', () => {
    it('publishes a conversationTyping-shaped event', async () => {
      const h = aiHarness({ visitorText: 'hi' });
      await h.activities.publishAiTyping({ conversationId: 'c1', assistantId: h.config.id, isTyping: true });
      expect(h.typing).toEqual([true]);
    });
  });
});

describe('toConversationContext', () => {
  const item = (seq: number, fields: Partial<TimelineItem> & Record<string, unknown>): TimelineItem =>
    ({ ...visitorMessage('c1', seq, ''), id: `i${seq}`, ...fields }) as TimelineItem;

  const agent = { kind: 'human', id: 'a' } as const;
  /** An event item as the workflow writes it: team-only kinds are private. */
  const event = (seq: number, kind: EventKind, data: Record<string, unknown> = {}, author: TimelineItem['author'] = agent) =>
    item(seq, { type: 'event', visibility: eventVisibility(kind), author, event: { kind, data } });

  it('maps roles and summarizes public events and plugin items', () => {
    const ctx = toConversationContext(
      'c1',
      [
        visitorMessage('c1', 1, 'hello'),
        item(2, { type: 'message', author: { kind: 'ai', id: 'bot' }, text: 'Hi! How can I help?' }),
        item(3, { type: 'message', author: agent, text: 'Let me check that for you.' }),
        event(4, 'title_changed', { title: 'Charged twice' }),
        event(5, 'resolved', { reason: 'refunded, customer is a known abuser' }),
        item(6, { type: 'acme.rating', score: 5 }),
      ],
      { summarize: (i) => (i.type === 'acme.rating' ? `rated ${String(i.score)}/5` : undefined) },
    );
    expect(ctx.entries.map((e) => [e.seq, e.role, e.text])).toEqual([
      [1, 'visitor', 'hello'],
      [2, 'assistant', 'Hi! How can I help?'],
      [3, 'agent', 'Let me check that for you.'],
      [4, 'event', 'title changed to "Charged twice"'],
      [5, 'event', 'resolved'], // the reason is the team's, as the visitor reads it
      [6, 'item', 'rated 5/5'],
    ]);
    expect(ctx.truncated).toBe(false);
  });

  it('leaves out what the visitor cannot see: notes, private messages and items, tool-call records, the team\'s triage', () => {
    const parts = [{ type: 'text', text: 'refund approved up to $500' }];
    const ctx = toConversationContext('c1', [
      visitorMessage('c1', 1, 'I was charged twice'),
      item(2, { type: 'note', visibility: 'private', author: agent, text: 'VIP customer, threatens to churn' }),
      item(3, { type: 'note', visibility: 'private', author: agent, text: undefined, parts }),
      item(4, { type: 'message', visibility: 'private', author: agent, text: 'internal: check the ledger' }),
      item(5, { type: 'ai_tool_call', visibility: 'private', author: { kind: 'ai', id: 'bot' }, toolName: 'tag', input: { tags: ['billing'] }, state: 'accepted' }),
      item(6, { type: 'acme.fraud_check', visibility: 'private', author: agent, text: 'flagged' }),
      event(7, 'tag_added', { tag: 'churn-risk' }),
      event(8, 'sla_breached', { sla: 'first_response', priority: 'high', dueAt: '2025-01-06T11:00:00.000Z' }),
      event(9, 'escalated', { reason: 'VIP customer, refund over the limit' }),
      event(10, 'handed_back'),
    ]);
    // Of the private events only the hand-overs remain, as their kind: the reason stays with the team.
    expect(ctx.entries.map((e) => [e.seq, e.role, e.text])).toEqual([
      [1, 'visitor', 'I was charged twice'],
      [9, 'event', 'escalated'],
      [10, 'event', 'handed back'],
    ]);
    expect(JSON.stringify(ctx)).not.toMatch(/VIP|churn|refund approved|ledger|flagged|billing/);
  });

  it('leaves out what the visitor does not see though stored public: a priority change of an earlier version, a plugin type now private', () => {
    const ctx = toConversationContext(
      'c1',
      [
        visitorMessage('c1', 1, 'hello'),
        item(2, { type: 'event', visibility: 'public', author: agent, event: { kind: 'priority_changed', data: { from: 'medium', to: 'urgent' } } }),
        item(3, { type: 'acme.internal_score', score: 2 }),
      ],
      { visibleToVisitor: (i) => i.type !== 'acme.internal_score' },
    );
    expect(ctx.entries.map((e) => e.seq)).toEqual([1]);
  });

  it('marks the events after which earlier visitor messages are not the assistant’s to answer', () => {
    const lifecycle = { kind: 'system', id: 'lifecycle' } as const;
    const ctx = toConversationContext('c1', [
      event(1, 'handed_back'),
      event(2, 'escalated', { reason: 'asked for a person' }),
      event(3, 'resolved', {}, lifecycle),
      // A reopen, and the hand-back a reopen makes, follow the visitor's message that caused them.
      event(4, 'reopened', {}, lifecycle),
      event(5, 'handed_back', {}, lifecycle),
      event(6, 'title_changed', { title: 'Charged twice' }),
    ]);
    expect(ctx.entries.map((e) => [e.seq, e.turnsPage ?? false])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, false],
      [6, false],
    ]);
  });

  it('turns no page after the visitor message the turn answers (one left waiting, then handed back)', () => {
    const items = [visitorMessage('c1', 1, 'Can I get a refund?'), event(2, 'escalated', { reason: 'billing' }), event(3, 'handed_back')];
    expect(unansweredVisitorText(toConversationContext('c1', items).entries)).toBe('');
    expect(unansweredVisitorText(toConversationContext('c1', items, { answeringSeq: 1 }).entries)).toBe('Can I get a refund?');
  });

  it('keeps the newest entries within the budget', () => {
    const items = Array.from({ length: 10 }, (_, i) => visitorMessage('c1', i + 1, `message number ${i + 1}`));
    const ctx = toConversationContext('c1', items, { maxChars: 60 });
    expect(ctx.truncated).toBe(true);
    expect(ctx.entries.at(-1)?.text).toBe('message number 10');
    expect(ctx.entries.length).toBeLessThan(10);
  });

  it('gives messages made of parts their text parts and file names', () => {
    const parts = [
      { type: 'text', text: 'see the invoice' },
      { type: 'file', fileId: 'file_1', filename: 'invoice.pdf' },
    ];
    const ctx = toConversationContext('c1', [item(1, { type: 'message', text: undefined, parts })]);
    expect(ctx.entries.map((e) => [e.role, e.text])).toEqual([['visitor', 'see the invoice [file: invoice.pdf]']]);
  });
});

describe('createModelResolver', () => {
  const config = aiHarness({ visitorText: '' }).config;
  it('uses the rule-based model for builtin:rules, with or without a key', () => {
    expect(createModelResolver({})('builtin:rules', config)).toMatchObject({ provider: 'builtin', modelId: 'rules' });
    expect(createModelResolver({ apiKey: 'sk-test' })('builtin:rules', config)).toMatchObject({ provider: 'builtin', modelId: 'rules' });
  });
  it('uses OpenAI (or a compatible server) with a key', () => {
    expect(createModelResolver({ apiKey: 'sk-test' })('openai:gpt-4o-mini', config)).toMatchObject({ modelId: 'gpt-4o-mini' });
    const compatible = createModelResolver({ apiKey: 'sk-test', baseURL: 'http://localhost:11434/v1' })('openai:llama3', config);
    expect(compatible.provider).toBe('openai.chat');
  });
  it('fails, non-retryable and naming OPENAI_API_KEY, for an OpenAI model without a key, rather than answer with the rule-based model', () => {
    const resolve = () => createModelResolver({})('openai:gpt-4o-mini', config);
    expect(resolve).toThrow(expect.objectContaining({ name: 'ApplicationFailure', type: 'AiConfigError', nonRetryable: true, message: expect.stringContaining('OPENAI_API_KEY') }));
  });
});

describe('modelProblem', () => {
  it('says why a model cannot run with the settings, or nothing when it can', () => {
    expect(modelProblem('builtin:rules', {})).toBeUndefined();
    expect(modelProblem('openai:gpt-4o-mini', { apiKey: 'sk-test' })).toBeUndefined();
    expect(modelProblem('openai:gpt-4o-mini', {})).toBe('The model "openai:gpt-4o-mini" needs OPENAI_API_KEY, which this server does not have: set it, or give the assistant "builtin:rules"');
    expect(modelProblem('anthropic:claude', { apiKey: 'sk-test' })).toMatch(/^Unknown model "anthropic:claude"/);
  });
});
