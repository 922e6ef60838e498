import { describe, expect, it } from 'vitest';
import rating from '../../../plugins/examples/rating/workflow';
import { createPluginTestKit } from '../../../plugins/testkit';
import { registerWorkflowPlugins, reactTo } from '../../../plugins/workflow-registry';
import { toItemArrival } from '../../../plugins/item-view';
import { AGENT, VISITOR } from '../authors';
import { caught } from '../errors';

const kit = createPluginTestKit(rating);
const rate = (score: number, comment?: string) => kit.create({ input: { type: 'rating', score, comment }, author: VISITOR });

describe('rating', () => {
  describe('#schema', () => {
    it('accepts a score from 1 to 5 with an optional comment', () => {
      expect(rate(4, 'Quick and kind')).toMatchObject({ type: 'rating', score: 4, comment: 'Quick and kind', visibility: 'public' });
    });

    it.each([0, 6, 2.5])('refuses a score of %s, naming the score field', (score) => {
      const error = caught(() => rate(score));
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.details).toEqual([{ path: 'score', message: expect.any(String) }]);
    });

    it('refuses a comment with control characters or ones that turn the text around, naming it; lines and direction marks are fine', () => {
      for (const comment of ['nul\u0000', 'good\u202edab', 'csi\u009b', 'isolated\u2067x\u2069']) {
        const error = caught(() => rate(4, comment));
        expect(error.code).toBe('ERR_INVALID_INPUT');
        expect(error.details).toEqual([{ path: 'comment', message: 'no control or text-direction characters' }]);
      }
      expect(rate(4, 'Quick,\r\n\tand kind')).toMatchObject({ comment: 'Quick,\r\n\tand kind' });
      // Right-to-left writing marks a number's or a Latin word's direction: Hebrew (RLM), Arabic (ALM).
      for (const comment of ['שירות מצוין, 10/10\u200F', 'خدمة\u061C 24/7 ممتازة', 'Order\u200E #42']) expect(rate(5, comment)).toMatchObject({ comment });
    });

    it('is created by the visitor only', () => {
      expect(caught(() => kit.create({ input: { type: 'rating', score: 5 }, author: AGENT })).code).toBe('ERR_FORBIDDEN');
    });
  });

  describe('#isVisibleTo', () => {
    it('is visible to the visitor', () => {
      expect(kit.isVisibleTo(rate(5), 'visitor')).toBe(true);
    });
  });

  describe('#reduceSummary', () => {
    it('gives the score and the comment', () => {
      expect(kit.summarize(rate(2, 'Slow'))).toBe('Rated 2/5: Slow');
      expect(kit.summarize(rate(5))).toBe('Rated 5/5');
    });
  });

  describe('#reduceArrival', () => {
    it('reopens a resolved conversation and raises priority on a score below 3', () => {
      expect(kit.react({ item: rate(2), conversation: { status: 'resolved' } })).toEqual({
        operations: [
          { op: 'reopen', reason: 'Low rating (2/5)' },
          { op: 'set_priority', priority: 'high' },
        ],
      });
    });

    it('only raises priority when the conversation is still open', () => {
      expect(kit.react({ item: rate(1), conversation: { status: 'open', priority: 'low' } })).toEqual({
        operations: [{ op: 'set_priority', priority: 'high' }],
      });
    });

    it('never lowers an urgent conversation', () => {
      expect(kit.react({ item: rate(1), conversation: { status: 'resolved', priority: 'urgent' } })).toEqual({
        operations: [{ op: 'reopen', reason: 'Low rating (1/5)' }],
      });
    });

    it('asks nothing for a score of 3 or more', () => {
      expect(kit.react({ item: rate(3), conversation: { status: 'resolved' } })).toEqual({ operations: [] });
    });

    it('gives the same operations through the workflow registry’s reactTo', () => {
      registerWorkflowPlugins([rating]);
      const conversation = { status: 'resolved' as const, priority: 'medium' as const, handler: 'human' as const, participants: [], tags: [] };
      expect(reactTo({ item: toItemArrival(rate(2)), conversation })).toEqual(kit.react({ item: rate(2), conversation }));
    });
  });
});
