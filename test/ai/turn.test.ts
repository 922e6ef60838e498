import { describe, expect, it } from 'vitest';
import { MockLanguageModelV3 } from 'ai/test';
import { defaultAssistantConfig } from '../../activities/ai/config';
import { runAiTurn } from '../../workflows/conversation/ai/turn';
import { aiHarness, visitorMessage } from './helpers';
import { failingModel, scriptedModel } from './mock-model';

/**
 * A turn whose model answers with `calls` while the visitor writes `newer`: stored, but the workflow
 * has not heard of it yet, so the turn is still current.
 */
function overtakenWhileThinking(visitorText: string, newer: string, calls: Parameters<typeof scriptedModel>[0]) {
  const h = aiHarness({
    visitorText,
    model: new MockLanguageModelV3({
      doGenerate: async () => {
        h.items.push(visitorMessage('c1', 2, newer));
        return scriptedModel(calls).doGenerate({ prompt: [] });
      },
    }),
  });
  return h;
}

describe('runAiTurn', () => {
  it('answers a question with one reply and records the tool call', async () => {
    const model = scriptedModel([['reply', { text: 'Click "Forgot password" on the sign-in page.' }]]);
    const h = aiHarness({ model, visitorText: 'How do I reset my password?' });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toEqual({ status: 'replied', steps: 1 });
    expect(h.posted('message').map((i) => [i.id, i.visibility, i.text])).toEqual([['m1:ai:1', 'public', 'Click "Forgot password" on the sign-in page.']]);
    expect(h.posted('ai_tool_call')).toEqual([
      expect.objectContaining({ id: 'm1:ai:2', visibility: 'private', toolName: 'reply', state: 'accepted', input: { text: 'Click "Forgot password" on the sign-in page.' } }),
    ]);
    expect(h.typing).toEqual([true, false]);
    // The model saw the visitor's question and the assistant's tools, with no execute anywhere.
    const call = model.doGenerateCalls[0];
    expect(JSON.stringify(call?.prompt)).toContain('How do I reset my password?');
    expect(call?.tools?.map((t) => t.name).sort()).toEqual(['escalate', 'note', 'reply', 'resolve', 'set_priority', 'tag']);
    expect(call?.toolChoice).toEqual({ type: 'required' });
  });

  it('hands a note and a reply their records to write with them, under the ids the turn gives its records (a history from before records them itself)', async () => {
    for (const itemsCarryRecords of [true, false]) {
      const model = scriptedModel([['note', { text: 'Asked twice already' }], ['reply', { text: 'Use "Forgot password".' }]]);
      const h = aiHarness({ model, visitorText: 'How do I reset my password?' });
      h.state.itemsCarryRecords = itemsCarryRecords;
      const recordedByTurn: string[] = [];
      h.deps.recordToolCall = (record) => (recordedByTurn.push(record.itemId), h.activities.recordToolCall(record));
      expect(await runAiTurn(h.deps, await h.input())).toEqual({ status: 'replied', steps: 1 });
      expect(h.items.filter((i) => i.author.kind === 'ai').map((i) => [i.id, i.type, i['state' as keyof typeof i]])).toEqual([
        ['m1:ai:1', 'note', undefined],
        ['m1:ai:2', 'ai_tool_call', 'accepted'],
        ['m1:ai:3', 'message', undefined],
        ['m1:ai:4', 'ai_tool_call', 'accepted'],
      ]);
      expect(recordedByTurn).toEqual(itemsCarryRecords ? [] : ['m1:ai:2', 'm1:ai:4']);
    }
  });

  it('runs several steps: tag, set priority, then reply, feeding each outcome back', async () => {
    const model = scriptedModel([['tag', { tags: ['billing'] }]], [['set_priority', { priority: 'high' }]], [['reply', { text: 'Refunds are possible within 30 days.' }]]);
    const h = aiHarness({ model, visitorText: 'I need a refund now', });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toEqual({ status: 'replied', steps: 3 });
    expect(h.conversation.lifecycle).toMatchObject({ tags: ['billing'], priority: 'high', handler: 'ai' });
    expect(h.posted('ai_tool_call').map((i) => [i['toolName' as keyof typeof i], i['state' as keyof typeof i]])).toEqual([
      ['tag', 'accepted'],
      ['set_priority', 'accepted'],
      ['reply', 'accepted'],
    ]);
    // Step 3's prompt carries the results of steps 1 and 2.
    const results = model.doGenerateCalls[2]?.prompt.filter((m) => m.role === 'tool').flatMap((m) => m.content);
    expect(results).toEqual([
      expect.objectContaining({ toolName: 'tag', output: { type: 'json', value: expect.objectContaining({ tags: ['billing'] }) } }),
      expect.objectContaining({ toolName: 'set_priority', output: { type: 'json', value: expect.objectContaining({ priority: 'high' }) } }),
    ]);
  });

  it('escalates when the model calls escalate, telling the visitor and raising the priority', async () => {
    const model = scriptedModel([['escalate', { reason: 'Needs account access', summary: 'Wants data deleted' }]]);
    const h = aiHarness({ model, visitorText: 'Please delete all my data', config: { raisePriorityOnEscalation: 'high' } });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toEqual({ status: 'escalated', steps: 1, escalation: { code: 'model_escalated', message: 'Needs account access' } });
    expect(h.conversation.operations).toEqual([
      { op: 'set_priority', priority: 'high' },
      { op: 'escalate', reason: 'Needs account access', summary: 'Wants data deleted' },
    ]);
    expect(h.posted('message').map((i) => i.text)).toEqual([h.config.escalation.handoffMessage]);
  });

  it('escalates by rule before calling the model when the visitor asks for a human (a run from before triage)', async () => {
    const model = scriptedModel();
    const h = aiHarness({ model, visitorText: 'Can I speak to someone please?' });
    h.state.triageBeforeHandover = false;
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toMatchObject({ status: 'escalated', steps: 0, escalation: { code: 'human_requested' } });
    expect(model.doGenerateCalls).toHaveLength(0);
    expect(h.conversation.lifecycle.handler).toBe('human');
    expect(h.posted('message').map((i) => i.text)).toEqual([h.config.escalation.handoffMessage]);
  });

  it('triages a visitor who asks for a person, offering only tag and priority, then hands over', async () => {
    const h = aiHarness({ visitorText: 'I was charged twice, can I speak to someone please?' });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toMatchObject({ status: 'escalated', steps: 1, escalation: { code: 'human_requested' } });
    expect(h.conversation.operations.map((operation) => operation.op)).toEqual(['add_tags', 'escalate']);
    expect(h.conversation.lifecycle).toMatchObject({ tags: ['billing'], handler: 'human' });
    expect(h.posted('message').map((i) => i.text)).toEqual([h.config.escalation.handoffMessage]);
  });

  it('hands over all the same when the triage call finds nothing, fails, or asks for a tool it was not offered', async () => {
    const quiet = aiHarness({ visitorText: 'Can I speak to someone please?' });
    expect(await runAiTurn(quiet.deps, await quiet.input())).toMatchObject({ status: 'escalated', steps: 1 });
    expect(quiet.conversation.operations.map((operation) => operation.op)).toEqual(['escalate']);

    const failing = failingModel('model down');
    const down = aiHarness({ model: failing, visitorText: 'Can I speak to someone please?' });
    expect(await runAiTurn(down.deps, await down.input())).toMatchObject({ status: 'escalated', steps: 0 });
    expect(down.conversation.operations.map((operation) => operation.op)).toEqual(['escalate']);

    const eager = scriptedModel([['reply', { text: 'I can help!' }]]);
    const h = aiHarness({ model: eager, visitorText: 'Can I speak to someone please?' });
    expect(await runAiTurn(h.deps, await h.input())).toMatchObject({ status: 'escalated', steps: 1 });
    const [call] = eager.doGenerateCalls;
    expect(call?.tools?.map((tool) => tool.name)).toEqual(['set_priority', 'tag']);
    expect(call?.toolChoice).toEqual({ type: 'auto' });
    expect(h.posted('message').map((i) => i.text)).toEqual([h.config.escalation.handoffMessage]);
    expect(h.posted('ai_tool_call')).toEqual([expect.objectContaining({ toolName: 'reply', state: 'rejected', error: '"reply" was not offered in this step' })]);
  });

  it('escalates by rule when the model tags the conversation with an escalation tag', async () => {
    const model = scriptedModel([
      ['tag', { tags: ['legal'] }],
      ['reply', { text: 'Let me check that for you.' }],
    ]);
    const h = aiHarness({ model, visitorText: 'Your terms violate GDPR', config: { escalation: { ...defaultAssistantConfig().escalation, tags: ['legal'] } } });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toMatchObject({ status: 'escalated', escalation: { code: 'escalation_tag' } });
    // The model's reply was posted; no hand-off message on top of it.
    expect(h.posted('message').map((i) => i.text)).toEqual(['Let me check that for you.']);
  });

  it('escalates after the reply when the model says it cannot answer, and tells the visitor the team takes over', async () => {
    const model = scriptedModel([['reply', { text: "I'm not sure about that one." }]]);
    const h = aiHarness({ model, visitorText: 'Do you integrate with my fridge?' });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toMatchObject({ status: 'escalated', escalation: { code: 'model_uncertain' } });
    expect(h.conversation.lifecycle.handler).toBe('human');
    expect(h.posted('message').map((i) => i.text)).toEqual(["I'm not sure about that one.", h.config.escalation.handoffMessage]);
  });

  it('posts only the uncertain reply when replaying a history made before the hand-off message followed it', async () => {
    const model = scriptedModel([['reply', { text: "I'm not sure about that one." }]]);
    const h = aiHarness({ model, visitorText: 'Do you integrate with my fridge?' });
    h.state.handOffAfterUncertainReply = false;
    expect(await runAiTurn(h.deps, await h.input())).toMatchObject({ status: 'escalated', escalation: { code: 'model_uncertain' } });
    expect(h.posted('message').map((i) => i.text)).toEqual(["I'm not sure about that one."]);
  });

  it('feeds a tool outside the permissions back as a rejection and does not apply it', async () => {
    const model = scriptedModel([['resolve', { reason: 'answered' }]], [['reply', { text: 'Anything else?' }]]);
    const h = aiHarness({ model, visitorText: 'thanks, that works', config: { permissions: ['reply', 'note', 'escalate'] } });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toEqual({ status: 'replied', steps: 2 });
    expect(h.conversation.lifecycle.status).toBe('open');
    expect(h.posted('ai_tool_call')[0]).toMatchObject({ toolName: 'resolve', state: 'rejected', error: 'This assistant is not permitted to use "resolve"' });
    const fedBack = model.doGenerateCalls[1]?.prompt.find((m) => m.role === 'tool')?.content[0];
    expect(fedBack).toMatchObject({ toolName: 'resolve', output: { type: 'error-text', value: 'rejected: This assistant is not permitted to use "resolve"' } });
    // Only permitted tools are offered to the model in the first place.
    expect(model.doGenerateCalls[0]?.tools?.map((t) => t.name).sort()).toEqual(['escalate', 'note', 'reply']);
  });

  it('feeds a validator rejection back as a rejection', async () => {
    const model = scriptedModel([['escalate', { reason: 'hard question' }]], [['reply', { text: 'A colleague already has this.' }]]);
    const h = aiHarness({ model, visitorText: 'hm', lifecycle: { status: 'open', priority: 'medium', handler: 'ai', participants: [], tags: [], escalatedAt: '2025-01-01T00:00:00.000Z' } });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome.status).toBe('replied');
    expect(h.posted('ai_tool_call')[0]).toMatchObject({ toolName: 'escalate', state: 'rejected', error: 'already escalated' });
  });

  it('escalates with a private note when the model keeps failing', async () => {
    const model = failingModel('upstream 503');
    const h = aiHarness({ model, visitorText: 'How do I export my notes?' });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toMatchObject({ status: 'escalated', steps: 0, escalation: { code: 'model_failed' } });
    expect(h.posted('note').map((i) => [i.visibility, i.text])).toEqual([['private', expect.stringContaining('upstream 503')]]);
    expect(h.posted('message').map((i) => i.text)).toEqual([h.config.escalation.handoffMessage]);
    expect(h.typing.at(-1)).toBe(false);
  });

  it('escalates when the step budget ends without a reply', async () => {
    const model = scriptedModel([['note', { text: 'thinking' }]], [['note', { text: 'still thinking' }]]);
    const h = aiHarness({ model, visitorText: 'What?', config: { stepBudget: 2 } });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toMatchObject({ status: 'escalated', steps: 2, escalation: { code: 'no_reply' } });
  });

  it('never posts the reply of a turn superseded while the model was thinking', async () => {
    const h = aiHarness({
      visitorText: 'How do I reset my password?',
      model: new MockLanguageModelV3({
        doGenerate: async () => {
          h.state.current = false; // a newer visitor message arrives meanwhile
          return scriptedModel([['reply', { text: 'stale answer' }]]).doGenerate({ prompt: [] });
        },
      }),
    });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome.status).toBe('superseded');
    expect(h.posted('message')).toEqual([]);
    expect(h.conversation.operations).toEqual([]);
  });

  it('holds back a reply the visitor overtook while it was being posted, and ends the turn without escalating', async () => {
    const h = overtakenWhileThinking('How do I reset my password?', 'How do I export my notes?', [['reply', { text: 'Use "Forgot password".' }]]);
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome.status).toBe('superseded');
    expect(h.posted('message')).toEqual([]);
    expect(h.conversation.operations).toEqual([]);
    expect(h.posted('ai_tool_call')).toEqual([expect.objectContaining({ toolName: 'reply', state: 'rejected', error: expect.stringContaining('wrote again') })]);
  });

  it('posts a reply that follows its own escalation even when the visitor wrote again (no turn of the AI answers that)', async () => {
    const h = overtakenWhileThinking('My invoice is wrong', 'Hello?', [['escalate', { reason: 'billing dispute' }], ['reply', { text: 'A colleague will take this over.' }]]);
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome.status).toBe('escalated');
    expect(h.posted('message').map((item) => item.text)).toEqual(['A colleague will take this over.']);
  });

  it('works end to end with the rule-based model: classify, then answer', async () => {
    const h = aiHarness({ visitorText: 'I was charged twice and want a refund' });
    const outcome = await runAiTurn(h.deps, await h.input());
    expect(outcome).toEqual({ status: 'replied', steps: 2 });
    expect(h.conversation.lifecycle.tags).toEqual(['billing']);
    expect(h.posted('message')[0]?.text).toContain('refundable within 30 days');
  });
});
