/** A stand-in for the server's timeline pages, for the page-logic tests. */
import type { ApiClient } from '../../../web/shared/api-client';
import { message, VISITOR } from './items';

/**
 * A conversation of `count` stored items served 100 a page, forwards or back, calling `onPage` as
 * each page is read. Read back, a page holds the items of the stored ones `hidden` does not keep
 * from the reader (as the server's item types may), and says older ones are left when stored ones are.
 */
export function pagedApi(count: number, { onPage = () => undefined, hidden = () => false }: { onPage?: () => void; hidden?: (seq: number) => boolean } = {}) {
  const asked: Array<{ afterSeq: number } | { beforeSeq: number }> = [];
  const api = {
    timeline: async (_id: string, { afterSeq, beforeSeq, limit = 100 }: { afterSeq?: number; beforeSeq?: number; limit?: number }) => {
      asked.push(beforeSeq === undefined ? { afterSeq: afterSeq ?? 0 } : { beforeSeq });
      onPage();
      const [from, to] = beforeSeq === undefined ? [(afterSeq ?? 0) + 1, Math.min(count, (afterSeq ?? 0) + limit)] : [Math.max(1, Math.min(beforeSeq, count + 1) - limit), Math.min(beforeSeq - 1, count)];
      const seqs = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
      const items = seqs.filter((seq) => !hidden(seq)).map((seq) => message(seq, VISITOR, `m${seq}`));
      return { items, hasNextPage: to < count && beforeSeq === undefined, hasPreviousPage: from > 1, nextCursor: null };
    },
  } as unknown as ApiClient;
  return { api, asked };
}
