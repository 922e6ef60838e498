import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConversationLifecycle, ItemArrival } from '../../domain';
import { defineItemType, definePlugin } from '../../plugins/define';
import { PluginLoadError } from '../../plugins/errors';
import quickReplies from '../../plugins/examples/quick_replies/workflow';
import rating from '../../plugins/examples/rating/workflow';
import { reactTo, registerWorkflowPlugins, summarizeItem } from '../../plugins/workflow-registry';
import { AGENT, VISITOR } from './authors';

const faulty = definePlugin({
  name: 'faulty',
  version: '1.0.0',
  itemTypes: [
    defineItemType({
      name: 'faulty.thing',
      schema: z.object({}),
      visibility: 'public',
      creators: ['human'],
      reduceSummary: () => {
        throw new Error('no summary');
      },
      reduceArrival: ({ conversation }) => {
        (conversation.tags as string[]).push('mutated');
        throw new Error('no reaction');
      },
    }),
  ],
});

const resolved: ConversationLifecycle = { status: 'resolved', priority: 'medium', handler: 'human', participants: [], tags: [] };
const arrival = (type: string, fields: Record<string, unknown>, text?: string): ItemArrival => ({
  id: `${type}-1`,
  type,
  seq: 7,
  author: type === 'rating' ? VISITOR : AGENT,
  visibility: 'public',
  createdAt: '2025-01-01T00:00:00.000Z',
  fields,
  ...(text === undefined ? {} : { text }),
});

describe('workflow-registry', () => {
  beforeEach(() => {
    registerWorkflowPlugins([rating, quickReplies, faulty]);
  });

  describe('#reactTo', () => {
    it('reopens a resolved conversation and raises priority for a rating below 3', () => {
      expect(reactTo({ item: arrival('rating', { score: 2 }), conversation: resolved })).toEqual({
        operations: [
          { op: 'reopen', reason: 'Low rating (2/5)' },
          { op: 'set_priority', priority: 'high' },
        ],
      });
    });

    it('asks nothing for a type without a reaction, or a type it does not know', () => {
      expect(reactTo({ item: arrival('message', {}, 'hi'), conversation: resolved })).toEqual({ operations: [] });
      expect(reactTo({ item: arrival('acme.unknown', {}), conversation: resolved })).toEqual({ operations: [] });
    });

    it('returns a failing reaction as an error naming plugin and hook, without touching the conversation', () => {
      const conversation = { ...resolved, tags: ['vip'] };
      expect(reactTo({ item: arrival('faulty.thing', {}), conversation })).toEqual({
        error: { plugin: 'faulty', hook: 'reduceArrival', message: 'Plugin "faulty" hook "reduceArrival" failed: no reaction' },
      });
      expect(conversation.tags).toEqual(['vip']);
      expect(reactTo({ item: arrival('rating', { score: 1 }), conversation: resolved })).toHaveProperty('operations');
    });
  });

  describe('#summarizeItem', () => {
    it('summarizes with the type’s hook, a stored item as well as an arrival', () => {
      expect(summarizeItem(arrival('rating', { score: 4 }))).toBe('Rated 4/5');
      const { fields, ...base } = arrival('rating', { score: 4 });
      expect(summarizeItem({ ...base, ...fields, conversationId: 'c1' })).toBe('Rated 4/5');
    });

    it('treats the visitor’s quick reply answer as a plain message', () => {
      expect(summarizeItem(arrival('message', {}, 'Billing'))).toBe('Billing');
    });

    it('falls back to the text, or the type, instead of throwing', () => {
      expect(summarizeItem(arrival('faulty.thing', {}, 'fallback'))).toBe('fallback');
      expect(summarizeItem(arrival('faulty.thing', {}))).toBe('[faulty.thing]');
      expect(summarizeItem(arrival('acme.unknown', {}))).toBe('[acme.unknown]');
    });
  });

  describe('#registerWorkflowPlugins', () => {
    it('keeps the built-in types known', () => {
      registerWorkflowPlugins([]);
      expect(summarizeItem(arrival('event', { event: { kind: 'ai_resumed', data: {} } }))).toBe('AI assistant resumed');
    });

    it('refuses a duplicate type, naming the plugin', () => {
      const copy = definePlugin({ ...rating, name: 'rating_copy' });
      expect(() => registerWorkflowPlugins([rating, copy])).toThrow(PluginLoadError);
    });
  });
});
