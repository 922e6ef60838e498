/**
 * Plugin effects: an item whose type has an activity part gets `runPluginEffects` scheduled by the
 * conversation workflow; a failing effect is retried, then skipped, and the conversation goes on.
 * Whether to run them is the item's signal's to say (so the history decides on replay), not the
 * plugins of the code that runs the workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toItemArrival } from '../../plugins/item-view';
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
    const fine = await c.post(VISITOR, 'fine', { type: 'test.effect', fail: false });
    const item = await c.post(VISITOR, 'boom', { type: 'test.effect', fail: true });
    await h.passTimeUntil(() => expect(h.effectsRan.filter((id) => id === item.id)).toHaveLength(5));
    expect(await c.operate(ALICE, { op: 'set_priority', priority: 'high' })).toMatchObject({ priority: 'high' });

    // The trail says which of the two effects failed, and points back at its scheduling.
    const trail = await eventually(async () => {
      const entries = await h.engine.history(c.workflowId);
      expect(entries.map((entry) => entry.kind)).toContain('activity_failed');
      return entries;
    });
    const failed = trail.find((entry) => entry.kind === 'activity_failed');
    expect(failed).toMatchObject({ name: 'runPluginEffects', summary: `for item ${item.id} (test.effect): Plugin "test_effects" hook "onItemCreated" failed: effect failed on purpose` });
    expect(trail[failed!.startIndex! - 1]).toMatchObject({ kind: 'activity_scheduled', name: 'runPluginEffects', summary: `item ${item.id} (test.effect)`, activityId: failed!.activityId });
    expect(trail.find((entry) => entry.kind === 'activity_completed' && entry.name === 'runPluginEffects')?.summary).toBe(`for item ${fine.id} (test.effect)`);
  });

  it('logs a dropped effect with the plugin’s own stack', async () => {
    const c = await h.newConversation();
    const item = await c.post(VISITOR, 'boom', { type: 'test.effect', fail: true });
    const dropped = () => h.errorsLogged.find((entry) => entry.message === 'plugin effects failed; skipped' && entry.meta?.itemId === item.id);
    await h.passTimeUntil(() => expect(dropped()).toBeDefined());
    expect(dropped()?.meta).toMatchObject({ error: 'Plugin "test_effects" hook "onItemCreated" failed: effect failed on purpose' });
    expect(dropped()?.meta?.stack).toMatch(/^Error: effect failed on purpose\n\s+at .*effects-plugin\.ts/);
  });

  it('runs effects when the signal says so, whatever plugins the code running it has', async () => {
    const c = await h.newConversation();
    // Posted while its plugin had no activity part: its signal asks for nothing.
    const before = await c.write(VISITOR, 'before', { type: 'test.effect', fail: false });
    await h.conversations.notifyItems([toItemArrival(before)], c.start);
    // Posted while a plugin with effects had this type, since taken away: nothing left to run, nothing fails.
    const gone = await c.write(VISITOR, 'gone', { type: 'test.chaos', mode: 'invalid' });
    await h.conversations.notifyItems([{ ...toItemArrival(gone), effects: true }], c.start);
    await c.post(VISITOR, 'a plain message');

    const activities = async () => (await h.engine.history(c.workflowId)).filter((entry) => entry.name === 'runPluginEffects').map((entry) => entry.kind);
    await eventually(async () => expect(await activities()).toEqual(['activity_scheduled', 'activity_completed']));
    expect(h.effectsRan).not.toContain(before.id);
  });
});
