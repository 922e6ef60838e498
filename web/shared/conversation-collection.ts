/**
 * The conversations a page lists, kept current from socket frames: newest activity first, each
 * with the reader's unread count. Pure: pages render from `sorted()` after each change.
 */
import { PREVIEW_TYPES, UNREAD_EXEMPT_TYPES } from '../../domain/timeline';
import type { Conversation, ConversationListEntry, TimelineItem } from './wire';

const UNREAD_EXEMPT = new Set(UNREAD_EXEMPT_TYPES);
const activityOf = (c: Conversation) => c.lastTimelineItem?.createdAt ?? c.updatedAt ?? c.createdAt;

const compare = <T extends string | number>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * How `copy`'s last item compares with `held`'s: by seq (a workflow's event can be timed before a
 * message stored just ahead of it), or by activity time when either has none.
 */
function itemOrder(copy: Conversation, held: Conversation): number {
  const [a, b] = [copy.lastTimelineItem?.seq, held.lastTimelineItem?.seq];
  return a !== undefined && b !== undefined ? compare(a, b) : compare(activityOf(copy), activityOf(held));
}

/**
 * How `copy`'s lifecycle compares with `held`'s: by `stateVersion`, which moves with every change
 * the reader is shown; from a server that sends none, by update time, which for a visitor moves
 * only with the items it sees, so copies may tie (and the held one stays).
 */
function lifecycleOrder(copy: Conversation, held: Conversation): number {
  return copy.stateVersion !== undefined && held.stateVersion !== undefined ? compare(copy.stateVersion, held.stateVersion) : compare(copy.updatedAt, held.updatedAt);
}

const later = (a: string, b: string): string => (a > b ? a : b);

const isPreview = (item: TimelineItem | null | undefined): item is TimelineItem => item != null && PREVIEW_TYPES.includes(item.type);

/**
 * The newest message either copy knows of: its `lastMessage`, or its last item when that is one (a
 * lifecycle answer or a `conversationCreated` carries no `lastMessage`); undefined when neither
 * knows (a server before `lastMessage`), null when one says there is none.
 */
function newestMessage(copy: Conversation, known: Conversation): TimelineItem | null | undefined {
  return newestPreview([copy.lastMessage, known.lastMessage, copy.lastTimelineItem, known.lastTimelineItem]) ?? (copy.lastMessage === null || known.lastMessage === null ? null : undefined);
}

const newestPreview = (items: ReadonlyArray<TimelineItem | null | undefined>): TimelineItem | undefined =>
  items.filter(isPreview).reduce<TimelineItem | undefined>((a, b) => (!a || b.seq > a.seq ? b : a), undefined);

/** What a list row previews: the last message, else (nothing said yet, or a server before `lastMessage`) the last item. */
export const previewItemOf = (c: Conversation): TimelineItem | null => c.lastMessage ?? c.lastTimelineItem;

/** A conversation with a `conversationUpdated`'s fields applied; a field given as null was removed (an assignee taken off, a pause ended). */
export function withUpdates<C extends Conversation>(known: C, updates: Partial<Conversation>): C {
  const next: Record<string, unknown> = { ...(known as object), ...updates };
  for (const [field, value] of Object.entries(updates)) if (value === null) delete next[field];
  return next as unknown as C;
}

/**
 * Of a copy and the one held, each part from the newer in it: the lifecycle by `lifecycleOrder`,
 * the last item (and with it the unread count, when the copy has one) by `itemOrder`; the held one
 * itself when the copy is newer in neither, as a snapshot read before live frames that came first
 * can be (identify's list of a contact's conversations, a listing read while frames came in).
 */
function newerOf(copy: Conversation | ConversationListEntry, known: ConversationListEntry): ConversationListEntry {
  const [items, lifecycle] = [itemOrder(copy, known), lifecycleOrder(copy, known)];
  const lastMessage = newestMessage(copy, known);
  // Newer in neither, it may still say what was last said (a listing after a frame that did not).
  if (items <= 0 && lifecycle <= 0) return lastMessage === undefined || lastMessage === known.lastMessage ? known : { ...known, lastMessage };
  const { lastTimelineItem } = items >= 0 ? copy : known;
  const unreadCount = 'unreadCount' in copy && items >= 0 ? copy.unreadCount : known.unreadCount;
  const merged = { ...known, ...(lifecycle >= 0 ? copy : known), updatedAt: later(copy.updatedAt, known.updatedAt), unreadCount };
  return { ...merged, ...(lastTimelineItem ? { lastTimelineItem } : {}), ...(lastMessage !== undefined ? { lastMessage } : {}) };
}

/**
 * Of an update, what the page takes. Not its last item (a write that starts or ends a wait names
 * it): that item's own frame sets it and counts it unread, and the two frames come on streams of
 * their own, either first. Not a lifecycle older than the copy held (`stateVersion`): a frame may be
 * applied to a copy read after it (the inbox's read of a conversation it did not hold). Its
 * `updatedAt` only when later.
 */
function takenOf(updates: Partial<Conversation>, known: Conversation): Partial<Conversation> {
  if (updates.stateVersion != null && known.stateVersion !== undefined && updates.stateVersion < known.stateVersion) return {};
  const { lastTimelineItem: _setByItsFrame, updatedAt, ...rest } = updates;
  return { ...rest, ...(updatedAt != null && updatedAt > known.updatedAt ? { updatedAt } : {}) };
}

