/**
 * Where each visitor's widget said they were last, and the pages before it, as the inbox knows them:
 * read once per visitor as their conversation is shown (again after a reconnect, which may have
 * missed word of it), and moved on by the socket's `visitorPageViewed`. The newest word wins,
 * whichever arrives first; the pages read and those heard are one list, newest first.
 */
import { MAX_RECENT_PAGES } from '../../domain/people';
import type { ApiClient } from '../shared/api-client';
import type { VisitorPage } from '../shared/wire';

/** Whether two words of a page name the same page: its address and its title. */
export const samePage = (a: VisitorPage, b: VisitorPage): boolean => a.pageUrl === b.pageUrl && a.pageTitle === b.pageTitle;

/**
 * Two lists of pages as one, newest first. The same page twice in a row is one visit (read and
 * heard, or heard told again before the read came), kept with the time it was first told.
 */
function merged(held: readonly VisitorPage[], read: readonly VisitorPage[]): VisitorPage[] {
  const visits: VisitorPage[] = [];
  for (const page of [...held, ...read].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))) {
    const newer = visits.at(-1);
    if (newer && samePage(newer, page)) visits[visits.length - 1] = page;
    else visits.push(page);
  }
  return visits.slice(0, MAX_RECENT_PAGES);
}

export class VisitorPages {
  private readonly pages = new Map<string, VisitorPage>();
  private readonly recentPages = new Map<string, VisitorPage[]>();
  /** Visitors read since the last connect: a failed read (an instance of a version before the route) is not asked again until then. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly api: Pick<ApiClient, 'visitor'>,
    /** Told when a read brought a newer page than the one held, or pages not held. */
    private readonly changed: (visitorId: string) => void,
  ) {}

  get(visitorId: string): VisitorPage | undefined {
    return this.pages.get(visitorId);
  }

  /** The pages the visitor went to, newest first (the one they are on included). */
  recent(visitorId: string): readonly VisitorPage[] {
    return this.recentPages.get(visitorId) ?? [];
  }

  /** Takes word of a visitor's page; whether it is newer than the one held. The same page told again is not another visit. */
  take(visitorId: string, page: VisitorPage): boolean {
    const held = this.pages.get(visitorId);
    if (held && held.at >= page.at) return false;
    this.pages.set(visitorId, page);
    const recent = this.recent(visitorId);
    if (!recent[0] || !samePage(recent[0], page)) this.recentPages.set(visitorId, merged([page], recent));
    return true;
  }

  /** Reads the visitor's last page and the pages before it, unless they were read since the last connect. */
  want(visitorId: string): void {
    if (this.asked.has(visitorId)) return;
    this.asked.add(visitorId);
    this.api.visitor(visitorId).then(
      ({ visitor }) => {
        const before = this.recent(visitorId);
        const recent = merged(before, visitor.recentPages ?? []);
        this.recentPages.set(visitorId, recent);
        const newer = visitor.lastPage !== undefined && this.take(visitorId, visitor.lastPage);
        if (newer || recent.length !== before.length) this.changed(visitorId);
      },
      () => undefined, // Nothing to show: the side panel says where they started.
    );
  }

  /** Word of the visitor's pages is no longer taken (their conversation left the list): read again when wanted. */
  forget(visitorId: string): void {
    this.pages.delete(visitorId);
    this.recentPages.delete(visitorId);
    this.asked.delete(visitorId);
  }

  /** The socket connected again: what was said while it was down went unheard. */
  readAgain(): void {
    this.asked.clear();
  }
}
