/** Fills a Timeline from the REST API, page by page after the last seq its pages brought (not the live items it holds). */
import type { ApiClient } from './api-client';
import type { Timeline } from './timeline';

const PAGE_SIZE = 100;

export async function loadTimeline(api: ApiClient, timeline: Timeline): Promise<void> {
  for (;;) {
    const page = await api.timeline(timeline.conversationId, { afterSeq: timeline.loadedThrough, limit: PAGE_SIZE });
    timeline.upsertAll(page.items);
    const last = page.items.at(-1);
    if (last) timeline.loadedThrough = Math.max(timeline.loadedThrough, last.seq);
    if (!page.hasNextPage || !last) return;
  }
}
