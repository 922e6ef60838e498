/**
 * `test.effect`: an item type with an activity part, to check that the workflow schedules plugin
 * effects and survives a failing one. `fail: true` makes `onItemCreated` throw every time.
 */
import { z } from 'zod';
import { defineItemType, definePlugin, definePluginEffects } from '../../../plugins/define';
import type { ItemCreatedArgs } from '../../../plugins/types';

export const effectType = defineItemType({
  name: 'test.effect',
  schema: z.object({ fail: z.boolean() }),
  visibility: 'public',
  creators: ['visitor', 'human'],
  reduceSummary: ({ item }) => `effect${item.fields.fail ? ' (failing)' : ''}`,
});

export const effectsPlugin = definePlugin({ name: 'test_effects', version: '1.0.0', itemTypes: [effectType] });

/** The activity part; `ran` lists the item ids whose effects ran (failed attempts included). */
export function effectsOf(ran: string[]) {
  return definePluginEffects(effectsPlugin, [
    {
      type: effectType.name,
      async onItemCreated({ item }: ItemCreatedArgs) {
        ran.push(item.id);
        if (item.fields.fail) throw new Error('effect failed on purpose');
      },
    },
  ]);
}

export default effectsPlugin;
