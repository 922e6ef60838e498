/** The page a visitor's widget last said they were on, as the store keeps it. */
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

  it("keeps nothing for a visitor the website does not have, another website's included", async () => {
    const store = ctx.get();
    const { id } = await store.upsertVisitor('web_pages_a');
    const page = { pageUrl: 'https://shop.example/', at: '2026-12-07T10:00:00.000Z' };
    expect(await store.setVisitorPage('web_pages_b', id, page)).toBe(false);
    expect(await store.setVisitorPage('web_pages_a', 'vis_nobody', page)).toBe(false);
    expect((await store.getVisitor('web_pages_a', id))?.lastPage).toBeUndefined();
  });
});
