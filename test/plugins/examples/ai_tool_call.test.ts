import { describe, expect, it } from 'vitest';
import aiToolCall from '../../../plugins/examples/ai_tool_call/workflow';
import { createPluginTestKit } from '../../../plugins/testkit';
import { AGENT, AI, VISITOR } from '../authors';
import { caught } from '../errors';

const kit = createPluginTestKit(aiToolCall);
const call = { type: 'ai_tool_call', toolName: 'set_priority', input: { priority: 'high' }, output: { ok: true }, state: 'accepted' };

describe('ai_tool_call', () => {
  describe('#schema', () => {
    it('records a tool call by the AI, always private', () => {
      expect(kit.create({ input: call, author: AI })).toMatchObject({ ...call, visibility: 'private', author: AI });
    });

    it('needs an error when the call was rejected or failed', () => {
      const error = caught(() => kit.create({ input: { ...call, state: 'failed' }, author: AI }));
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.details).toEqual([{ path: 'error', message: 'A rejected or failed tool call says why' }]);
    });

    it('names a wrong state', () => {
      expect(caught(() => kit.create({ input: { ...call, state: 'done' }, author: AI })).details).toEqual([
        { path: 'state', message: expect.any(String) },
      ]);
    });

    it.each([VISITOR, AGENT])('cannot be created by a $kind', (author) => {
      expect(caught(() => kit.create({ input: call, author })).code).toBe('ERR_FORBIDDEN');
    });
  });

  describe('#isVisibleTo', () => {
    it('is hidden from visitors and shown to the team', () => {
      const item = kit.create({ input: call, author: AI });
      expect(kit.isVisibleTo(item, 'visitor')).toBe(false);
      expect(kit.isVisibleTo(item, 'team')).toBe(true);
    });
  });

  describe('#reduceSummary', () => {
    it('names the tool, the outcome and the error', () => {
      expect(kit.summarize(kit.create({ input: call, author: AI }))).toBe('AI tool set_priority: accepted');
      const rejected = kit.create({ input: { ...call, state: 'rejected', error: 'not allowed' }, author: AI });
      expect(kit.summarize(rejected)).toBe('AI tool set_priority: rejected (not allowed)');
    });
  });

  describe('#reduceArrival', () => {
    it('has no reaction', () => {
      expect(kit.react({ item: kit.create({ input: call, author: AI }) })).toEqual({ operations: [] });
    });
  });
});
