/**
 * A scrolling list of a conversation's items that stays pinned to the newest one while the reader
 * is at the bottom. Drawn again on every change (an item, someone typing), it replaces only the
 * items whose view changed: the others stay the same elements, so a reader's text selection, a
 * tool call they opened and the images shown are kept. A reader who scrolled up is told how many
 * new messages arrived below, with a button that takes them there; one who scrolls near the start
 * gets the older items (OlderItems), and keeps their place as they are drawn above.
 *
 * The list is a log that a screen reader reads out as items are added to it: what is news, items
 * that arrived, and not the items the conversation opened with (drawn before `opened`), the older
 * ones drawn above nor those drawn again (`quietly`). The buttons are laid over the list, outside
 * it, so what they say is not read out as the log's.
 *
 * What is no news is drawn while the log is not live (`aria-live="off"`): every screen reader
 * honours that, where many read out additions to a log marked `aria-busy` all the same (it is set
 * too, for those that heed it). The items stay in the log, where a reader moves through them as
 * they are drawn; a separate hidden announcer would say each item again in words of its own.
 */
import { focusedElementIn, h, placeChildren } from './dom';
import { ItemDrawings, type ItemDrawing } from './item-drawings';
import { describeItem, type ItemView, type ReaderContext } from './item-view';
import { OlderItems } from './older-items';
import { renderItem, type ItemActions } from './render-item';
import type { TimelineItem } from './wire';

/** Within this many pixels of the bottom counts as "reading the newest items". */
const PINNED_SLACK_PX = 48;
/** Within this many pixels of the top, the older items are asked for. */
const NEAR_START_PX = 400;

/** What someone wrote (not an event or a tool call): what the count of new messages counts. */
const WRITTEN: ReadonlySet<ItemView['kind']> = new Set(['message', 'note', 'quick_replies']);

export class TimelineView {
  /** Additions only: a time that gains its day after midnight is no news. Not live until `opened`. */
  private readonly list = h('div', { class: 'tl-list', role: 'log', 'aria-live': 'off', 'aria-busy': 'true', 'aria-relevant': 'additions' });
  /** Whether the items the conversation opened with are drawn (`opened`): the log is live from then on, but while drawing what is no news. */
  private isOpen = false;
  private readonly drawings: ItemDrawings<HTMLElement>;
  /** The items drawn, in seq order, as in the list. */
  private order: readonly ItemDrawing<HTMLElement>[] = [];
  /** Others' messages drawn below the reader since they were last at the end. */
  private newBelow = 0;
  private readonly newBelowButton = h('button', { type: 'button', class: 'tl-new-below', hidden: true, on: { click: () => this.scrollToEnd() } });
  private readonly older: OlderItems;
  /** Where the reader was as the list went out of sight (`hide`), until it is shown again. */
  private away: { atEnd: boolean; scrollTop: number } | undefined;
  /** The first item drawn when older items were last asked for: the newest of them is drawn above it. */
  private firstBeforeOlder = 0;
  /** The list, and the buttons over it. */
  readonly element: HTMLElement;
  /** Counts the drawings made `quietly`: the last one ends the quiet. */
  private quietDrawings = 0;
  /** Items arrived while the log was not live: drawn once it is, from the latest drawing asked for. */
  private arrivalsWait = false;
  private latest: { items: readonly TimelineItem[]; footer?: Node } = { items: [] };

  /** `loadOlder` reads the items before the first one held, if any, and has the page draw them; it rejects when the read failed. */
  constructor(
    private readonly context: ReaderContext,
    actions: ItemActions,
    loadOlder: () => Promise<void>,
  ) {
    this.drawings = new ItemDrawings(context, { describe: describeItem, draw: (view) => renderItem(view, actions) });
    const load = async () => {
      this.firstBeforeOlder = this.order[0]?.item.seq ?? 0;
      await loadOlder();
    };
    this.older = new OlderItems(load, () => this.focusNewestOlder());
    this.element = h('div', { class: 'tl' }, this.older.button, this.list, this.newBelowButton);
    this.list.addEventListener(
      'scroll',
      () => {
        if (this.atEnd()) this.showNewBelow(0);
        this.loadOlderNearStart();
      },
      { passive: true },
    );
  }

  render(items: readonly TimelineItem[], footer?: Node): void {
    this.latest = { items, footer };
    const lastDrawn = this.order.at(-1)?.item.seq ?? 0;
    if (!this.isOpen || (items.at(-1)?.seq ?? 0) <= lastDrawn) return void this.draw(items, footer);
    // Items arrive. Added to a log that is not live, they would never be read out: the items drawn
    // before go first (quietly, if they changed), and the arrivals once the log is live again.
    const wentQuiet = this.draw(items.filter((item) => item.seq <= lastDrawn), footer);
    if (wentQuiet || this.list.getAttribute('aria-live') !== 'polite') this.arrivalsWait = true;
    else this.draw(items, footer);
  }

