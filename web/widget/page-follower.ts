/**
 * Follows the page the visitor is on, for the team's "Now on" beside the conversation: the page's
 * address (origin and path) and title, as the conversation's context has them, told over the
 * socket as they change. A single-page site moves without loading a page, so they are looked at
 * every second (two string comparisons); told again on every connection (its server may be another
 * instance, or one restarted). Only while the visitor has an open conversation (the team looks at
 * nobody else), and only from a tab in view: a tab behind others (whose title counts its
 * notifications, say) would tell its page again over the one the visitor is on; a tab coming into
 * view tells its page at once.
 */
import type { ClientFrame } from '../shared/wire';
import { viewedPage, type PageFacts } from './page-context';

const LOOK_EVERY_MS = 1_000;

export interface PageFollowerOptions {
  /** Sends the frame; false when the socket is not open (it is tried again at the next look). */
  send(frame: Extract<ClientFrame, { type: 'pageViewed' }>): boolean;
  /** Whether the team has a conversation to look at the visitor in. */
  wanted(): boolean;
  /** Whether this tab is the one the visitor sees. */
  inView(): boolean;
  /** The page as the browser has it now. */
  page(): Pick<PageFacts, 'href' | 'title'>;
}

export class PageFollower {
  /** The page last told, as its key: undefined when this connection was told none yet. */
  private told: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: PageFollowerOptions) {}

  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => this.look(), LOOK_EVERY_MS);
    this.look();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A new connection (whatever was told went to the one before), or this tab in view again (another may have told its page since). */
  tellAgain(): void {
    this.told = undefined;
    this.look();
  }

  /** Tells the page if it is not the one told last (now, rather than at the next look: a conversation was just created). */
  look(): void {
    if (!this.options.inView() || !this.options.wanted()) return;
    const page = viewedPage(this.options.page());
    if (!page) return;
    const key = `${page.pageUrl}\n${page.pageTitle ?? ''}`;
    if (key !== this.told && this.options.send({ type: 'pageViewed', payload: page })) this.told = key;
  }
}
