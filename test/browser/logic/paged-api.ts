/** A stand-in for the server's timeline pages, for the page-logic tests. */
import type { ApiClient } from '../../../web/shared/api-client';
import { message, VISITOR } from './items';

/** A conversation of `count` stored items served 100 a page, forwards or back, calling `onPage` as each page is read. */
export function pagedApi(count: number, { onPage = () => undefined }: { onPage?: () => void } = {}) {
  const asked: Array<{ afterSeq: number } | { beforeSeq: number }> = [];
  const api = {
    timeline: async (_id: string, { afterSeq, beforeSeq, limit = 100 }: { afterSeq?: number; beforeSeq?: number; limit?: number }) => {
      asked.push(beforeSeq === undefined ? { afterSeq: afterSeq ?? 0 } : { beforeSeq });
      onPage();
      const [from, to] = beforeSeq === undefined ? [(afterSeq ?? 0) + 1, Math.min(count, (afterSeq ?? 0) + limit)] : [Math.max(1, Math.min(beforeSeq, count + 1) - limit), Math.min(beforeSeq - 1, count)];
      const items = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => message(from + i, VISITOR, `m${from + i}`));
      return { items, hasNextPage: to < count && beforeSeq === undefined, hasPreviousPage: from > 1, nextCursor: null };
    },
  } as unknown as ApiClient;
  return { api, asked };
}
