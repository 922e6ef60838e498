/** The worked example of docs/plugins.md, tested with the kit as a plugin author would. */
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../plugins/define';
import { PluginLoadError } from '../../plugins/errors';
import rating from '../../plugins/examples/rating/workflow';
import { createPluginTestKit } from '../../plugins/testkit';
import chaos from '../workflows/support/chaos-plugin';
import acme from './fixtures/acme/workflow';
import { AGENT, VISITOR } from './authors';
import { caught } from './errors';

const kit = createPluginTestKit(acme);
const status = (fields: Record<string, unknown>) => kit.create({ input: { type: 'acme.order_status', ...fields }, author: AGENT });

describe('createPluginTestKit', () => {
  describe('#create', () => {
    it('validates and stores the item as the server would', () => {
      expect(status({ orderId: 'A-1001', status: 'shipped', eta: '2025-02-01' })).toEqual({
        id: 'item-1',
        conversationId: 'conversation-test',
        seq: 1,
        createdAt: '2025-01-01T00:00:00.000Z',
        type: 'acme.order_status',
        visibility: 'public',
        author: AGENT,
        orderId: 'A-1001',
        status: 'shipped',
        eta: '2025-02-01',
      });
    });

    it('throws the registry’s errors, naming the failing field', () => {
      expect(caught(() => status({ orderId: '1001', status: 'shipped' })).details).toEqual([
        { path: 'orderId', message: 'Acme order ids look like A-1001' },
      ]);
      expect(caught(() => kit.create({ input: { type: 'acme.order_status', orderId: 'A-1', status: 'placed' }, author: VISITOR })).code).toBe(
        'ERR_FORBIDDEN',
      );
    });
  });

  describe('#summarize', () => {
    it('uses the plugin’s summary', () => {
      expect(kit.summarize(status({ orderId: 'A-1001', status: 'delayed', eta: '2025-02-03' }))).toBe('Order A-1001: delayed (ETA 2025-02-03)');
    });
  });

  describe('#isVisibleTo', () => {
    it('applies the type’s visibility', () => {
      expect(kit.isVisibleTo(status({ orderId: 'A-1', status: 'placed' }), 'visitor')).toBe(true);
    });
  });

  describe('#react', () => {
    it('runs the reaction against a conversation built from overrides', () => {
      expect(kit.react({ item: status({ orderId: 'A-1', status: 'delayed' }) })).toEqual({ operations: [{ op: 'add_tags', tags: ['order-delayed'] }] });
      expect(kit.react({ item: status({ orderId: 'A-1', status: 'delayed' }), conversation: { tags: ['order-delayed'] } })).toEqual({ operations: [] });
    });

    it('reopens a resolved conversation and raises priority for a rating below 3', () => {
      const ratingKit = createPluginTestKit(rating);
      const item = ratingKit.create({ input: { type: 'rating', score: 1 }, author: VISITOR });
      expect(ratingKit.react({ item, conversation: { status: 'resolved' } })).toEqual({
        operations: [
          { op: 'reopen', reason: 'Low rating (1/5)' },
          { op: 'set_priority', priority: 'high' },
        ],
      });
    });

    it('refuses a reaction that answers a replay differently (module-level state)', () => {
      let arrivals = 0;
      const counting = definePlugin({
        name: 'counting',
        version: '1.0.0',
        itemTypes: [{ ...acme.itemTypes[0]!, name: 'counting.thing', reduceArrival: () => [{ op: 'add_tags', tags: [`seen-${++arrivals}`] }] }],
      });
      const countingKit = createPluginTestKit(counting);
      const item = countingKit.create({ input: { type: 'counting.thing', orderId: 'A-1', status: 'placed' }, author: AGENT });
      expect(() => countingKit.react({ item })).toThrow(/answered the same arrival differently on a replay/);
    });

    it('reports what the reaction returned that the workflow would skip, as no lifecycle operation', () => {
      const chaosKit = createPluginTestKit(chaos);
      const item = chaosKit.create({ input: { type: 'test.chaos', mode: 'malformed' }, author: VISITOR });
      const reaction = chaosKit.react({ item });
      expect(reaction).toMatchObject({ operations: [{ op: 'add_tags', tags: ['malformed'] }] });
      expect('refused' in reaction && reaction.refused).toEqual([
        { index: 0, reason: expect.stringMatching(/object/i) },
        { index: 1, reason: expect.stringContaining('note') },
        { index: 2, reason: expect.stringContaining('reason:') },
        { index: 3, reason: expect.stringContaining('tags:') },
      ]);
    });
  });

  it('refuses an invalid plugin as start-up would', () => {
    expect(() => createPluginTestKit(definePlugin({ ...acme, version: 'latest' }))).toThrow(PluginLoadError);
  });
});
