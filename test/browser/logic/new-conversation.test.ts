import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANSWER_MS } from '../../../web/widget/id-holders';
import { NewConversation } from '../../../web/widget/new-conversation';
import { FakeChannels } from './fake-broadcast-channel';
import { FakeStorage } from './fake-storage';
import { FakeTarget } from './fake-target';

/** The test's clock (vitest's fake timers), on which each page's timers are set. */
let clock: typeof setTimeout;

/**
 * A browser tab (its sessionStorage) whose pages each make a NewConversation, run with the tab's
 * storage and the page's own window, BroadcastChannel (the origin's `channels`; `null`: a browser
 * without one) and timers.
 */
class Tab {
  constructor(
    readonly channels: FakeChannels | null = new FakeChannels(),
    private readonly storage = new FakeStorage(),
  ) {}

  /** A page loaded in the tab; `wasDiscarded` when the browser discarded the one before (to save memory). */
  load(wasDiscarded = false) {
    const win = new FakeTarget();
    const run = <T>(act: () => T): T => {
      vi.stubGlobal('sessionStorage', this.storage);
      vi.stubGlobal('window', win);
      vi.stubGlobal('document', { wasDiscarded });
      vi.stubGlobal('BroadcastChannel', channels?.BroadcastChannel);
      vi.stubGlobal('setTimeout', (later: () => void, ms?: number) => clock(() => run(later), ms));
      return act();
    };
    const channels = this.channels?.forPage(run);
    const page = run(() => new NewConversation('new'));
    return {
      id: (isConversation: (id: string) => boolean = () => false) => run(() => page.id(isConversation)),
      created: (id: string) => run(() => page.created(id)),
      /** The page goes: a reload, a link followed, the tab closed (`persisted`: kept in the back-forward cache). */
      leave: (persisted = false) => run(() => win.fire('pagehide', { persisted })),
      showAgain: () => run(() => win.fire('pageshow', { persisted: true })),
      /** The widget is taken off the page (SupportChat.reset()). */
      stop: () => run(() => page.stop()),
      /** The page dies without a word: a crash, the tab killed by the system. */
      die: () => channels?.die(),
    };
  }

  /** The browser's "Duplicate tab": a new tab with a copy of this one's sessionStorage. */
  duplicate(): Tab {
    const copy = new FakeStorage();
    for (const [key, value] of this.storage.values) copy.setItem(key, value);
    return new Tab(this.channels, copy);
  }
}

/** Long enough for the pages' answers to whether one holds an id, or their silence. */
const answered = () => vi.advanceTimersByTimeAsync(ANSWER_MS);

/** A page of the tab opens New conversation, then dies without pagehide (a crash, the tab killed by the system); the id it opened. */
function openThenDie(tab: Tab): string {
  const page = tab.load();
  const id = page.id();
  page.die();
  return id;
}

describe('NewConversation', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    clock = setTimeout;
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('opens the same id until it is created, also after a reload', () => {
    const tab = new Tab();
    const page = tab.load();
    const id = page.id();
    expect(page.id()).toBe(id);
    page.leave();
    const reloaded = tab.load();
    expect(reloaded.id()).toBe(id);
    reloaded.created(id);
    expect(reloaded.id()).not.toBe(id);
  });

  it('lets its id go when the widget is taken off the page: a copy of the tab asking for it gets no answer from it', async () => {
    const tab = new Tab();
    const original = tab.load();
    const id = original.id();
    const copy = tab.duplicate().load();
    original.stop();
    await answered();
    expect(copy.id()).toBe(id);
  });

  it('asks nothing, and so waits for nothing, when no page holds the id kept (a first start, a reload)', () => {
    const tab = new Tab();
    const page = tab.load();
    const id = page.id();
    page.leave();
    expect(tab.load().id()).toBe(id);
    expect(tab.channels?.posted).toEqual([]);
  });

  it('starts another in a tab duplicated from a page that still opens the id, and each keeps its own across a reload', async () => {
    const tab = new Tab();
    const original = tab.load();
    const id = original.id();
    const copyTab = tab.duplicate();
    const copy = copyTab.load();
    await answered();
    const other = copy.id();
    expect(other).not.toBe(id);
    expect(original.id()).toBe(id);

    copy.leave();
    expect(copyTab.load().id()).toBe(other);
    original.leave();
    expect(tab.load().id()).toBe(id);
  });

  it('does not give the copy the id after its reload either, when it had not opened one yet', async () => {
    const tab = new Tab();
    const id = tab.load().id();
    const copyTab = tab.duplicate();
    const copy = copyTab.load();
    await answered();
    copy.leave();
    const reloaded = copyTab.load();
    await answered();
    expect(reloaded.id()).not.toBe(id);
  });

  it('does not give the copy the id after a reload that came before the answer', async () => {
    const tab = new Tab();
    const id = tab.load().id();
    const copyTab = tab.duplicate();
    copyTab.load().leave();
    const reloaded = copyTab.load();
    await answered();
    expect(reloaded.id()).not.toBe(id);
  });

  it('takes its id back in a page loaded again after the one before died without pagehide (a crash, the tab killed by the system), and holds it: a tab duplicated from it starts another', async () => {
    const tab = new Tab();
    const id = openThenDie(tab);
    const reloaded = tab.load();
    await answered();
    expect(reloaded.id()).toBe(id);
    expect(tab.channels?.posted).toEqual([{ who: id }]);

    const copy = tab.duplicate().load();
    await answered();
    expect(copy.id()).not.toBe(id);
    expect(reloaded.id()).toBe(id);
  });

  it('opens another when New conversation is opened before the answer can come, and keeps it once the answer comes', async () => {
    const tab = new Tab();
    const id = openThenDie(tab);
    const reloaded = tab.load();
    const other = reloaded.id();
    expect(other).not.toBe(id);
    await answered();
    expect(reloaded.id()).toBe(other);
  });

  it('starts another after a crash in a browser without BroadcastChannel, where a copy cannot be told from it', () => {
    const tab = new Tab(null);
    const id = openThenDie(tab);
    expect(tab.load().id()).not.toBe(id);
  });

  it('takes its id back in a page loaded again after the browser discarded it (which had no pagehide)', () => {
    const tab = new Tab();
    const id = tab.load().id();
    expect(tab.load(true).id()).toBe(id);
  });

  it('opens, back from the back-forward cache, what the pages the tab showed meanwhile left', () => {
    const tab = new Tab();
    const first = tab.load();
    const id = first.id();
    first.leave(true);
    const next = tab.load();
    expect(next.id()).toBe(id);
    next.created(id); // The visitor wrote there on the next page.
    next.leave(true);
    first.showAgain();
    expect(first.id()).not.toBe(id);
  });

  it('starts another when the kept id is a conversation already (created by a page whose answer was lost)', () => {
    const tab = new Tab();
    const page = tab.load();
    const id = page.id();
    const stored = new Set([id]); // The server created it; the page never heard, then was reloaded.
    page.leave();
    const reloaded = tab.load();
    const other = reloaded.id((known) => stored.has(known));
    expect(other).not.toBe(id);
    expect(reloaded.id((known) => stored.has(known))).toBe(other);
  });
});
