/** The inbox's word of where each visitor went: the pages read and those heard live, as one list of visits. */
import { describe, expect, it } from 'vitest';
import { VisitorPages } from '../../../web/inbox/visitor-pages';
import type { VisitorPage } from '../../../web/shared/wire';

const at = (second: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, second)).toISOString();
const page = (path: string, second: number, pageTitle?: string): VisitorPage => ({ pageUrl: `https://shop.example/${path}`, ...(pageTitle ? { pageTitle } : {}), at: at(second) });

/** Pages with a server that answers `answer` for the visitor once asked; the visitors it told of a change. */
function pagesReading(answer: { lastPage?: VisitorPage; recentPages?: VisitorPage[] }) {
  let answerRead!: () => void;
  const read = new Promise<void>((resolve) => (answerRead = resolve));
  const changed: string[] = [];
  const pages = new VisitorPages({ visitor: async (id) => (await read, { visitor: { id, ...answer } }) }, (id) => changed.push(id));
  return { pages, changed, answerRead: async () => (answerRead(), await new Promise((resolve) => setTimeout(resolve, 0))) };
}

describe('VisitorPages', () => {
  it('adds each page heard in front of those read, and a page told again (a reconnect) is not another visit', async () => {
    const pricing = page('pricing', 1, 'Pricing');
    const cart = page('cart', 2);
    const { pages, changed, answerRead } = pagesReading({ lastPage: cart, recentPages: [cart, pricing] });
    pages.want('v1');
    await answerRead();
    expect(pages.recent('v1')).toEqual([cart, pricing]);
    expect(changed).toEqual(['v1']);
    expect(pages.take('v1', page('cart', 5))).toBe(true);
    expect(pages.get('v1')).toEqual(page('cart', 5));
    expect(pages.recent('v1')).toEqual([cart, pricing]);
    const checkout = page('checkout', 6, 'Checkout');
    pages.take('v1', checkout);
    expect(pages.recent('v1')).toEqual([checkout, cart, pricing]);
    // Word older than what is held changes nothing.
    expect(pages.take('v1', page('old', 0))).toBe(false);
    expect(pages.recent('v1')).toEqual([checkout, cart, pricing]);
  });

  it('keeps one visit, first told, when the page was heard told again before the read answered', async () => {
    const cart = page('cart', 2);
    const { pages, answerRead } = pagesReading({ lastPage: cart, recentPages: [cart, page('pricing', 1)] });
    pages.want('v1');
    pages.take('v1', page('cart', 7));
    await answerRead();
    expect(pages.recent('v1')).toEqual([cart, page('pricing', 1)]);
    expect(pages.get('v1')).toEqual(page('cart', 7));
  });

  it('keeps as many as the server does, the newest', async () => {
    const { pages } = pagesReading({});
    for (let n = 0; n < 25; n++) pages.take('v1', page(`p/${n}`, n));
    expect(pages.recent('v1')).toHaveLength(20);
    expect(pages.recent('v1')[0]).toEqual(page('p/24', 24));
    expect(pages.recent('v1')[19]).toEqual(page('p/5', 5));
  });

  it('forgets a visitor whose conversation left the list, and reads them again when wanted', async () => {
    const cart = page('cart', 2);
    const { pages, answerRead } = pagesReading({ lastPage: cart, recentPages: [cart] });
    pages.want('v1');
    await answerRead();
    pages.forget('v1');
    expect(pages.recent('v1')).toEqual([]);
    expect(pages.get('v1')).toBeUndefined();
    pages.want('v1');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(pages.recent('v1')).toEqual([cart]);
  });
});
