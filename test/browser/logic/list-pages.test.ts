import { describe, expect, it } from 'vitest';
import { ListPages } from '../../../web/inbox/list-pages';
import type { ConversationListEntry, ConversationPage } from '../../../web/shared/wire';
import { conversation } from './items';

const entry = (id: string): ConversationListEntry => ({ ...conversation({ id }), unreadCount: 0 });

/** A listing the test answers by hand: each read waits until the test settles it. */
function listing() {
  const reads: Array<{ cursor: string | undefined; answer(page: ConversationPage): void; fail(error: Error): void }> = [];
  const list: string[] = [];
  /** The list's change mark (the test moves it), and the mark each first page was replaced with. */
  const marks = { now: 0, replacedFrom: [] as number[] };
  const pages = new ListPages({
    read: (cursor) =>
      new Promise<ConversationPage>((resolve, reject) => {
        reads.push({ cursor, answer: resolve, fail: reject });
      }),
    changeMark: () => marks.now,
    replace: (conversations, readFrom) => {
      marks.replacedFrom.push(readFrom);
      list.splice(0, list.length, ...conversations.map((c) => c.id));
    },
    add: (conversations) => list.push(...conversations.map((c) => c.id)),
    onChange: () => undefined,
  });
  const page = (ids: string[], nextCursor: string | null): ConversationPage => ({ conversations: ids.map(entry), nextCursor });
  return { pages, reads, list, page, marks };
}

/** A listing whose first page, `a` with more after it, is read. */
async function afterFirstPage() {
  const listed = listing();
  const first = listed.pages.readFirst();
  listed.reads[0]!.answer(listed.page(['a'], 'after-a'));
  await first;
  return listed;
}

describe('ListPages', () => {
  describe('#searching', () => {
    it('says a search goes on while the page read last stopped at the server\'s budget, and not once a page is whole or the last', async () => {
      const { pages, reads, page } = listing();
      const first = pages.readFirst();
      reads[0]!.answer({ ...page([], 'after-nothing'), searchIncomplete: true });
      await first;
      expect(pages).toMatchObject({ hasMore: true, searching: true });
      const next = pages.readNext();
      reads[1]!.answer(page(['a', 'b'], 'after-b'));
      await next;
      expect(pages).toMatchObject({ hasMore: true, searching: false });
      const last = pages.readNext();
      reads[2]!.answer({ ...page([], null), searchIncomplete: true });
      await last;
      expect(pages).toMatchObject({ hasMore: false, searching: false });
    });
  });

  describe('#readNext', () => {
    it('reads each next page with the cursor the page before gave, until none follows', async () => {
      const { pages, reads, list, page } = await afterFirstPage();
      expect(pages.hasMore).toBe(true);
      const next = pages.readNext();
      expect(pages.reading).toBe(true);
      reads[1]!.answer(page(['b', 'c'], null));
      expect((await next)?.map((c) => c.id)).toEqual(['b', 'c']);
      expect(reads.map((read) => read.cursor)).toEqual([undefined, 'after-a']);
      expect(list).toEqual(['a', 'b', 'c']);
      expect(pages).toMatchObject({ hasMore: false, reading: false });
      expect(await pages.readNext()).toBeUndefined();
      expect(reads).toHaveLength(2);
    });

    it('reads one page at a time, however often it is asked', async () => {
      const { pages, reads, list, page } = await afterFirstPage();
      const asked = [pages.readNext(), pages.readNext(), pages.readNext()];
      expect(reads).toHaveLength(2);
      reads[1]!.answer(page(['b'], 'after-b'));
      await Promise.all(asked);
      expect(list).toEqual(['a', 'b']);
    });

    it('drops a page asked for before the list was read afresh (a filter change, a reconnect)', async () => {
      const { pages, reads, list, page } = await afterFirstPage();
      const stale = pages.readNext();
      const again = pages.readFirst();
      expect(pages).toMatchObject({ hasMore: false, reading: false });
      reads[2]!.answer(page(['x'], 'after-x'));
      await again;
      reads[1]!.answer(page(['b'], null));
      expect(await stale).toBeUndefined();
      expect(list).toEqual(['x']);
      expect(pages.hasMore).toBe(true);
    });

    it('drops the failure of such a page: the list read afresh has not failed', async () => {
      const { pages, reads, list, page } = await afterFirstPage();
      const stale = pages.readNext();
      const again = pages.readFirst();
      reads[1]!.fail(new Error('offline'));
      await expect(stale).resolves.toBeUndefined();
      reads[2]!.answer(page(['x'], 'after-x'));
      await again;
      expect(pages).toMatchObject({ failed: false, hasMore: true });
      expect(list).toEqual(['x']);
    });

    it('says a read failed until the next is asked', async () => {
      const { pages, reads, list, page } = await afterFirstPage();
      const failing = pages.readNext();
      reads[1]!.fail(new Error('offline'));
      await expect(failing).rejects.toThrow('offline');
      expect(pages).toMatchObject({ failed: true, reading: false, hasMore: true });
      const again = pages.readNext();
      expect(pages.failed).toBe(false);
      reads[2]!.answer(page(['b'], null));
      await again;
      expect(reads[2]!.cursor).toBe('after-a');
      expect(list).toEqual(['a', 'b']);
    });
  });

  describe('#readFirst', () => {
    /** Two fresh reads under way at once, the later answered first (`new`). */
    async function overlapping() {
      const listed = listing();
      const older = listed.pages.readFirst();
      const newer = listed.pages.readFirst();
      listed.reads[1]!.answer(listed.page(['new'], null));
      await newer;
      return { ...listed, older };
    }

    it('keeps the latest of fresh reads that overlap', async () => {
      const { pages, reads, list, page, older } = await overlapping();
      reads[0]!.answer(page(['old'], 'after-old'));
      await older;
      expect(list).toEqual(['new']);
      expect(pages.hasMore).toBe(false);
    });

    it('drops the failure of a fresh read a later one replaced: the list shown has not failed', async () => {
      const { reads, list, older } = await overlapping();
      reads[0]!.fail(new Error('429'));
      await expect(older).resolves.toBeUndefined();
      expect(list).toEqual(['new']);
    });

    it('replaces the list with the change mark taken as the read began, not as it was answered', async () => {
      const { pages, reads, page, marks } = listing();
      marks.now = 3;
      const first = pages.readFirst();
      marks.now = 5; // A frame changed the list while the page was read.
      reads[0]!.answer(page(['a'], null));
      await first;
      expect(marks.replacedFrom).toEqual([3]);
    });
  });
});
