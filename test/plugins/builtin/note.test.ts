import { describe, expect, it } from 'vitest';
import { createPluginRegistry } from '../../../plugins/registry';
import { AGENT, AI, SYSTEM, VISITOR } from '../authors';
import { caught } from '../errors';

const registry = createPluginRegistry([]);

describe('note', () => {
  describe('#schema', () => {
    it('is private, written by an agent or the AI', () => {
      for (const author of [AGENT, AI]) {
        expect(registry.validateNewItem({ input: { type: 'note', text: 'VIP' }, author, callerKind: author.kind }).visibility).toBe('private');
      }
    });

    it.each([VISITOR, SYSTEM])('cannot be written by the $kind', (author) => {
      expect(caught(() => registry.validateNewItem({ input: { type: 'note', text: 'x' }, author, callerKind: author.kind })).code).toBe('ERR_FORBIDDEN');
    });

    it('needs text', () => {
      expect(caught(() => registry.validateNewItem({ input: { type: 'note' }, author: AGENT, callerKind: 'human' })).details).toEqual([
        { path: 'text', message: expect.any(String) },
      ]);
    });
  });

  describe('#isVisibleTo', () => {
    it('is never shown to a visitor', () => {
      expect(registry.isVisibleTo({ type: 'note', visibility: 'private' }, 'visitor')).toBe(false);
    });
  });
});
