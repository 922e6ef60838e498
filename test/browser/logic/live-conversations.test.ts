import { describe, expect, it } from 'vitest';
import { LiveConversations } from '../../../web/shared/live-conversations';
import { message, VISITOR } from './items';

const live = () => new LiveConversations({ isOwn: () => false, isReading: () => false, onChange: () => undefined, onUnknownConversation: () => undefined });

describe('LiveConversations', () => {
  it('keeps only the timeline on screen after a reconnect: the others are loaded afresh when opened', () => {
    const pages = live();
    pages.timelineOf('a').upsert(message(3, VISITOR, 'on screen', 'a'));
    pages.timelineOf('b').upsert(message(7, VISITOR, 'held before', 'b'));
    pages.keepOnlyTimeline('a');
    expect(pages.resumePoints()).toEqual([{ conversationId: 'a', afterSeq: 3 }]);
    expect(pages.timelineOf('b').items()).toEqual([]);
  });
});
