/**
 * `test.chaos`: an item type whose reaction misbehaves on purpose, to check that the workflow
 * skips what it may not do and carries on. `mode: 'invalid'` asks for a reopen of an open
 * conversation (rejected) and a tag (applied); `mode: 'throw'` throws; `mode: 'malformed'` answers
 * with things that are no lifecycle operation (null, an unknown field holding a BigInt, past the
 * limits a REST body has) around one that is (a tag, applied).
 */
import { z } from 'zod';
import { defineItemType, definePlugin } from '../../../plugins/define';

export const chaosType = defineItemType({
  name: 'test.chaos',
  schema: z.object({ mode: z.enum(['invalid', 'throw', 'malformed']) }),
  visibility: 'public',
  creators: ['visitor', 'human'],
  reduceSummary: ({ item }) => `chaos ${item.fields.mode}`,
  reduceArrival: ({ item }) => {
    if (item.fields.mode === 'throw') throw new Error('chaos reaction failed');
    if (item.fields.mode === 'malformed') {
      const tooMany = Array.from({ length: 21 }, (_, i) => `t${i}`);
      return [null, { op: 'add_tags', tags: ['after-null'], note: 10n }, { op: 'escalate', reason: 'r'.repeat(501) }, { op: 'add_tags', tags: tooMany }, { op: 'add_tags', tags: ['malformed'] }] as never;
    }
    return [{ op: 'reopen' }, { op: 'add_tags', tags: ['chaos'] }];
  },
});

export default definePlugin({ name: 'test_chaos', version: '1.0.0', itemTypes: [chaosType] });
