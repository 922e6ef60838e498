/**
 * `test.chaos`: an item type whose reaction misbehaves on purpose, to check that the workflow
 * skips what it may not do and carries on. `mode: 'invalid'` asks for a reopen of an open
 * conversation (rejected) and a tag (applied); `mode: 'throw'` throws.
 */
import { z } from 'zod';
import { defineItemType, definePlugin } from '../../../plugins/define';

export const chaosType = defineItemType({
  name: 'test.chaos',
  schema: z.object({ mode: z.enum(['invalid', 'throw']) }),
  visibility: 'public',
  creators: ['visitor', 'human'],
  reduceSummary: ({ item }) => `chaos ${item.fields.mode}`,
  reduceArrival: ({ item }) => {
    if (item.fields.mode === 'throw') throw new Error('chaos reaction failed');
    return [{ op: 'reopen' }, { op: 'add_tags', tags: ['chaos'] }];
  },
});

export default definePlugin({ name: 'test_chaos', version: '1.0.0', itemTypes: [chaosType] });
