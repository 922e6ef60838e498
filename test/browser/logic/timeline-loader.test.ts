import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../web/shared/api-client';
import { Timeline } from '../../../web/shared/timeline';
import { loadTimeline, refreshRecent } from '../../../web/shared/timeline-loader';
import { message, VISITOR } from './items';

/** A conversation of `count` stored items served 100 a page, calling `onPage` as each page is read. */
function pagedApi(count: number, onPage: (afterSeq: number) => void = () => undefined) {
  const asked: number[] = [];
  const api = {
    timeline: async (_id: string, { afterSeq = 0, limit = 100 }: { afterSeq?: number; limit?: number }) => {
      asked.push(afterSeq);
      onPage(afterSeq);
      const items = Array.from({ length: Math.max(0, Math.min(limit, count - afterSeq)) }, (_, i) => message(afterSeq + i + 1, VISITOR, `m${afterSeq + i + 1}`));
      return { items, hasNextPage: afterSeq + items.length < count, nextCursor: null };
    },
  } as unknown as ApiClient;
  return { api, asked };
}

describe('loadTimeline', () => {
  it('loads every page even when a live item newer than all of them arrives meanwhile', async () => {
    const timeline = new Timeline('c1');
    const { api, asked } = pagedApi(150, (afterSeq) => {
      if (afterSeq === 0) timeline.upsert(message(151, VISITOR, 'live')); // the socket is faster than the first page
    });
    await loadTimeline(api, timeline);
    expect(asked).toEqual([0, 100]);
    expect(timeline.items().map((item) => item.seq)).toEqual(Array.from({ length: 151 }, (_, i) => i + 1));
  });

  it('carries on after what earlier loads brought', async () => {
    const timeline = new Timeline('c1');
    const first = pagedApi(120);
    await loadTimeline(first.api, timeline);
    const again = pagedApi(130);
    await loadTimeline(again.api, timeline);
    expect(again.asked).toEqual([120]);
    expect(timeline.items()).toHaveLength(130);
  });
});

describe('refreshRecent', () => {
  it('reads the newest items again and takes the changes a resume does not bring', async () => {
    const timeline = new Timeline('c1');
    const first = message(1, VISITOR, 'hi');
    timeline.upsertAll([first, { ...message(2, VISITOR, ''), type: 'quick_replies' }]);
    const asked: Array<{ beforeSeq?: number; limit?: number }> = [];
    const answered = { ...message(2, VISITOR, ''), type: 'quick_replies', answeredOptionId: 'yes' };
    const api = {
      timeline: async (_id: string, query: { beforeSeq?: number; limit?: number }) => {
        asked.push(query);
        return { items: [first, answered], hasNextPage: false, nextCursor: null };
      },
    } as unknown as ApiClient;
    expect(await refreshRecent(api, timeline)).toBe(true);
    expect(asked).toEqual([{ beforeSeq: 3, limit: 50 }]);
    expect(timeline.items()[1]).toMatchObject({ answeredOptionId: 'yes' });
    expect(await refreshRecent(api, timeline)).toBe(false);
  });

  it('keeps a change the socket brought while the read was on its way', async () => {
    const timeline = new Timeline('c1');
    const asked = { ...message(1, VISITOR, ''), type: 'quick_replies' };
    const answered = { ...asked, answeredOptionId: 'yes' };
    timeline.upsert(asked);
    const api = {
      timeline: async () => {
        timeline.upsert(answered); // timelineItemUpdated arrives before the read's answer
        return { items: [asked, message(2, VISITOR, 'new')], hasNextPage: false, nextCursor: null };
      },
    } as unknown as ApiClient;
    expect(await refreshRecent(api, timeline)).toBe(true);
    expect(timeline.items().map((item) => item.seq)).toEqual([1, 2]);
    expect(timeline.items()[0]).toMatchObject({ answeredOptionId: 'yes' });
  });

  it('asks nothing for a timeline that holds no items', async () => {
    const api = { timeline: async () => expect.unreachable('no request') } as unknown as ApiClient;
    expect(await refreshRecent(api, new Timeline('c1'))).toBe(false);
  });
});
