/**
 * Where each visitor's widget said they were last, as the inbox knows it: read once per visitor as
 * their conversation is shown (again after a reconnect, which may have missed word of it), and
 * moved on by the socket's `visitorPageViewed`. The newest word wins, whichever arrives first.
 */
import type { ApiClient } from '../shared/api-client';
import type { VisitorPage } from '../shared/wire';

export class VisitorPages {
  private readonly pages = new Map<string, VisitorPage>();
  /** Visitors read since the last connect: a failed read (an instance of a version before the route) is not asked again until then. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly api: Pick<ApiClient, 'visitor'>,
    /** Told when a read brought a newer page than the one held. */
    private readonly changed: (visitorId: string) => void,
  ) {}

  get(visitorId: string): VisitorPage | undefined {
    return this.pages.get(visitorId);
  }

  /** Takes word of a visitor's page; whether it is newer than the one held. */
  take(visitorId: string, page: VisitorPage): boolean {
    const held = this.pages.get(visitorId);
    if (held && held.at >= page.at) return false;
    this.pages.set(visitorId, page);
    return true;
  }

  /** Reads the visitor's last page, unless it was read since the last connect. */
  want(visitorId: string): void {
    if (this.asked.has(visitorId)) return;
    this.asked.add(visitorId);
    this.api.visitor(visitorId).then(
      ({ visitor }) => {
        if (visitor.lastPage && this.take(visitorId, visitor.lastPage)) this.changed(visitorId);
      },
      () => undefined, // Nothing to show: the side panel says where they started.
    );
  }

  /** Word of the visitor's pages is no longer taken (their conversation left the list): read again when wanted. */
  forget(visitorId: string): void {
    this.pages.delete(visitorId);
    this.asked.delete(visitorId);
  }

  /** The socket connected again: what was said while it was down went unheard. */
  readAgain(): void {
    this.asked.clear();
  }
}
