import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../web/shared/api-client';
import { Timeline } from '../../../web/shared/timeline';
import { loadOlder, loadTimeline, refreshRecent } from '../../../web/shared/timeline-loader';
import { message, VISITOR } from './items';
import { pagedApi } from './paged-api';

const seqsOf = (timeline: Timeline) => timeline.items().map((item) => item.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('loadTimeline', () => {
  it('opens a timeline at its newest page, keeping a live item that arrived meanwhile', async () => {
    const timeline = new Timeline('c1');
    const { api, asked } = pagedApi(250, { onPage: () => timeline.upsert(message(251, VISITOR, 'live')) });
    await loadTimeline(api, timeline);
    expect(asked).toEqual([{ beforeSeq: Number.MAX_SAFE_INTEGER }]);
    expect(seqsOf(timeline)).toEqual(range(151, 251));
    expect(timeline).toMatchObject({ loadedFrom: 151, hasOlder: true, loadedThrough: 250 });
    // A reconnect resumes after the page, complete as read, not after the live item (which may have overtaken others).
    expect(timeline.resume.afterSeq).toBe(250);
  });

  it('carries on after what earlier loads brought', async () => {
    const timeline = new Timeline('c1');
    await loadTimeline(pagedApi(120).api, timeline);
    const again = pagedApi(130);
    await loadTimeline(again.api, timeline);
    expect(again.asked).toEqual([{ afterSeq: 120 }]);
    expect(seqsOf(timeline)).toEqual(range(21, 130));
    expect(timeline.resume.afterSeq).toBe(130);
  });
});

describe('loadOlder', () => {
  it('brings the page before the first item held, until none are left', async () => {
    const timeline = new Timeline('c1');
    const { api, asked } = pagedApi(250);
    await loadTimeline(api, timeline);
    expect(await loadOlder(api, timeline)).toBe(true);
    expect(seqsOf(timeline)).toEqual(range(51, 250));
    expect(await loadOlder(api, timeline)).toBe(true);
    expect(seqsOf(timeline)).toEqual(range(1, 250));
    expect(await loadOlder(api, timeline)).toBe(false);
    expect(asked.slice(1)).toEqual([{ beforeSeq: 151 }, { beforeSeq: 51 }]);
  });

  it('reads on past a page whose items the server all kept from the reader, to the older ones they may see', async () => {
    const timeline = new Timeline('c1');
    // Items 101 to 250 are of a type the reader may not see: the page before 251 comes back empty.
    const { api, asked } = pagedApi(350, { hidden: (seq) => seq > 100 && seq <= 250 });
    await loadTimeline(api, timeline);
    expect(await loadOlder(api, timeline)).toBe(true);
    expect(seqsOf(timeline)).toEqual([...range(52, 100), ...range(251, 350)]);
    // Before 251 the server read 151…250: nothing from 152 on is left unread, whatever it dropped.
    expect(asked.slice(1)).toEqual([{ beforeSeq: 251 }, { beforeSeq: 152 }]);
    expect(await loadOlder(api, timeline)).toBe(true);
    expect(seqsOf(timeline)).toEqual([...range(1, 100), ...range(251, 350)]);
    expect(timeline.hasOlder).toBe(false);
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