export class ConversationCollection {
  private readonly byId = new Map<string, ConversationListEntry>();
  /** How many changes were made to what is held, and the count at each conversation's last one. */
  private changes = 0;
  private readonly changedAt = new Map<string, number>();

  private set(entry: ConversationListEntry): void {
    this.byId.set(entry.id, entry);
    this.changedAt.set(entry.id, ++this.changes);
  }

  /** Marks this moment for a listing about to be read: give the mark to `reset` with the listing. */
  changeMark(): number {
    return this.changes;
  }

  /**
   * Replaces everything with a fresh listing, read from `readFrom` (a `changeMark`) on. Of what it
   * has, a copy held keeps what is newer in it (`newerOf`), as frames that came while the listing
   * was read are. What it leaves out goes, unless it changed since the mark: the listing may
   * predate that change (an assignment that puts a conversation in a filtered list), and whether
   * it is shown is for the page's own filter to say. The listing's unread counts stand unless a
   * held copy has a newer item (a seen mark made on another device while this one was away told
   * nothing here).
   */
  reset(entries: readonly ConversationListEntry[], readFrom: number): void {
    const next = entries.map((entry) => {
      const known = this.byId.get(entry.id);
      if (!known) return entry;
      return { ...newerOf(entry, known), unreadCount: itemOrder(entry, known) >= 0 ? entry.unreadCount : known.unreadCount };
    });
    const listed = new Set(next.map((entry) => entry.id));
    const changedSince = [...this.byId.values()].filter((entry) => !listed.has(entry.id) && this.changedAt.get(entry.id)! > readFrom);
    this.byId.clear();
    for (const entry of [...next, ...changedSince]) this.byId.set(entry.id, entry);
    // Those gone need no mark.
    for (const id of this.changedAt.keys()) if (!this.byId.has(id)) this.changedAt.delete(id);
  }

  /** Adds or refreshes one conversation (`newerOf` the one held), keeping the unread count already known unless the copy brings one. */
  put(conversation: Conversation | ConversationListEntry): void {
    const known = this.byId.get(conversation.id);
    this.set(known ? newerOf(conversation, known) : { ...conversation, unreadCount: 'unreadCount' in conversation ? conversation.unreadCount : 0 });
  }

  get(id: string): ConversationListEntry | undefined {
    return this.byId.get(id);
  }

  /** Whether any conversation held is open (not resolved). */
  hasOpen(): boolean {
    for (const entry of this.byId.values()) if (entry.status === 'open') return true;
    return false;
  }

  /** Whether a conversation held was started by this visitor. */
  hasVisitor(visitorId: string): boolean {
    for (const entry of this.byId.values()) if (entry.visitorId === visitorId) return true;
    return false;
  }

  /** Applies a `conversationUpdated`'s fields, those it takes (`takenOf`; false when the conversation is not held). */
  update(id: string, updates: Partial<Conversation>): boolean {
    const known = this.byId.get(id);
    if (!known) return false;
    this.set(withUpdates(known, takenOf(updates, known)));
    return true;
  }

  /**
   * A new item: it becomes the last item, and counts as unread unless the reader wrote it, is
   * looking at the conversation, or it is bookkeeping (as the server counts). False when the
   * conversation is not held (the page should fetch it).
   */
  addItem(item: TimelineItem, options: { ownItem: boolean; beingRead: boolean }): boolean {
    const known = this.byId.get(item.conversationId);
    if (!known) return false;
    const newer = !known.lastTimelineItem || item.seq > known.lastTimelineItem.seq;
    const unread = !options.ownItem && !options.beingRead && newer && !UNREAD_EXEMPT.has(item.type);
    // The last item it held may be the last message, which a copy without `lastMessage` left unsaid.
    const lastMessage = newestPreview([item, known.lastMessage, known.lastTimelineItem]);
    this.set({
      ...known,
      lastTimelineItem: newer ? item : known.lastTimelineItem,
      ...(lastMessage ? { lastMessage } : {}),
      unreadCount: options.beingRead ? 0 : known.unreadCount + (unread ? 1 : 0),
    });
    return true;
  }

  markRead(id: string): void {
    this.update(id, { unreadCount: 0 } as Partial<ConversationListEntry>);
  }

  /**
   * The reader marked the conversation seen elsewhere (another tab or device), up to `seq` (up to
   * its newest item when not given). Items stored after the mark stay unread: this page does not
   * know which of them count, so it keeps at most one per item after the mark.
   */
  markSeenUpTo(id: string, seq: number | undefined): void {
    const known = this.byId.get(id);
    const lastSeq = known?.lastTimelineItem?.seq;
    if (!known || !known.unreadCount) return;
    const unreadCount = seq === undefined || lastSeq === undefined || seq >= lastSeq ? 0 : Math.min(known.unreadCount, lastSeq - seq);
    this.set({ ...known, unreadCount });
  }

  /** Conversations with something unread: the widget's badge, as `unreadConversationCount` counts. */
  unreadConversations(): number {
    let count = 0;
    for (const entry of this.byId.values()) if (entry.unreadCount > 0) count++;
    return count;
  }

  sorted(): ConversationListEntry[] {
    return [...this.byId.values()].sort((a, b) => activityOf(b).localeCompare(activityOf(a)));
  }
}
