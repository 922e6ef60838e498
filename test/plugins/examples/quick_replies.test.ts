import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../plugins/define';
import quickReplies, { quickRepliesType } from '../../../plugins/examples/quick_replies/workflow';
import { createPluginTestKit } from '../../../plugins/testkit';
import { AGENT, AI, VISITOR } from '../authors';
import { caught } from '../errors';

const kit = createPluginTestKit(quickReplies);
const offer = { type: 'quick_replies', prompt: 'How can we help?', options: [{ id: 'billing', label: 'Billing' }, { id: 'bug', label: 'Report a bug' }] };
const offered = () => kit.create({ input: offer, author: AI });

describe('quick_replies', () => {
  describe('#schema', () => {
    it('is offered by an agent or the AI, publicly', () => {
      expect(kit.create({ input: offer, author: AGENT })).toMatchObject({ ...offer, visibility: 'public' });
    });

    it('cannot be offered by a visitor', () => {
      expect(caught(() => kit.create({ input: offer, author: VISITOR })).code).toBe('ERR_FORBIDDEN');
    });

    it('names the failing option field', () => {
      const error = caught(() => kit.create({ input: { ...offer, options: [{ id: 'x', label: '' }] }, author: AI }));
      expect(error.details).toEqual([{ path: 'options.0.label', message: expect.any(String) }]);
    });

    it('takes a label and a prompt by a message’s rules, as a picked label becomes the visitor’s message', () => {
      const error = caught(() =>
        kit.create({ input: { ...offer, prompt: 'pick\u0000\u202e one', options: [{ id: 'a', label: '\u200b' }, { id: 'b', label: 'csi\u009b' }] }, author: AGENT }),
      );
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.details).toEqual([
        { path: 'prompt', message: 'no control characters (but tab and line breaks)' },
        { path: 'options.0.label', message: 'text is empty' },
        { path: 'options.1.label', message: 'no control characters (but tab and line breaks)' },
      ]);
      expect(kit.create({ input: { ...offer, options: [{ id: 'a', label: '  Yes \u{1F44D}  ' }] }, author: AGENT })).toMatchObject({ options: [{ id: 'a', label: 'Yes \u{1F44D}' }] });
    });
  });

  describe('#reduceSummary', () => {
    it('gives the prompt and the choices', () => {
      expect(kit.summarize(offered())).toBe('How can we help? [Billing | Report a bug]');
    });
  });

  describe('#answerAction', () => {
    it('records the visitor’s pick as a message with the option’s label and marks the offer answered', () => {
      expect(kit.answer({ item: offered(), actionId: 'choose', answer: { optionId: 'bug' }, author: VISITOR })).toEqual({
        reply: { type: 'message', visibility: 'public', author: VISITOR, text: 'Report a bug', fields: {} },
        patch: { answeredOptionId: 'bug' },
      });
    });

    it('refuses an option the offer does not have, naming the answer field', () => {
      const error = caught(() => kit.answer({ item: offered(), actionId: 'choose', answer: { optionId: 'nope' }, author: VISITOR }));
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.details).toEqual([{ path: 'answer.optionId', message: 'Must be one of the options' }]);
    });

    it('refuses a malformed answer, naming the field', () => {
      const error = caught(() => kit.answer({ item: offered(), actionId: 'choose', answer: {}, author: VISITOR }));
      expect(error.details).toEqual([{ path: 'answer.optionId', message: expect.any(String) }]);
    });

    it('refuses, as a conflict rather than a plugin failure, a pick on an offer stored before its label or prompt were checked', () => {
      const storedBefore = (fields: object) => ({ ...offered(), ...fields });
      for (const item of [storedBefore({ options: [{ id: 'a', label: '\u200b' }] }), storedBefore({ prompt: 'pick\u0000 one', options: [{ id: 'a', label: 'Fine' }] })]) {
        const error = caught(() => kit.answer({ item, actionId: 'choose', answer: { optionId: 'a' }, author: VISITOR }));
        expect(error.code).toBe('ERR_CONFLICT');
        expect(error.message).toMatch(/can no longer be answered: it was stored before today's rules for its type \(Invalid quick_replies item: (options\.0\.label: text is empty|prompt: no control characters)/);
      }
    });

    it('refuses a second answer', () => {
      const answered = { ...offered(), answeredOptionId: 'billing' };
      expect(caught(() => kit.answer({ item: answered, actionId: 'choose', answer: { optionId: 'bug' }, author: VISITOR })).code).toBe(
        'ERR_CONFLICT',
      );
    });

    it('forbids the team to answer for the visitor', () => {
      expect(caught(() => kit.answer({ item: offered(), actionId: 'choose', answer: { optionId: 'bug' }, author: AGENT })).code).toBe(
        'ERR_FORBIDDEN',
      );
    });

    it('refuses an unknown action', () => {
      const error = caught(() => kit.answer({ item: offered(), actionId: 'vote', answer: {}, author: VISITOR }));
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.details).toEqual([{ path: 'actionId', message: 'Unknown action' }]);
    });
  });
  it('blames the plugin, not the visitor, for an answer whose patch would change an item base field', () => {
    const sneaky = definePlugin({
      ...quickReplies,
      name: 'sneaky',
      itemTypes: [{ ...quickRepliesType, name: 'sneaky.offer', actions: { choose: { ...quickRepliesType.actions!.choose!, reduceAnswer: () => ({ reply: { type: 'message', text: 'x' }, patch: { visibility: 'private', answeredOptionId: 'billing' } }) } } }],
    });
    const sneakyKit = createPluginTestKit(sneaky);
    const item = sneakyKit.create({ input: { ...offer, type: 'sneaky.offer' }, author: AI });
    const error = caught(() => sneakyKit.answer({ item, actionId: 'choose', answer: { optionId: 'billing' }, author: VISITOR }));
    expect(error.code).toBe('ERR_PLUGIN_HOOK_FAILED');
    expect(error.message).toContain('visibility');
  });
});
