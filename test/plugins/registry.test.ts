import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineItemEffects, defineItemType, definePlugin, definePluginEffects } from '../../plugins/define';
import { PluginLoadError } from '../../plugins/errors';
import aiToolCall from '../../plugins/examples/ai_tool_call/workflow';
import quickReplies from '../../plugins/examples/quick_replies/workflow';
import rating from '../../plugins/examples/rating/workflow';
import { createPluginRegistry } from '../../plugins/registry';
import type { ItemType, Plugin } from '../../plugins/types';
import { AGENT, AI, VISITOR } from './authors';
import { caught } from './errors';

const examples = [{ plugin: rating }, { plugin: aiToolCall }, { plugin: quickReplies }];
const registry = createPluginRegistry(examples);

const pluginWith = (name: string, type: Partial<ItemType> & { name: string }): Plugin =>
  definePlugin({
    name,
    version: '1.0.0',
    itemTypes: [{ schema: z.object({}), visibility: 'public', creators: ['human'], reduceSummary: () => 'x', ...type }],
  });

describe('createPluginRegistry', () => {
  describe('#validateNewItem', () => {
    it('returns a message with its visibility resolved and its fields parsed', () => {
      const item = registry.validateNewItem({
        input: { id: 'm-1', type: 'message', text: '  hello ', parts: [{ type: 'file', fileId: 'f1', filename: 'a.png' }] },
        author: VISITOR,
        callerKind: 'visitor',
      });
      expect(item).toEqual({
        id: 'm-1',
        type: 'message',
        visibility: 'public',
        author: VISITOR,
        text: 'hello',
        fields: { parts: [{ type: 'file', fileId: 'f1', filename: 'a.png' }] },
      });
    });

    it('drops fields the server assigns', () => {
      const item = registry.validateNewItem({ input: { type: 'message', text: 'hi', seq: 9, author: AGENT }, author: VISITOR, callerKind: 'visitor' });
      expect(item.fields).toEqual({});
      expect(item.author).toEqual(VISITOR);
    });

    it('lets an agent post a public type privately', () => {
      const item = registry.validateNewItem({ input: { type: 'message', text: 'hi', visibility: 'private' }, author: AGENT, callerKind: 'human' });
      expect(item.visibility).toBe('private');
    });

    it('names the failing field path in the details', () => {
      const error = caught(() =>
        registry.validateNewItem({ input: { type: 'message', parts: [{ type: 'file' }] }, author: VISITOR, callerKind: 'visitor' }),
      );
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.details).toEqual([{ path: 'parts.0.fileId', message: expect.any(String) }]);
      expect(error.message).toContain('parts.0.fileId');
    });

    it('names the type field when the envelope is malformed', () => {
      const error = caught(() => registry.validateNewItem({ input: { text: 'hi' }, author: VISITOR, callerKind: 'visitor' }));
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.details).toEqual([{ path: 'type', message: expect.any(String) }]);
    });

    it('throws ERR_UNKNOWN_ITEM_TYPE for a type no plugin declares', () => {
      const error = caught(() => registry.validateNewItem({ input: { type: 'acme.unknown' }, author: AGENT, callerKind: 'human' }));
      expect(error.code).toBe('ERR_UNKNOWN_ITEM_TYPE');
      expect(error.message).toContain('acme.unknown');
    });

    it('names the type a misspelt name likely meant (not the whole list: a visitor gets the answer too)', () => {
      const error = caught(() => registry.validateNewItem({ input: { type: 'quick-replies' }, author: AGENT, callerKind: 'human' }));
      expect(error.message).toBe('Unknown item type "quick-replies" (did you mean "quick_replies"?)');
      const far = caught(() => registry.validateNewItem({ input: { type: 'acme.unknown' }, author: AGENT, callerKind: 'human' }));
      expect(far.message).toBe('Unknown item type "acme.unknown"');
    });

    it.each([
      ['a note', { type: 'note', text: 'internal' }],
      ['a private message', { type: 'message', text: 'psst', visibility: 'private' }],
      ['a private type', { type: 'ai_tool_call', toolName: 'x', input: {}, state: 'accepted' }],
      ['an agent-only type', { type: 'quick_replies', prompt: 'Pick', options: [{ id: 'a', label: 'A' }] }],
    ])('forbids a visitor to create %s', (_what, input) => {
      expect(caught(() => registry.validateNewItem({ input, author: VISITOR, callerKind: 'visitor' })).code).toBe('ERR_FORBIDDEN');
    });

    it('refuses a public note, naming the visibility field', () => {
      const error = caught(() =>
        registry.validateNewItem({ input: { type: 'note', text: 'x', visibility: 'public' }, author: AGENT, callerKind: 'human' }),
      );
      expect(error.code).toBe('ERR_INVALID_INPUT');
      expect(error.details).toEqual([{ path: 'visibility', message: 'Must be private' }]);
    });

    it('forbids a caller to write as someone else, except the system', () => {
      expect(caught(() => registry.validateNewItem({ input: { type: 'message', text: 'hi' }, author: AGENT, callerKind: 'visitor' })).code).toBe(
        'ERR_FORBIDDEN',
      );
      const recorded = registry.validateNewItem({
        input: { type: 'ai_tool_call', toolName: 'tag', input: { tag: 'vip' }, state: 'accepted' },
        author: AI,
        callerKind: 'system',
      });
      expect(recorded.author).toEqual(AI);
    });

    it('reports a throwing schema as ERR_PLUGIN_HOOK_FAILED naming plugin and hook', () => {
      const schema = z.object({ n: z.number() }).refine(() => {
        throw new Error('boom');
      });
      const faulty = createPluginRegistry([{ plugin: pluginWith('faulty', { name: 'faulty.thing', schema }) }]);
      const error = caught(() => faulty.validateNewItem({ input: { type: 'faulty.thing', n: 1 }, author: AGENT, callerKind: 'human' }));
      expect(error.code).toBe('ERR_PLUGIN_HOOK_FAILED');
      expect(error.details).toEqual({ plugin: 'faulty', hook: 'schema', message: 'boom' });
      expect(faulty.validateNewItem({ input: { type: 'message', text: 'still fine' }, author: AGENT, callerKind: 'human' }).text).toBe(
        'still fine',
      );
    });
  });

  describe('#isVisibleTo', () => {
    it('shows the team everything', () => {
      expect(registry.isVisibleTo({ type: 'note', visibility: 'private' }, 'team')).toBe(true);
    });

    it('shows a visitor public items of public types only', () => {
      expect(registry.isVisibleTo({ type: 'message', visibility: 'public' }, 'visitor')).toBe(true);
      expect(registry.isVisibleTo({ type: 'message', visibility: 'private' }, 'visitor')).toBe(false);
      expect(registry.isVisibleTo({ type: 'ai_tool_call', visibility: 'public' }, 'visitor')).toBe(false);
      expect(registry.isVisibleTo({ type: 'acme.unknown', visibility: 'public' }, 'visitor')).toBe(false);
    });
  });

  describe('#summarize', () => {
    const base = { conversationId: 'c1', seq: 1, visibility: 'public' as const, author: VISITOR, createdAt: '2025-01-01T00:00:00.000Z' };

    it('summarizes a stored item with the type’s hook', () => {
      const item = { ...base, id: 'm1', type: 'message', parts: [{ type: 'file' as const, fileId: 'f1', filename: 'invoice.pdf' }] };
      expect(registry.summarize(item)).toBe('[file: invoice.pdf]');
    });

    it('rejects only the item whose hook throws, naming plugin and hook', () => {
      const faulty = createPluginRegistry([
        {
          plugin: pluginWith('faulty', {
            name: 'faulty.thing',
            reduceSummary: () => {
              throw new Error('no summary');
            },
          }),
        },
      ]);
      const error = caught(() => faulty.summarize({ ...base, id: 'x1', type: 'faulty.thing' }));
      expect(error.code).toBe('ERR_PLUGIN_HOOK_FAILED');
      expect(error.message).toBe('Plugin "faulty" hook "reduceSummary" failed: no summary');
      expect(faulty.summarize({ ...base, id: 'm1', type: 'message', text: 'hi' })).toBe('hi');
    });
  });

  describe('#runEffects', () => {
    const thingType = defineItemType({ name: 'fx.thing', schema: z.object({ n: z.number() }), visibility: 'public', creators: ['human'], reduceSummary: () => 'thing' });
    const fxPlugin = definePlugin({ name: 'fx', version: '1.0.0', itemTypes: [thingType] });
    const arrival = { id: 'i1', type: 'fx.thing', seq: 3, author: AGENT, visibility: 'public' as const, createdAt: '2025-01-01T00:00:00.000Z', fields: { n: 1 } };

    it('runs the type’s onItemCreated once with the item and its conversation', async () => {
      const onItemCreated = vi.fn(async () => undefined);
      const fx = createPluginRegistry([{ plugin: fxPlugin, effects: definePluginEffects(fxPlugin, [defineItemEffects(thingType, { onItemCreated })]) }]);
      await fx.runEffects({ item: arrival, conversationId: 'c1' });
      expect(onItemCreated).toHaveBeenCalledOnce();
      expect(onItemCreated).toHaveBeenCalledWith({ item: arrival, conversationId: 'c1' });
    });

    it('does nothing for a type without effects, or one no plugin registers any more', async () => {
      await expect(registry.runEffects({ item: { ...arrival, type: 'rating', fields: { score: 4 } }, conversationId: 'c1' })).resolves.toBeUndefined();
      await expect(registry.runEffects({ item: arrival, conversationId: 'c1' })).resolves.toBeUndefined();
    });

    it('marks the arrival of an item whose type has effects, and only that type’s', () => {
      const otherType = defineItemType({ name: 'fx.other', schema: z.object({}), visibility: 'public', creators: ['human'], reduceSummary: () => 'other' });
      const plugin = definePlugin({ name: 'fx', version: '1.0.0', itemTypes: [thingType, otherType] });
      const fx = createPluginRegistry([{ plugin, effects: definePluginEffects(plugin, [defineItemEffects(thingType, { onItemCreated: async () => undefined })]) }]);
      const stored = { id: 'i1', conversationId: 'c1', seq: 3, author: AGENT, visibility: 'public' as const, createdAt: arrival.createdAt };
      expect(fx.arrivalOf({ ...stored, type: 'fx.thing', n: 1 } as never)).toEqual({ ...arrival, effects: true });
      expect(fx.arrivalOf({ ...stored, type: 'fx.other' } as never)).toEqual({ ...arrival, type: 'fx.other', fields: {} });
      expect(fx.arrivalOf({ ...stored, type: 'message', text: 'hi' } as never)).not.toHaveProperty('effects');
    });

    it('wraps a failure naming plugin and hook', async () => {
      const onItemCreated = async () => {
        throw new Error('Acme is down');
      };
      const fx = createPluginRegistry([{ plugin: fxPlugin, effects: definePluginEffects(fxPlugin, [defineItemEffects(thingType, { onItemCreated })]) }]);
      await expect(fx.runEffects({ item: arrival, conversationId: 'c1' })).rejects.toMatchObject({
        code: 'ERR_PLUGIN_HOOK_FAILED',
        details: { plugin: 'fx', hook: 'onItemCreated', message: 'Acme is down' },
      });
    });

    it('keeps the plugin’s error as the cause, so its stack shows where the plugin threw', async () => {
      const thrown = new Error('Acme is down');
      const fx = createPluginRegistry([{ plugin: fxPlugin, effects: definePluginEffects(fxPlugin, [defineItemEffects(thingType, { onItemCreated: () => Promise.reject(thrown) })]) }]);
      const failure = await fx.runEffects({ item: arrival, conversationId: 'c1' }).catch((error: unknown) => error as Error);
      expect(failure?.cause).toBe(thrown);
      // Not copied by what walks an error's fields (a log's JSON): whatever the plugin threw may carry a client's request and headers.
      expect(Object.keys(failure!)).not.toContain('cause');
      // What the logs write for it (pino's serializer) ends with the plugin's stack.
      expect(pino.stdSerializers.err(failure as Error).stack).toContain(`caused by: ${thrown.stack}`);
    });
  });

  describe('at load time', () => {
    const loadError = (plugins: Plugin[]): PluginLoadError => caught(() => createPluginRegistry(plugins.map((plugin) => ({ plugin })))) as never;

    it('refuses a type another plugin declares, naming both', () => {
      const error = loadError([pluginWith('first', { name: 'shared.thing' }), pluginWith('second', { name: 'shared.thing' })]);
      expect(error).toBeInstanceOf(PluginLoadError);
      expect(error.plugin).toBe('second');
      expect(error.message).toBe('Plugin "second" cannot be loaded: item type "shared.thing" is already declared by plugin "first"');
    });

    it('refuses a plugin named as another, the built-ins and examples included', () => {
      expect(loadError([pluginWith('twin', { name: 'twin.a' }), pluginWith('twin', { name: 'twin.b' })]).message).toBe('Plugin "twin" cannot be loaded: another plugin is named "twin"');
      expect(loadError([pluginWith('builtin', { name: 'x.a' })]).plugin).toBe('builtin');
      expect(caught(() => createPluginRegistry([...examples, { plugin: pluginWith('rating', { name: 'my.rating' }) }])).message).toContain('another plugin is named "rating"');
    });

    it('refuses a built-in type name', () => {
      expect(loadError([pluginWith('evil', { name: 'message' })]).message).toBe(
        'Plugin "evil" cannot be loaded: item type "message" is a built-in type',
      );
    });

    it.each([
      ['a schema that is not a zod object', { schema: z.string() as never }, 'itemTypes.0.schema'],
      ['a schema declaring a base field', { schema: z.object({ seq: z.number() }) }, 'itemTypes.0.schema'],
      ['a schema declaring a field the store keeps', { schema: z.object({ tally: z.number() }) }, 'itemTypes.0.schema'],
      ['an unknown hook', { react: () => [] } as Partial<ItemType>, 'itemTypes.0'],
      ['a private type visitors may create', { visibility: 'private', creators: ['visitor'] } as Partial<ItemType>, 'itemTypes.0.creators'],
      ['an invalid type name', { name: 'Acme.Thing' }, 'itemTypes.0.name'],
      ['a conversation status that does not exist', { acceptedWhile: ['closed'] } as never, 'itemTypes.0.acceptedWhile'],
    ])('refuses %s, naming the plugin and the field', (_what, change, path) => {
      const error = loadError([pluginWith('broken', { name: 'broken.thing', ...change })]);
      expect(error.plugin).toBe('broken');
      expect(error.message).toContain(path);
    });

    it('names the item type of a misspelt hook and the hook it likely meant', () => {
      const error = loadError([pluginWith('typo', { name: 'typo.thing', reduceArival: () => [] } as Partial<ItemType> & { name: string })]);
      expect(error.message).toBe('Plugin "typo" cannot be loaded: item type "typo.thing" (itemTypes.0): unknown key "reduceArival" (did you mean "reduceArrival"?)');
    });

    it('refuses an activity part that belongs to another plugin', () => {
      const plugin = pluginWith('mine', { name: 'mine.thing' });
      const other = pluginWith('other', { name: 'other.thing' });
      const error = caught(() => createPluginRegistry([{ plugin, effects: definePluginEffects(other, []) }]));
      expect(error.message).toBe('Plugin "mine" cannot be loaded: activity part belongs to plugin "other"');
    });
  });
});
