/**
 * The AI assistant's turn inside the conversation workflow, on the embedded engine with the real
 * store: answers, multi-step turns through the validators, rejections fed back, debounce and
 * supersession.
 */
import type { LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../domain/timeline';
import { defaultAssistantConfig } from '../../activities/ai/config';
import { scriptedModel, stepResult } from '../ai/mock-model';
import { eventually } from '../runtime/engine/eventually';
import { ALICE, VISITOR, workflowInput } from './conversation/fixtures';
import type { DrivenConversation } from './support/conversation-driver';
import type { ReplyStage } from './support/held-replies';
import { PAST_DEBOUNCE_MS, productHarness, type ProductHarness } from './support/product-harness';

const aiMessages = async (c: DrivenConversation) => (await c.items()).filter((i) => i.type === 'message' && i.author.kind === 'ai').map((i) => i.text);
const toolCalls = async (c: DrivenConversation) =>
  (await c.items()).filter((i): i is TimelineItem & Record<string, unknown> => i.type === 'ai_tool_call').map(({ toolName, state, error, author }) => ({ toolName, state, error, author }));

/** A model that answers 'stale answer', held until `release()`, then 'fresh answer'. */
function firstAnswerHeld() {
  let release!: () => void;
  const firstCallHeld = new Promise<void>((resolve) => (release = resolve));
  const answers: LanguageModelV3GenerateResult[] = [stepResult([['reply', { text: 'stale answer' }]]), stepResult([['reply', { text: 'fresh answer' }]])];
  const model = new MockLanguageModelV3({
    doGenerate: async () => {
      const answer = answers.shift()!;
      if (answers.length === 1) await firstCallHeld;
      return answer;
    },
  });
  return { model, release };
}

describe('conversationWorkflow with an AI assistant', () => {
  let h: ProductHarness;
  beforeAll(async () => {
    h = await productHarness('ai_turn');
  });
  afterAll(() => h?.close());

  /** A conversation whose first turn waits on the model (see firstAnswerHeld). */
  async function firstTurnInFlight() {
    const { model, release } = firstAnswerHeld();
    const assistant = await h.newAssistant({ model });
    const c = await h.newConversation({ assistantId: assistant.id });
    await c.post(VISITOR, 'How do I share a notebook?');
    await h.passTime(PAST_DEBOUNCE_MS);
    await eventually(() => expect(model.doGenerateCalls).toHaveLength(1));
    return { c, release };
  }

  describe('answering a visitor', () => {
    it('posts the model’s reply as the AI participant, records the tool call and shows typing meanwhile', async () => {
      const assistant = await h.newAssistant({ model: scriptedModel([['reply', { text: 'Pro costs $8 per user per month.' }]]) });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'How much is Pro?');
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await aiMessages(c)).toEqual(['Pro costs $8 per user per month.']));
      const reply = (await c.items()).find((i) => i.type === 'message' && i.author.kind === 'ai');
      expect(reply).toMatchObject({ author: assistant, visibility: 'public' });
      await eventually(async () => expect(await toolCalls(c)).toEqual([{ toolName: 'reply', state: 'accepted', error: undefined, author: assistant }]));
      await eventually(() => expect(h.typing.filter((e) => e.actorId === assistant.id).map((e) => e.isTyping)).toEqual([true, false]));
      // The AI answered for the team: the conversation now waits on the visitor.
      expect(await c.state()).toMatchObject({ handler: 'ai', autoResolveAt: expect.any(String) });
    });

    it('answers from the knowledge base with the offline rule-based model, tagging by keyword', async () => {
      const assistant = await h.newAssistant();
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'Can I get a refund for my subscription?');
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect((await aiMessages(c))[0]).toMatch(/refundable within 30 days/));
      expect(await c.state()).toMatchObject({ handler: 'ai', tags: ['billing'] });
      await eventually(async () => expect((await toolCalls(c)).map((t) => `${t.toolName}:${t.state}`)).toEqual(['tag:accepted', 'reply:accepted']));
    });
  });

  describe('a message left while the AI could not answer', () => {
    it('is answered once the AI is resumed', async () => {
      const assistant = await h.newAssistant();
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.operate(ALICE, { op: 'pause_ai', minutes: 10 });
      await c.post(VISITOR, 'Can I get a refund for my subscription?');
      await h.passTime(PAST_DEBOUNCE_MS);
      expect(await aiMessages(c)).toEqual([]);
      await c.operate(ALICE, { op: 'resume_ai' });
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect((await aiMessages(c))[0]).toMatch(/refundable within 30 days/));
    });

    it('is answered once the AI is resumed, though the run continued as new meanwhile', async () => {
      const assistant = await h.newAssistant();
      const c = await h.newConversation({ assistantId: assistant.id, runLimits: { messages: 2 } });
      const firstRun = (await h.engine.describe(c.workflowId)).runId;
      await c.operate(ALICE, { op: 'pause_ai', minutes: 10 });
      await c.post(VISITOR, 'Can I get a refund for my subscription?');
      await eventually(async () => expect((await h.engine.describe(c.workflowId)).runId).not.toBe(firstRun));
      await c.operate(ALICE, { op: 'resume_ai' });
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect((await aiMessages(c))[0]).toMatch(/refundable within 30 days/));
    });

    it('is answered once handed back, though an agent escalated it meanwhile and the pause still runs', async () => {
      const assistant = await h.newAssistant();
      const c = await h.newConversation({ assistantId: assistant.id, roster: [...workflowInput().roster, { id: assistant.id, kind: 'ai' }] });
      await c.operate(ALICE, { op: 'pause_ai', minutes: 10 });
      await c.post(VISITOR, 'Can I get a refund for my subscription?');
      await c.operate(ALICE, { op: 'escalate', reason: 'billing should see this' });
      // The hand-back ends the pause: the message is taken up now, not once the ten minutes run out.
      expect(await c.operate(ALICE, { op: 'hand_back' })).not.toHaveProperty('aiPausedUntil');
      await h.passTime(PAST_DEBOUNCE_MS);
      // Answered, not handed over again: the hand-back came after the message, it closes nothing before.
      await eventually(async () => expect(await aiMessages(c)).toEqual([expect.stringMatching(/refundable within 30 days/)]));
    });

    it('is answered once handed back, though the assistant was switched off when it came and handed it to the team', async () => {
      const assistant = await h.newAssistant({ config: { enabled: false } });
      const c = await h.newConversation({ assistantId: assistant.id, roster: [...workflowInput().roster, { id: assistant.id, kind: 'ai' }] });
      await c.post(VISITOR, 'Can I get a refund for my subscription?');
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect(await c.state()).toMatchObject({ escalationReason: 'The AI assistant is switched off' }));
      await h.changeAssistant(assistant, { enabled: true });
      await c.operate(ALICE, { op: 'hand_back' });
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect(await aiMessages(c)).toEqual([expect.stringMatching(/refundable within 30 days/)]));
      expect(await c.state()).toMatchObject({ handler: 'ai' });
    });

    it('is answered once handed back, though its assistant was deleted when it came (the turn could not start) and brought back since, unless someone answered it', async () => {
      const assistant = await h.newAssistant();
      const roster = [...workflowInput().roster, { id: assistant.id, kind: 'ai' as const }];
      const [unanswered, answered] = [await h.newConversation({ assistantId: assistant.id, roster }), await h.newConversation({ assistantId: assistant.id, roster })];
      for (const c of [unanswered, answered]) await c.post(VISITOR, 'How do I export my notes?');
      await h.passTime(PAST_DEBOUNCE_MS);
      for (const c of [unanswered, answered]) await eventually(async () => expect(await aiMessages(c)).toEqual([expect.stringMatching(/export all your notes/)]));

      await h.deleteAssistant(assistant, ALICE);
      for (const c of [unanswered, answered]) await c.post(VISITOR, 'And how do I share a notebook?');
      await h.passTime(PAST_DEBOUNCE_MS);
      for (const c of [unanswered, answered]) {
        await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: `The AI assistant could not start its turn (Unknown AI assistant ${assistant.id})` }));
      }
      await answered.post(ALICE, 'Open the notebook and choose Share.');
      await h.bringBackAssistant(assistant);
      for (const c of [unanswered, answered]) await c.operate(ALICE, { op: 'hand_back' });
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await aiMessages(unanswered)).toEqual([expect.stringMatching(/export all your notes/), expect.stringMatching(/Share a notebook/)]));
      expect(await unanswered.state()).toMatchObject({ handler: 'ai' });
      await h.passTime(PAST_DEBOUNCE_MS);
      expect(await aiMessages(answered)).toHaveLength(1);
      expect(await answered.state()).toMatchObject({ handler: 'ai' });
    });

    it('goes back to the team at once when handed back to an assistant still deleted, instead of waiting on it unanswered', async () => {
      const assistant = await h.newAssistant();
      const c = await h.newConversation({ assistantId: assistant.id, roster: [...workflowInput().roster, { id: assistant.id, kind: 'ai' }] });
      await h.deleteAssistant(assistant, ALICE);
      await c.post(VISITOR, 'How do I share a notebook?');
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: expect.stringContaining('could not start its turn') }));
      await c.operate(ALICE, { op: 'hand_back' });
      await h.passTime(PAST_DEBOUNCE_MS);
      // The question is the team's again, on the first-response clock, rather than the AI's that cannot answer.
      await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', firstResponseDueAt: expect.any(String) }));
      await eventually(async () => expect((await c.events()).map((e) => e.event.kind).filter((kind) => kind === 'escalated')).toHaveLength(2));
    });

    it('is not handed over again at every hand-back when it came in business hours and they still run (it waits for the next message)', async () => {
      // Business hours all day, every day, so that they run whenever the test does (but the last minute of the UTC day).
      const hours = { timeZone: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '23:59' };
      const assistant = await h.newAssistant({ config: { onlyOutsideBusinessHours: true, businessHours: hours } });
      const c = await h.newConversation({ assistantId: assistant.id, roster: [...workflowInput().roster, { id: assistant.id, kind: 'ai' }] });
      await c.post(VISITOR, 'Can I get a refund for my subscription?');
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect(await c.state()).toMatchObject({ escalationReason: 'The AI assistant answers outside business hours only' }));
      await c.operate(ALICE, { op: 'hand_back' });
      await h.passTime(PAST_DEBOUNCE_MS);
      await h.passTime(PAST_DEBOUNCE_MS);
      // Still the assistant's: the message, taken up and judged by its own time, was handed over again before.
      expect(await c.state()).toMatchObject({ handler: 'ai' });
      const escalations = (await c.items()).filter((i) => i.type === 'event' && (i as { event: { kind: string } }).event.kind === 'escalated');
      expect(escalations).toHaveLength(1);
    });

    it('is answered once the pause runs out', async () => {
      const assistant = await h.newAssistant();
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.operate(ALICE, { op: 'pause_ai', minutes: 10 });
      await c.post(VISITOR, 'Can I get a refund for my subscription?');
      await h.passTime(11 * 60_000);
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect((await aiMessages(c))[0]).toMatch(/refundable within 30 days/));
    });

    it('is answered once a person hands the conversation back, unless they answered it', async () => {
      const assistant = await h.newAssistant();
      const roster = [...workflowInput().roster, { id: assistant.id, kind: 'ai' as const }];
      const handedBack = async (personAnswers: boolean) => {
        const c = await h.newConversation({ assistantId: assistant.id, roster });
        await c.operate(ALICE, { op: 'join', userId: ALICE.id });
        await c.post(VISITOR, 'Can I get a refund for my subscription?');
        if (personAnswers) await c.post(ALICE, 'Yes, within 30 days of purchase.');
        await c.operate(ALICE, { op: 'hand_back' });
        await h.passTime(PAST_DEBOUNCE_MS);
        return c;
      };
      const unanswered = await handedBack(false);
      await eventually(async () => expect(await aiMessages(unanswered)).toEqual([expect.stringMatching(/refundable within 30 days/)]));
      expect(await unanswered.state()).toMatchObject({ handler: 'ai' });
      const answered = await handedBack(true);
      expect(await aiMessages(answered)).toEqual([]);
      await answered.post(VISITOR, 'How do I export my notes?');
      await h.passTime(PAST_DEBOUNCE_MS);
      // Only the new message is the AI's to answer.
      await eventually(async () => expect(await aiMessages(answered)).toHaveLength(1));
      await h.passTime(PAST_DEBOUNCE_MS);
      expect(await aiMessages(answered)).toHaveLength(1);
    });
  });

  describe('tool calls', () => {
    it('applies a multi-step turn (tag, set priority, reply) through the lifecycle rules', async () => {
      const model = scriptedModel([['tag', { tags: ['billing'] }]], [['set_priority', { priority: 'high' }]], [['reply', { text: 'A colleague from billing will look at it.' }]]);
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'I was charged twice!');
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await aiMessages(c)).toEqual(['A colleague from billing will look at it.']));
      expect(model.doGenerateCalls).toHaveLength(3);
      expect(await c.state()).toMatchObject({ tags: ['billing'], priority: 'high', handler: 'ai' });
      await eventually(async () =>
        expect((await c.events()).map((e) => ({ kind: e.event.kind, author: e.author }))).toEqual([
          { kind: 'tag_added', author: assistant },
          { kind: 'priority_changed', author: assistant },
        ]),
      );
      await eventually(async () => expect((await toolCalls(c)).map((t) => `${t.toolName}:${t.state}`)).toEqual(['tag:accepted', 'set_priority:accepted', 'reply:accepted']));
    });

    it('feeds a tool the assistant may not use, and an operation the rules reject, back to the model as rejections', async () => {
      const model = scriptedModel([['resolve', { reason: 'done' }]], [['set_priority', { priority: 'medium' }]], [['reply', { text: 'Anything else?' }]]);
      const assistant = await h.newAssistant({ model, config: { permissions: ['reply', 'set_priority', 'escalate'] } });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'Thanks, that is all');
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await aiMessages(c)).toEqual(['Anything else?']));
      await eventually(async () =>
        expect(await toolCalls(c)).toEqual([
          { toolName: 'resolve', state: 'rejected', error: 'This assistant is not permitted to use "resolve"', author: assistant },
          { toolName: 'set_priority', state: 'rejected', error: 'priority is already medium', author: assistant },
          { toolName: 'reply', state: 'accepted', error: undefined, author: assistant },
        ]),
      );
      const toolResults = (call: number) => model.doGenerateCalls[call]!.prompt.filter((m) => m.role === 'tool').flatMap((m) => m.content);
      expect(toolResults(2)).toEqual([
        expect.objectContaining({ toolName: 'resolve', output: { type: 'error-text', value: 'rejected: This assistant is not permitted to use "resolve"' } }),
        expect.objectContaining({ toolName: 'set_priority', output: { type: 'error-text', value: 'rejected: priority is already medium' } }),
      ]);
      expect(await c.state()).toMatchObject({ status: 'open', priority: 'medium' });
    });
  });

  describe('debounce and supersession', () => {
    it('answers a burst of visitor messages within the debounce with one turn', async () => {
      const model = scriptedModel([['reply', { text: 'Here is how to export your notes.' }]]);
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'Hi');
      await h.passTime(500);
      await c.post(VISITOR, 'I want to export my notes');
      await h.passTime(500);
      await c.post(VISITOR, 'as PDF');
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await aiMessages(c)).toEqual(['Here is how to export your notes.']));
      expect(model.doGenerateCalls).toHaveLength(1);
      const visitorTexts = model.doGenerateCalls[0]!.prompt.filter((m) => m.role === 'user').map((m) => JSON.stringify(m.content));
      expect(visitorTexts.join(' ')).toMatch(/Hi.*export my notes.*as PDF/);
    });

    it('counts a question typed as several short lines as one turn, not one per line', async () => {
      const assistant = await h.newAssistant(); // at most 6 visitor turns, the default
      const c = await h.newConversation({ assistantId: assistant.id });
      for (const line of ['hi', 'so', 'I have a question', 'about my notes', 'how do I', 'export them', 'all?']) await c.post(VISITOR, line);
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect((await aiMessages(c))[0]).toMatch(/export all your notes/));
      expect(await c.state()).toMatchObject({ handler: 'ai' });
      expect((await c.state())?.escalationReason).toBeUndefined();
    });

    it('drops a turn in flight when the visitor writes again: the stale answer is never posted', async () => {
      const { c, release } = await firstTurnInFlight();

      await c.post(VISITOR, 'Actually, how do I reset my password?');
      release();
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await aiMessages(c)).toEqual(['fresh answer']));
      await eventually(async () => expect((await toolCalls(c)).map((t) => t.toolName)).toEqual(['reply']));
      await h.passTime(PAST_DEBOUNCE_MS);
      expect(await aiMessages(c)).toEqual(['fresh answer']);
    });

    it('holds back an answer the visitor overtook before the workflow heard of it, and answers the newer message', async () => {
      const { c, release } = await firstTurnInFlight();

      // Stored while the reply is on its way; the workflow hears of it only afterwards.
      const newer = await c.write(VISITOR, 'Actually, how do I reset my password?');
      release();
      await eventually(async () => expect(await toolCalls(c)).toEqual([expect.objectContaining({ toolName: 'reply', state: 'rejected' })]));
      expect(await aiMessages(c)).toEqual([]);
      await c.notify(newer);
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await aiMessages(c)).toEqual(['fresh answer']));
      expect(await c.state()).toMatchObject({ handler: 'ai' });
      expect((await c.timeline()).filter((kind) => kind.startsWith('event:'))).toEqual([]);
    });
  });

  describe('a person answering while the reply is on its way', () => {
    it('holds back the reply once a person of the team answered before the workflow heard of it, saying so, and leaves the conversation to them', async () => {
      const { c, release } = await firstTurnInFlight();

      // Posted on the hot path while the model thinks; the workflow hears of it only afterwards.
      const answer = await c.write(ALICE, 'You can share it from the Share menu.');
      release();
      await eventually(async () =>
        expect(await toolCalls(c)).toEqual([expect.objectContaining({ toolName: 'reply', state: 'rejected', error: 'A person of the team answered the visitor before the reply was posted' })]),
      );
      expect(await aiMessages(c)).toEqual([]);
      await c.notify(answer);
      await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human' }));
      await h.passTime(PAST_DEBOUNCE_MS);
      expect(await aiMessages(c)).toEqual([]);
    });
  });

  describe('an agent escalating while the reply is on its way', () => {
    /** A conversation whose AI reply is held at `stage` of its activity. */
    async function replyHeldAt(stage: ReplyStage) {
      const assistant = await h.newAssistant({ model: scriptedModel([['reply', { text: 'Pro costs $8 per user per month.' }]]) });
      const c = await h.newConversation({ assistantId: assistant.id });
      const held = h.holdReply(stage);
      await c.post(VISITOR, 'How much is Pro?');
      const passing = h.passTime(PAST_DEBOUNCE_MS); // settles once the held reply's activity ends
      await held.reached;
      return { c, release: held.release, passing };
    }
    const escalation = { op: 'escalate', reason: 'a colleague takes it' } as const;

    it('posts no reply when the turn is cancelled before the store looks, right before placing it', async () => {
      const { c, release, passing } = await replyHeldAt('write');
      await c.operate(ALICE, escalation);
      release();
      await passing;
      expect(await c.state()).toMatchObject({ handler: 'human' });
      expect(await aiMessages(c)).toEqual([]);
      expect(await toolCalls(c)).toEqual([]);
    });

    it('posts no reply when the turn is cancelled while the store looks', async () => {
      const { c, release, passing } = await replyHeldAt('look');
      // The escalation's own events wait for the conversation's write under way; the workflow has taken it.
      const escalating = c.operate(ALICE, escalation);
      await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human' }));
      release();
      await Promise.all([escalating, passing]);
      expect(await aiMessages(c)).toEqual([]);
      expect(await toolCalls(c)).toEqual([]);
    });
  });

  describe('signals heard out of order', () => {
    it('answers when the older message is heard last: its reply is not held back for the newer one the workflow heard', async () => {
      const assistant = await h.newAssistant({ model: scriptedModel([['reply', { text: 'Both answered.' }]]) });
      const c = await h.newConversation({ assistantId: assistant.id });
      const older = await c.write(VISITOR, 'How do I share a notebook?');
      const newer = await c.write(VISITOR, 'And export it?');
      await c.notify(newer);
      await c.notify(older);
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await aiMessages(c)).toEqual(['Both answered.']));
      expect(await c.state()).toMatchObject({ handler: 'ai' });
    });
  });

  describe('continue-as-new', () => {
    it('waits for the turn and carries the visitor-turn count into the next run', async () => {
      const model = scriptedModel([['reply', { text: 'first answer' }]], [['reply', { text: 'second answer' }]], [['reply', { text: 'never sent' }]]);
      const assistant = await h.newAssistant({ model, config: { escalation: { ...defaultAssistantConfig().escalation, maxVisitorTurns: 2 } } });
      const c = await h.newConversation({ assistantId: assistant.id, runLimits: { messages: 2 } });
      const firstRun = (await h.engine.describe(c.workflowId)).runId;
      await c.post(VISITOR, 'How do I export?');
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect(await aiMessages(c)).toEqual(['first answer']));
      await c.post(VISITOR, 'And how do I share?');
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect(await aiMessages(c)).toEqual(['first answer', 'second answer']));
      await eventually(async () => expect((await h.engine.describe(c.workflowId)).runId).not.toBe(firstRun));

      await c.post(VISITOR, 'And one more question');
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: 'Still unresolved after 2 visitor messages' }));
      expect(model.doGenerateCalls).toHaveLength(2);
    });

    it('answers in the next run: a reply waits for nothing the previous run left unstored', async () => {
      const model = scriptedModel([['reply', { text: 'first answer' }]], [['reply', { text: 'second answer' }]], [['reply', { text: 'third answer' }]]);
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id, runLimits: { messages: 2 } });
      const firstRun = (await h.engine.describe(c.workflowId)).runId;
      for (const [question, answers] of [
        ['How do I export?', ['first answer']],
        ['And how do I share?', ['first answer', 'second answer']],
      ] as const) {
        await c.post(VISITOR, question);
        await h.passTime(PAST_DEBOUNCE_MS);
        await eventually(async () => expect(await aiMessages(c)).toEqual(answers));
      }
      await eventually(async () => expect((await h.engine.describe(c.workflowId)).runId).not.toBe(firstRun));

      await c.post(VISITOR, 'And one more question');
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect(await aiMessages(c)).toEqual(['first answer', 'second answer', 'third answer']));
    });
  });
});
