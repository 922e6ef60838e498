/** Fills a Timeline from the REST API, page by page after the last seq it holds. */
import type { ApiClient } from './api-client';
import type { Timeline } from './timeline';

const PAGE_SIZE = 100;

export async function loadTimeline(api: ApiClient, timeline: Timeline): Promise<void> {
  for (;;) {
    const page = await api.timeline(timeline.conversationId, { afterSeq: timeline.lastSeq, limit: PAGE_SIZE });
    timeline.upsertAll(page.items);
    if (!page.hasNextPage || page.items.length === 0) return;
  }
}
