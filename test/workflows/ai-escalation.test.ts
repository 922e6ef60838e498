/**
 * How a conversation leaves the AI: escalation by the model's tool, by a rule, by an agent, and
 * when the model fails; afterwards the AI stays silent. On the embedded engine with the real store.
 */
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AWAY_MESSAGE, defaultAssistantConfig } from '../../activities/ai/config';
import type { Author, EventItem } from '../../domain/timeline';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { failingModel, scriptedModel } from '../ai/mock-model';
import { eventually } from '../runtime/engine/eventually';
import { ALICE, VISITOR } from './conversation/fixtures';
import type { DrivenConversation } from './support/conversation-driver';
import { PAST_DEBOUNCE_MS, WEBSITE_ID, productHarness, type ProductHarness } from './support/product-harness';

const byAi = async (c: DrivenConversation, type: string) => (await c.items()).filter((i) => i.type === type && i.author.kind === 'ai').map((i) => i.text);

describe('conversationWorkflow with an AI assistant', () => {
  let h: ProductHarness;
  beforeAll(async () => {
    h = await productHarness('ai_escalation');
  });
  afterAll(() => h?.close());

  /** A further visitor message gets no AI answer: no model call, no AI message. */
  async function expectAiSilent(c: DrivenConversation, model: MockLanguageModelV3) {
    const calls = model.doGenerateCalls.length;
    const messages = await byAi(c, 'message');
    await c.post(VISITOR, 'Hello? Anyone there?');
    await h.passTime(PAST_DEBOUNCE_MS);
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a turn that should not run
    expect(model.doGenerateCalls).toHaveLength(calls);
    expect(await byAi(c, 'message')).toEqual(messages);
    expect(await c.state()).toMatchObject({ handler: 'human' });
  }

  // Nobody of the team is online here: the visitor is told the away message (ai-away-message.test.ts has someone online).
  describe('escalation', () => {
    it("hands over when the model calls `escalate`, tells the visitor, and the AI stays silent afterwards", async () => {
      const model = scriptedModel([['escalate', { reason: 'Wants to change the contract', summary: 'contract change' }]]);
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'I want to change my contract');
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await byAi(c, 'message')).toEqual([DEFAULT_AWAY_MESSAGE]));
      expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: 'Wants to change the contract' });
      await eventually(async () => expect((await c.events()).map((e) => e.event.kind)).toEqual(['escalated', 'participant_requested']));
      await expectAiSilent(c, model);
    });

    it('hands over by rule when the visitor asks for a human, asking the model only to tag and prioritise first', async () => {
      const model = scriptedModel([['tag', { tags: ['billing'] }], ['set_priority', { priority: 'high' }], ['reply', { text: 'not offered' }]]);
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'I was charged twice, can I talk to a real person please?');
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () =>
        expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: 'Visitor asked for a human ("real person")', tags: ['billing'], priority: 'high' }),
      );
      expect(model.doGenerateCalls).toHaveLength(1);
      expect(model.doGenerateCalls[0]?.tools?.map((tool) => tool.name)).toEqual(['set_priority', 'tag']);
      // The timeline tells it in the order it happened: the triage and the escalation, then the away message.
      await eventually(async () => expect(await byAi(c, 'message')).toEqual([DEFAULT_AWAY_MESSAGE]));
      const order = (await c.items()).map((i) => (i.type === 'event' ? (i as EventItem).event.kind : i.type === 'message' ? i.author.kind : undefined)).filter(Boolean);
      expect(order).toEqual(['visitor', 'tag_added', 'priority_changed', 'escalated', 'participant_requested', 'ai']);
      await expectAiSilent(c, model);
    });

    it('tells the visitor the team takes over after a reply saying the AI is not sure (the offline assistant, a snippet that says so)', async () => {
      const api = { id: 'api', title: 'API access', text: "I'm not sure we offer an API yet: for now, Settings > Data > Export gets your notes out." };
      const assistant = await h.newAssistant({ config: { knowledge: [...defaultAssistantConfig().knowledge, api] } });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'Do you have API access?');
      await h.passTime(PAST_DEBOUNCE_MS);

      await eventually(async () => expect(await byAi(c, 'message')).toEqual([api.text, DEFAULT_AWAY_MESSAGE]));
      expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: 'The AI could not answer the question' });
      // The reply as documented, then the hand-over and the message telling of it.
      await eventually(async () => expect((await c.timeline()).filter((kind) => kind !== 'ai_tool_call:ai')).toEqual(['message:visitor', 'message:ai', 'event:escalated', 'event:participant_requested', 'message:ai']));
    });

    it('hands over at once when the triage call fails: one attempt, no retries to wait out', async () => {
      const model = failingModel('model down');
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'Can I talk to a real person please?');
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: 'Visitor asked for a human ("real person")' }));
      expect(model.doGenerateCalls).toHaveLength(1);
    });

    it("cancels the pending turn when an agent escalates, and the AI stays silent afterwards", async () => {
      const model = scriptedModel([['reply', { text: 'never sent' }]]);
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'My notes are gone');
      await c.operate(ALICE, { op: 'escalate', reason: 'Data loss: needs an engineer' });
      await h.passTime(PAST_DEBOUNCE_MS);

      expect(model.doGenerateCalls).toHaveLength(0);
      expect(await byAi(c, 'message')).toEqual([]);
      await expectAiSilent(c, model);
    });

    it('cancels the turn when a human joins', async () => {
      const model = scriptedModel([['reply', { text: 'never sent' }]]);
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'Is anyone there?');
      await c.operate(ALICE, { op: 'join', userId: ALICE.id });
      await h.passTime(PAST_DEBOUNCE_MS);

      expect(model.doGenerateCalls).toHaveLength(0);
      await expectAiSilent(c, model);
    });
  });

  describe('a human taking over', () => {
    it('cancels a turn in flight when an agent replies: the AI’s answer is never posted', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const answer = scriptedModel([['reply', { text: 'late AI answer' }]]);
      const model = new MockLanguageModelV3({
        doGenerate: async (options) => {
          await held;
          return answer.doGenerate(options);
        },
      });
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'My sync is broken');
      await h.passTime(PAST_DEBOUNCE_MS);
      await eventually(() => expect(model.doGenerateCalls).toHaveLength(1));

      await c.post(ALICE, 'Hi, Alice here, looking into it');
      release();
      await eventually(() => expect(h.typing.filter((e) => e.actorId === assistant.id).map((e) => e.isTyping)).toEqual([true, false]));
      await h.passTime(PAST_DEBOUNCE_MS);
      expect(await byAi(c, 'message')).toEqual([]);
      expect((await c.items()).filter((i) => i.type === 'ai_tool_call')).toEqual([]);
      await expectAiSilent(c, model);
    });
  });

  describe('model failure', () => {
    it('escalates with a private note once the retries are spent, and the conversation waits in the team queue', async () => {
      const model = failingModel('model unavailable');
      const assistant = await h.newAssistant({ model });
      const c = await h.newConversation({ assistantId: assistant.id });
      await c.post(VISITOR, 'How do I export my notes?');
      await h.passTimeUntil(async () =>
        expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: expect.stringMatching(/could not be reached \(model unavailable\)/) }),
      );
      expect(model.doGenerateCalls).toHaveLength(4);
      await eventually(async () => expect(await byAi(c, 'note')).toEqual([expect.stringMatching(/handed to the team\.$/)]));
      const note = (await c.items()).find((i) => i.type === 'note');
      expect(note).toMatchObject({ visibility: 'private', author: assistant satisfies Author });
      await eventually(async () => {
        const queue = await h.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(WEBSITE_ID, 'support'), query: teamQueueState.name });
        expect(queue.queue.map((e) => e.conversationId)).toContain(c.id);
      });
    });
  });
});
