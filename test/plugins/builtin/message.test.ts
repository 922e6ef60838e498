import { describe, expect, it } from 'vitest';
import { builtinPlugin } from '../../../plugins/builtin';
import { MAX_TEXT_LENGTH } from '../../../plugins/builtin/text';
import { createPluginRegistry } from '../../../plugins/registry';
import { AI, SYSTEM, VISITOR } from '../authors';
import { caught } from '../errors';

const registry = createPluginRegistry([]);
const create = (input: Record<string, unknown>, author = VISITOR) => registry.validateNewItem({ input: { type: 'message', ...input }, author, callerKind: author.kind });

describe('message', () => {
  describe('#schema', () => {
    it('is the first built-in type', () => {
      expect(builtinPlugin.itemTypes.map((t) => t.name)).toEqual(['message', 'note', 'event']);
    });

    it('accepts text, parts, or both, from anyone', () => {
      expect(create({ text: 'hi' }).text).toBe('hi');
      expect(create({ parts: [{ type: 'text', text: 'hi' }] }, AI).fields).toEqual({ parts: [{ type: 'text', text: 'hi' }] });
      expect(create({ text: 'see', parts: [{ type: 'file', fileId: 'f1' }] }, SYSTEM).text).toBe('see');
    });

    it('needs text or parts', () => {
      expect(caught(() => create({})).details).toEqual([{ path: 'text', message: 'A message needs text or parts' }]);
    });

    it('limits text to MAX_TEXT_LENGTH characters', () => {
      expect(create({ text: 'a'.repeat(MAX_TEXT_LENGTH) }).text).toHaveLength(MAX_TEXT_LENGTH);
      expect(caught(() => create({ text: 'a'.repeat(MAX_TEXT_LENGTH + 1) })).details).toEqual([{ path: 'text', message: expect.any(String) }]);
      // Counted once trimmed, and in code points.
      expect(create({ text: `  ${'a'.repeat(MAX_TEXT_LENGTH - 1)}  ` }).text).toHaveLength(MAX_TEXT_LENGTH - 1);
      expect(create({ text: '😀'.repeat(MAX_TEXT_LENGTH) }).text).toHaveLength(2 * MAX_TEXT_LENGTH);
    });

    it('names a bad part by its index', () => {
      expect(caught(() => create({ parts: [{ type: 'text', text: 'ok' }, { type: 'video' }] })).details).toEqual([
        { path: 'parts.1.type', message: expect.any(String) },
      ]);
    });
  });

  describe('#reduceSummary', () => {
    const stored = { id: 'm1', conversationId: 'c1', seq: 1, type: 'message', visibility: 'public' as const, author: VISITOR, createdAt: '2025-01-01T00:00:00.000Z' };

    it('is the text, or the parts in order', () => {
      expect(registry.summarize({ ...stored, text: 'hello' })).toBe('hello');
      const parts = [{ type: 'text' as const, text: 'Here:' }, { type: 'file' as const, fileId: 'f1' }];
      expect(registry.summarize({ ...stored, parts })).toBe('Here: [file: f1]');
    });
  });
});
