import { describe, expect, it } from 'vitest';
import { LiveConversations, type LiveChange } from '../../../web/shared/live-conversations';
import { loadOlder, loadTimeline } from '../../../web/shared/timeline-loader';
import { message, VISITOR } from './items';
import { pagedApi } from './paged-api';

const live = (onChange: (change: LiveChange) => void = () => undefined) =>
  new LiveConversations({ isOwn: () => false, isReading: () => false, onChange, onUnknownConversation: () => undefined });

describe('LiveConversations', () => {
  it('keeps only the timeline on screen after a reconnect: the others are loaded afresh when opened', () => {
    const pages = live();
    pages.timelineOf('a').upsert(message(3, VISITOR, 'on screen', 'a'));
    pages.timelineOf('b').upsert(message(7, VISITOR, 'held before', 'b'));
    pages.keepOnlyTimeline('a');
    expect(pages.resumePoints()).toEqual([{ conversationId: 'a', afterSeq: 3 }]);
    expect(pages.timelineOf('b').items()).toEqual([]);
  });

  describe('#handleFrame', () => {
    const updated = (seq: number, text: string) => ({ type: 'timelineItemUpdated', payload: { conversationId: 'c1', item: message(seq, VISITOR, text) } }) as const;

    it('shows an update of an item in an older page not read yet only once that page is read, as the update has it', async () => {
      const changes: LiveChange[] = [];
      const pages = live((change) => changes.push(change));
      const timeline = pages.timelineOf('c1');
      // The update comes while the older page is on its way, read before it was made.
      const { api } = pagedApi(250, { onPage: () => timeline.loadedFrom === 151 && pages.handleFrame(updated(60, 'answered')) });
      await loadTimeline(api, timeline);
      pages.handleFrame(updated(10, 'answered'));
      expect(timeline.items()[0]?.seq).toBe(151); // Not above the newest page, with a gap between.
      expect(changes).toEqual([]);

      await loadOlder(api, timeline);
      expect(timeline.items()[0]?.seq).toBe(51);
      expect(timeline.items().find((item) => item.seq === 60)?.text).toBe('answered');
      await loadOlder(api, timeline);
      expect(timeline.items().map((item) => item.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    });
  });
});
