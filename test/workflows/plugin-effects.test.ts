/**
 * Plugin effects: an item whose type has an activity part gets `runPluginEffects` scheduled by the
 * conversation workflow; a failing effect is retried, then skipped, and the conversation goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../runtime/engine/eventually';
import { ALICE, VISITOR } from './conversation/fixtures';
import { productHarness, type ProductHarness } from './support/product-harness';

describe('conversationWorkflow plugin effects', () => {
  let h: ProductHarness;
  beforeAll(async () => {
    h = await productHarness('plugin_effects');
  });
  afterAll(() => h?.close());

  it("runs an item type's effects once per item", async () => {
    const c = await h.newConversation();
    const item = await c.post(VISITOR, 'done', { type: 'test.effect', fail: false });
    await c.post(VISITOR, 'a plain message');
    await eventually(() => expect(h.effectsRan).toEqual([item.id]));
  });

  it('retries a failing effect, then gives up without breaking the conversation', async () => {
    const c = await h.newConversation();
    const item = await c.post(VISITOR, 'boom', { type: 'test.effect', fail: true });
    await h.passTimeUntil(() => expect(h.effectsRan.filter((id) => id === item.id)).toHaveLength(5));
    expect(await c.operate(ALICE, { op: 'set_priority', priority: 'high' })).toMatchObject({ priority: 'high' });
  });
});
