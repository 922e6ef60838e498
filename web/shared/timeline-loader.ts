/**
 * Fills a Timeline from the REST API: its newest page first, older ones as the reader scrolls up;
 * and reads its newest items again after a reconnect.
 */
import type { ApiClient } from './api-client';
import type { Timeline } from './timeline';
import type { TimelinePage } from './wire';

const PAGE_SIZE = 100;
/** How many of the newest items a reconnect reads again. */
const RECENT = 50;
/** Before every seq: a read back from here brings the newest items. */
const NEWEST = Number.MAX_SAFE_INTEGER;

/**
 * A timeline opened for the first time gets its newest page (`loadOlder` brings the ones before).
 * One loaded before carries on page by page after the last seq its pages brought (not the live
 * items it holds).
 */
export async function loadTimeline(api: ApiClient, timeline: Timeline): Promise<void> {
  if (timeline.loadedThrough === 0) {
    const page = await readBack(api, timeline, NEWEST);
    loadedUpTo(timeline, page.items.at(-1)?.seq ?? 0);
    return;
  }
  for (;;) {
    const page = await api.timeline(timeline.conversationId, { afterSeq: timeline.loadedThrough, limit: PAGE_SIZE });
    timeline.upsertAll(page.items);
    const last = page.items.at(-1);
    if (last) loadedUpTo(timeline, last.seq);
    if (!page.hasNextPage || !last) return;
  }
}

/**
 * REST pages brought every item up to `seq`, read without a gap from the newest page on: a
 * reconnect may resume after it. (The resume mark is never below `loadedThrough`, which only this
 * moves, so a page read on after `loadedThrough` extends what the mark covers.)
 */
function loadedUpTo(timeline: Timeline, seq: number): void {
  timeline.loadedThrough = Math.max(timeline.loadedThrough, seq);
  timeline.resume.heldThrough(seq);
}

/**
 * The page before the first item loaded, when there is one, and on until one brings an item this
 * reader may see; true when the timeline changed meanwhile.
 */
export async function loadOlder(api: ApiClient, timeline: Timeline): Promise<boolean> {
  const [version, shown] = [timeline.version, timeline.items().length];
  // A page all of whose items the server keeps from this reader comes back empty: read on before it.
  while (timeline.hasOlder && timeline.items().length === shown) await readBack(api, timeline, timeline.loadedFrom);
  // Also when the pages only brought items the timeline held out of sight (changed before they were read).
  return timeline.version !== version || timeline.items().length !== shown;
}

/**
 * Reads the page before `beforeSeq` into the timeline (an item the socket changed meanwhile keeps
 * the socket's version) and notes where the next older page starts.
 */
async function readBack(api: ApiClient, timeline: Timeline, beforeSeq: number): Promise<TimelinePage> {
  const version = timeline.version;
  const page = await api.timeline(timeline.conversationId, { beforeSeq, limit: PAGE_SIZE });
  timeline.upsertRead(page.items, version);
  const edge = olderEdge(page, beforeSeq);
  if (edge === undefined) timeline.readBackTo(timeline.loadedFrom, false);
  else timeline.readBackTo(edge, page.hasPreviousPage === true);
  return page;
}

/**
 * The seq the next older page is read before: this page's first item's, or lower when nothing this
 * reader may see lies between. The server reads PAGE_SIZE items of the reader's audience before
 * `beforeSeq`, then drops those its item types keep from the reader (a page may come back empty),
 * and does not say where its reading stopped. But with older items left it read PAGE_SIZE distinct
 * seqs below `beforeSeq`, so it read every item from `beforeSeq - PAGE_SIZE + 1` on. Below the
 * newest page (`beforeSeq` NEWEST) there is no seq to count down from: an empty one ends the reading.
 */
function olderEdge(page: TimelinePage, beforeSeq: number): number | undefined {
  const first = page.items[0]?.seq;
  if (!page.hasPreviousPage || beforeSeq === NEWEST) return first;
  return Math.min(first ?? beforeSeq, beforeSeq - PAGE_SIZE + 1);
}

/**
 * Reads the timeline's newest items again, as they are now. A `resume` after a reconnect sends the
 * items created meanwhile but not the changes to items already held (a quick reply answered on
 * another device, an AI tool call that finished): those among the newest are picked up here. An
 * item the socket changed while the read was on its way keeps the socket's version. True when anything changed.
 */
export async function refreshRecent(api: ApiClient, timeline: Timeline): Promise<boolean> {
  if (timeline.lastSeq === 0) return false;
  const version = timeline.version;
  const page = await api.timeline(timeline.conversationId, { beforeSeq: timeline.lastSeq + 1, limit: RECENT });
  return timeline.upsertRead(page.items, version);
}