  /** Draws `items`; true when that drew items up to the newest drawn before (no news), quietly. */
  private draw(items: readonly TimelineItem[], footer: Node | undefined): boolean {
    const pinned = this.atEnd();
    const lastDrawn = this.order.at(-1)?.item.seq ?? 0;
    const { drawings, drawn } = this.drawings.update(items);
    let arrived = 0;
    /** Whether items are drawn up to the newest drawn before (older ones, or ones that changed): no news. */
    let noNews = false;
    for (const { item, view } of drawn) {
      if (item.seq <= lastDrawn) noNews = true;
      else if (WRITTEN.has(view.kind) && !this.context.isOwn(item.author)) arrived++;
    }
    // A reader who scrolled up keeps the item at the top of their view where it is, whatever is drawn above it.
    const anchor = pinned ? undefined : this.firstInView();
    const anchorTop = anchor?.getBoundingClientRect().top ?? 0;
    this.order = drawings;
    if (noNews) this.quietly();
    placeChildren(this.list, [...drawings.map((d) => d.element), ...(footer ? [footer] : [])]);
    if (pinned) this.scrollToEnd();
    else this.showNewBelow(this.newBelow + arrived);
    if (anchor) this.list.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
    this.loadOlderNearStart(); // Also a timeline too short to scroll.
    return noNews;
  }

  /**
   * The items the conversation opened with are drawn (those the page held, and its newest page as
   * read): the items that arrive from now on are read out.
   */
  opened(): void {
    this.isOpen = true;
    this.quietly();
  }

  scrollToEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
    this.showNewBelow(0);
  }

  /**
   * The first item on screen before this drawing (and kept by it) that reaches into the view. The
   * items lie one below the other in seq order: a binary search finds the first that reaches below
   * the view's top, measuring a few of them on each drawing (one for every item typed or arriving).
   */
  private firstInView(): HTMLElement | undefined {
    const top = this.list.getBoundingClientRect().top;
    let [low, high] = [0, this.order.length];
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.order[middle]?.element.getBoundingClientRect().bottom ?? top) > top) high = middle;
      else low = middle + 1;
    }
    for (let i = low; i < this.order.length; i++) {
      const { item, element } = this.order[i] as ItemDrawing<HTMLElement>;
      if (this.drawings.get(item.seq)?.element === element) return element;
    }
    return undefined;
  }

  private loadOlderNearStart(): void {
    // Hidden, it reads as scrolled to the start.
    if (!this.away && this.list.scrollTop <= NEAR_START_PX) this.older.nearStart();
  }

  /**
   * Keeps the log from being live while what is drawn now reaches the screen reader, which reads
   * out no addition meanwhile: until two frames have passed (the browser reads the page for it
   * once a frame; a tab out of sight draws no frames, and is read by none), and until `opened`.
   */
  private quietly(): void {
    const drawing = ++this.quietDrawings;
    this.showLive(false);
    const end = () => {
      if (drawing !== this.quietDrawings || !this.isOpen) return;
      this.showLive(true);
      if (!this.arrivalsWait) return;
      this.arrivalsWait = false;
      this.render(this.latest.items, this.latest.footer);
    };
    requestAnimationFrame(() => requestAnimationFrame(end));
  }

  private showLive(live: boolean): void {
    this.list.setAttribute('aria-live', live ? 'polite' : 'off');
    if (live) this.list.removeAttribute('aria-busy');
    else this.list.setAttribute('aria-busy', 'true');
  }

  /** Before the list goes out of sight (a narrow screen shows the conversation's details in its place): it measures nothing while hidden. */
  hide(): void {
    this.away = { atEnd: this.atEnd(), scrollTop: this.list.scrollTop };
  }

  /** In sight again: at the end, with what came meanwhile, if the reader was there; else where they were, the new ones counted below. */
  show(): void {
    const { away } = this;
    this.away = undefined;
    if (!away) return;
    if (away.atEnd) this.scrollToEnd();
    else this.list.scrollTop = away.scrollTop;
  }

  private atEnd(): boolean {
    if (this.away) return this.away.atEnd;
    const el = this.list;
    return el.scrollHeight - el.scrollTop - el.clientHeight < PINNED_SLACK_PX;
  }

  private showNewBelow(count: number): void {
    if (count === this.newBelow) return;
    const focused = focusedElementIn(this.newBelowButton) === this.newBelowButton;
    this.newBelow = count;
    this.newBelowButton.hidden = count === 0;
    this.newBelowButton.textContent = `${count} new message${count === 1 ? '' : 's'} ↓`;
    // Hidden, the button would drop a keyboard user's focus to the page's start: it goes where the button led.
    if (focused && count === 0) this.focusItem(this.order.at(-1), { preventScroll: true });
  }

  /** Focus on the button that brought older items goes to the newest of them (the button went). */
  private focusNewestOlder(): void {
    const firstBefore = this.order.findIndex(({ item }) => item.seq >= this.firstBeforeOlder);
    this.focusItem(this.order[firstBefore - 1] ?? this.order[0]);
  }

  private focusItem(drawing: ItemDrawing<HTMLElement> | undefined, options?: FocusOptions): void {
    if (!drawing) return;
    drawing.element.tabIndex = -1;
    drawing.element.focus(options);
  }
}
