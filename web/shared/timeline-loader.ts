/** Fills a Timeline from the REST API, and reads its newest items again after a reconnect. */
import type { ApiClient } from './api-client';
import type { Timeline } from './timeline';

const PAGE_SIZE = 100;
/** How many of the newest items a reconnect reads again. */
const RECENT = 50;

/** Page by page after the last seq its pages brought (not the live items it holds). */
export async function loadTimeline(api: ApiClient, timeline: Timeline): Promise<void> {
  for (;;) {
    const page = await api.timeline(timeline.conversationId, { afterSeq: timeline.loadedThrough, limit: PAGE_SIZE });
    timeline.upsertAll(page.items);
    const last = page.items.at(-1);
    if (last) timeline.loadedThrough = Math.max(timeline.loadedThrough, last.seq);
    if (!page.hasNextPage || !last) return;
  }
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
