/**
 * Which page of the inbox's list comes next. The list is read afresh from its first page
 * (`readFirst`: at the start, after a reconnect, on a filter change), then page by page after it
 * (`readNext`) with the cursor each page gives. The listing's cursor holds the last row's activity,
 * so a conversation that moves up meanwhile is not on a later page, and the list, kept by id, holds
 * one copy of each however it came. A page read for the list before it was read afresh is dropped,
 * failed or not: its cursor is that list's (another filter's, say).
 */
import type { ConversationListEntry, ConversationPage } from '../shared/wire';

export interface ListPagesOptions {
  /** Reads the page after `cursor` (the first without one) of the list as filtered now. */
  read(cursor?: string): Promise<ConversationPage>;
  /** Marks the start of a first page's read (`ConversationCollection.changeMark`). */
  changeMark(): number;
  /** The first page, read from the mark `readFrom` on: the list is these conversations now. */
  replace(conversations: readonly ConversationListEntry[], readFrom: number): void;
  /** A next page: these join the list. */
  add(conversations: readonly ConversationListEntry[]): void;
  /** Whether pages follow, whether one is being read or whether the last read failed changed. */
  onChange(): void;
}

export class ListPages {
  private cursor: string | null = null;
  /** Counts the fresh reads: a page asked for before the latest is dropped. */
  private generation = 0;
  private readingNext = false;
  private nextFailed = false;
  private incomplete = false;

  constructor(private readonly options: ListPagesOptions) {}

  /** Pages follow those read. */
  get hasMore(): boolean {
    return this.cursor !== null;
  }

  /** The last page read was a search's that stopped at the server's budget: the pages that follow may hold no more matches. */
  get searching(): boolean {
    return this.incomplete;
  }

  /** A next page is being read. */
  get reading(): boolean {
    return this.readingNext;
  }

  /** The last read of a next page failed (another is read when the agent asks, not on every scroll). */
  get failed(): boolean {
    return this.nextFailed;
  }

  /** Reads the list afresh from its first page (the pages read before go); throws what the read throws, unless a later read replaced it. */
  async readFirst(): Promise<void> {
    const generation = ++this.generation;
    this.cursor = null;
    this.incomplete = false;
    this.readingNext = false;
    this.nextFailed = false;
    this.options.onChange();
    const readFrom = this.options.changeMark();
    let page: ConversationPage;
    try {
      page = await this.options.read();
    } catch (error) {
      if (generation === this.generation) throw error;
      return; // A later read replaced it: its failure is not the list's.
    }
    if (generation !== this.generation) return;
    this.follow(page);
    this.options.replace(page.conversations, readFrom);
    this.options.onChange();
  }

  /**
   * Reads the page after those read, unless one is being read or none follows: its conversations
   * once added, or undefined when none was read (or it was dropped). Throws what the read throws.
   */
  async readNext(): Promise<readonly ConversationListEntry[] | undefined> {
    const { cursor, generation } = this;
    if (cursor === null || this.readingNext) return undefined;
    this.readingNext = true;
    this.nextFailed = false;
    this.options.onChange();
    try {
      const page = await this.options.read(cursor);
      if (generation !== this.generation) return undefined;
      this.follow(page);
      this.options.add(page.conversations);
      return page.conversations;
    } catch (error) {
      if (generation !== this.generation) return undefined;
      this.nextFailed = true;
      throw error;
    } finally {
      if (generation === this.generation) {
        this.readingNext = false;
        this.options.onChange();
      }
    }
  }

  /** What follows `page`, read now. */
  private follow(page: ConversationPage): void {
    this.cursor = page.nextCursor ?? null;
    this.incomplete = this.cursor !== null && page.searchIncomplete === true;
  }
}
