/** The page a visitor's widget last said they were on, as the store keeps it. */
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useStore } from './fixtures';

const ctx = useStore('visitor-pages');

describe("Store: a visitor's last page", () => {
  it('keeps the page told last, not one told earlier that arrives after it (two tabs crossing)', async () => {
    const store = ctx.get();
    const { id } = await store.upsertVisitor('web_pages');
    const later = { pageUrl: 'https://shop.example/checkout', at: '2026-12-07T10:00:02.000Z' };
    expect(await store.setVisitorPage('web_pages', id, later)).toBe(true);
    expect(await store.setVisitorPage('web_pages', id, { pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing', at: '2026-12-07T10:00:01.000Z' })).toBe(false);
    expect((await store.getVisitor('web_pages', id))?.lastPage).toEqual(later);
    const next = { pageUrl: 'https://shop.example/thanks', pageTitle: 'Thanks', at: '2026-12-07T10:00:03.000Z' };
    expect(await store.setVisitorPage('web_pages', id, next)).toBe(true);
    expect((await store.getVisitor('web_pages', id))?.lastPage).toEqual(next);
  });

  it('keeps the pages they went to, newest first: a page told again is not another, a crossing one is not kept, the oldest go past 20', async () => {
    const store = ctx.get();
    const { id } = await store.upsertVisitor('web_history');
    const at = (second: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, second)).toISOString();
    const pricing = { pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing', at: at(1) };
    const cart = { pageUrl: 'https://shop.example/cart', at: at(2) };
    for (const page of [pricing, cart]) expect(await store.setVisitorPage('web_history', id, page)).toBe(true);
    // Told again on a reconnect: the same page, later.
    expect(await store.setVisitorPage('web_history', id, { ...cart, at: at(3) })).toBe(true);
    // Another tab's word that took longer: not kept anywhere.
    expect(await store.setVisitorPage('web_history', id, { pageUrl: 'https://shop.example/old', at: at(0) })).toBe(false);
    let visitor = await store.getVisitor('web_history', id);
    expect(visitor?.lastPage).toEqual({ ...cart, at: at(3) });
    expect(visitor?.recentPages).toEqual([cart, pricing]);
    // The same address under another title (a single-page app renamed it) is another page.
    expect(await store.setVisitorPage('web_history', id, { ...cart, pageTitle: 'Cart (2)', at: at(4) })).toBe(true);
    expect((await store.getVisitor('web_history', id))?.recentPages?.[0]).toEqual({ ...cart, pageTitle: 'Cart (2)', at: at(4) });
    for (let n = 0; n < 25; n++) await store.setVisitorPage('web_history', id, { pageUrl: `https://shop.example/p/${n}`, at: at(10 + n) });
    visitor = await store.getVisitor('web_history', id);
    expect(visitor?.recentPages).toHaveLength(20);
    expect(visitor?.recentPages?.[0]?.pageUrl).toBe('https://shop.example/p/24');
    expect(visitor?.recentPages?.[19]?.pageUrl).toBe('https://shop.example/p/5');
  });

  it('adds a page told twice at the same time once (two tabs, every tab reconnecting after a restart)', async () => {
    const store = ctx.get();
    const { id } = await store.upsertVisitor('web_history_race');
    const first = { pageUrl: 'https://shop.example/', at: '2026-12-07T10:00:01.000Z' };
    await store.setVisitorPage('web_history_race', id, first);
    const cart = { pageUrl: 'https://shop.example/cart', at: '2026-12-07T10:00:02.000Z' };
    const kept = await Promise.all([store.setVisitorPage('web_history_race', id, cart), store.setVisitorPage('web_history_race', id, { ...cart, at: '2026-12-07T10:00:03.000Z' })]);
    // The later word is kept whichever reaches the store first (the earlier one too, if it came first).
    expect(kept[1]).toBe(true);
    const visitor = await store.getVisitor('web_history_race', id);
    expect(visitor?.recentPages?.map((page) => page.pageUrl)).toEqual([cart.pageUrl, first.pageUrl]);
    expect(visitor?.lastPage).toEqual({ ...cart, at: '2026-12-07T10:00:03.000Z' });
  });

  it('starts the history of a visitor kept before there was one with the page they are on, told again', async () => {
    const store = ctx.get();
    const { id } = await store.upsertVisitor('web_history_old');
    const page = { pageUrl: 'https://shop.example/pricing', at: '2026-12-07T10:00:01.000Z' };
    const client = await MongoClient.connect(ctx.mongo().uri);
    try {
      await client.db(ctx.dbName).collection<{ _id: string }>('visitors').updateOne({ _id: id }, { $set: { lastPage: page } });
    } finally {
      await client.close();
    }
    expect(await store.setVisitorPage('web_history_old', id, { ...page, at: '2026-12-07T10:00:02.000Z' })).toBe(true);
    expect((await store.getVisitor('web_history_old', id))?.recentPages).toEqual([{ ...page, at: '2026-12-07T10:00:02.000Z' }]);
  });

  it("keeps nothing for a visitor the website does not have, another website's included", async () => {
    const store = ctx.get();
    const { id } = await store.upsertVisitor('web_pages_a');
    const page = { pageUrl: 'https://shop.example/', at: '2026-12-07T10:00:00.000Z' };
    expect(await store.setVisitorPage('web_pages_b', id, page)).toBe(false);
    expect(await store.setVisitorPage('web_pages_a', 'vis_nobody', page)).toBe(false);
    expect((await store.getVisitor('web_pages_a', id))?.lastPage).toBeUndefined();
  });
});
