import { describe, expect, it } from 'vitest';
import { currentPageFacts, earlierPageFacts, visitorFacts } from '../../../web/inbox/visitor-section';
import { wordsText } from '../../../web/shared/words';

const NOON_UTC = new Date('2026-12-07T12:00:00Z');

describe('visitorFacts: what the side panel says of where the visitor was', () => {
  it("reads the widget's context: the page by its title, where they came from, their time and language", () => {
    const widget = { pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing', referrer: 'https://search.example/', timeZone: 'Asia/Tokyo', language: 'fr-FR' };
    expect(visitorFacts({ widget }, NOON_UTC)).toEqual([
      // The page's title as its website wrote it, set apart to be shown in its own direction.
      { label: 'Started on', text: [{ written: 'Pricing' }, ' (shop.example)'], href: 'https://shop.example/pricing' },
      { label: 'Came from', text: ['https://search.example/'], href: 'https://search.example/' },
      { label: 'Local time', text: ['21:00, GMT+9 (Asia/Tokyo)'], timeIn: 'Asia/Tokyo' },
      { label: 'Language', text: ['French (France)'] },
    ]);
  });

  it("links only http(s) addresses, and shows the website's own metadata by its names, on one short line", () => {
    const facts = visitorFacts({ widget: { pageUrl: 'javascript:alert(1)', timeZone: 'Mars/Olympus' }, plan: 'pro', seats: 12, account: { id: 'acc_1', tags: ['a', 'b'] }, notes: 'x'.repeat(300) }, NOON_UTC);
    expect(facts.slice(0, 3)).toEqual([
      { label: 'plan (metadata)', text: [{ written: 'pro' }] },
      { label: 'seats (metadata)', text: [{ written: '12' }] },
      { label: 'account (metadata)', text: [{ written: '{"id":"acc_1","tags":["a","b"]}' }] },
    ]);
    expect(wordsText(facts[3]!.text)).toHaveLength(200);
    // Whoever wrote it, it reads as written: a direction control is shown, not obeyed.
    expect(visitorFacts({ verified: 'yes\u202Elive' }, NOON_UTC)).toEqual([{ label: 'verified (metadata)', text: [{ written: 'yes\\u202elive' }] }]);
    expect(facts.some((fact) => fact.href !== undefined)).toBe(false);
  });

  it('says nothing when there is nothing to say', () => {
    expect(visitorFacts(undefined)).toEqual([]);
    expect(visitorFacts({ widget: {} })).toEqual([]);
  });
});

describe('currentPageFacts: where the visitor is now, as their widget last said', () => {
  const lastPage = { pageUrl: 'https://shop.example/checkout', pageTitle: 'Checkout', at: '2026-12-07T11:58:00Z' };

  it('says "Now on" while they are online, and since when it was their last page once they left', () => {
    expect(currentPageFacts({ online: true, lastPage })).toEqual([{ label: 'Now on', text: [{ written: 'Checkout' }, ' (shop.example)'], href: 'https://shop.example/checkout' }]);
    const [left] = currentPageFacts({ online: false, lastPage });
    expect(left).toMatchObject({ label: 'Last seen on', href: 'https://shop.example/checkout' });
    expect(wordsText(left!.text)).toMatch(/^Checkout \(shop\.example\), \S/);
  });

  it('says nothing of a page it was not told, or that is no http(s) address', () => {
    expect(currentPageFacts({ online: true })).toEqual([]);
    expect(currentPageFacts({ online: true, lastPage: { pageUrl: 'javascript:alert(1)', at: lastPage.at } })).toEqual([]);
  });
});

describe('earlierPageFacts: the pages before the one the visitor is on', () => {
  const checkout = { pageUrl: 'https://shop.example/checkout', pageTitle: 'Checkout', at: '2026-12-07T11:58:00Z' };
  const pricing = { pageUrl: 'https://shop.example/pricing', pageTitle: 'מחירים', at: '2026-12-07T11:50:00Z' };
  const home = { pageUrl: 'https://shop.example/', at: '2026-12-07T11:45:00Z' };

  it('lists them newest first, each by its title (set apart, in its own direction) and when they went to it, the page they are on left out', () => {
    const facts = earlierPageFacts({ online: true, lastPage: { ...checkout, at: '2026-12-07T11:59:00Z' }, recentPages: [checkout, pricing, home] });
    expect(facts.map((fact) => [fact.text, fact.href])).toEqual([
      [[{ written: 'מחירים' }, ' (shop.example)'], 'https://shop.example/pricing'],
      [['https://shop.example/'], 'https://shop.example/'],
    ]);
    expect(facts.every((fact) => fact.label !== '')).toBe(true);
  });

  it('lists them all when the last page is not the newest of them (a server without a history), and none without pages', () => {
    expect(earlierPageFacts({ online: false, lastPage: checkout, recentPages: [pricing, home] })).toHaveLength(2);
    expect(earlierPageFacts({ online: false, lastPage: checkout, recentPages: [checkout] })).toEqual([]);
    expect(earlierPageFacts({ online: false })).toEqual([]);
    expect(earlierPageFacts({ online: false, recentPages: [{ pageUrl: 'javascript:alert(1)', at: home.at }] })).toEqual([]);
  });
});
