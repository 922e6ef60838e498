import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PageFollower } from '../../../web/widget/page-follower';

describe('PageFollower: the page the widget tells the team the visitor is on', () => {
  let page: { href: string; title: string };
  let sent: unknown[];
  let open: boolean;
  let chatting: boolean;
  let inView: boolean;
  let follower: PageFollower;

  beforeEach(() => {
    vi.useFakeTimers();
    page = { href: 'https://shop.example/pricing?plan=pro#top', title: 'Pricing' };
    sent = [];
    open = true;
    chatting = true;
    inView = true;
    follower = new PageFollower({ send: (frame) => open && Boolean(sent.push(frame.payload)), wanted: () => chatting, inView: () => inView, page: () => page });
  });
  afterEach(() => {
    follower.stop();
    vi.useRealTimers();
  });

  it('tells the page as it starts, without its query or fragment, and again only when it changes, as a single-page site moves', () => {
    follower.start();
    expect(sent).toEqual([{ pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing' }]);
    vi.advanceTimersByTime(5_000);
    expect(sent).toHaveLength(1);
    page = { href: 'https://shop.example/checkout', title: 'Pricing' };
    vi.advanceTimersByTime(1_000);
    page.title = 'Checkout';
    vi.advanceTimersByTime(1_000);
    expect(sent.slice(1)).toEqual([
      { pageUrl: 'https://shop.example/checkout', pageTitle: 'Pricing' },
      { pageUrl: 'https://shop.example/checkout', pageTitle: 'Checkout' },
    ]);
  });

  it('tells nothing while the visitor has no conversation, and the page as soon as they have one', () => {
    chatting = false;
    follower.start();
    vi.advanceTimersByTime(3_000);
    expect(sent).toEqual([]);
    chatting = true;
    follower.look();
    expect(sent).toEqual([{ pageUrl: 'https://shop.example/pricing', pageTitle: 'Pricing' }]);
  });

  it('tries again while the socket is down, and tells each new connection', () => {
    open = false;
    follower.start();
    vi.advanceTimersByTime(2_000);
    expect(sent).toEqual([]);
    open = true;
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(1);
    follower.tellAgain();
    expect(sent).toHaveLength(2);
  });

  it('tells nothing from a tab out of view, whose page would take the place of the one the visitor is on, and its page as it comes into view', () => {
    follower.start();
    inView = false;
    page = { href: 'https://shop.example/inbox', title: '(2) Inbox' };
    vi.advanceTimersByTime(3_000);
    expect(sent).toHaveLength(1);
    inView = true;
    follower.tellAgain();
    expect(sent.at(-1)).toEqual({ pageUrl: 'https://shop.example/inbox', pageTitle: '(2) Inbox' });
  });

  it('tells nothing of a page that is no http(s) address, and stops when stopped', () => {
    page = { href: 'file:///home/ada/page.html', title: 'Local' };
    follower.start();
    expect(sent).toEqual([]);
    follower.stop();
    page = { href: 'https://shop.example/', title: 'Home' };
    vi.advanceTimersByTime(3_000);
    expect(sent).toEqual([]);
  });
});
