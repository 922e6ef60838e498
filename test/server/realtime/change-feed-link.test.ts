/**
 * What the sockets hear when identify links a conversation to a contact: the contact's other
 * devices get it whole with their unread count, counted as of the change they hear it by; the
 * agents and the device it was opened on get the update, whatever happens to that count's read.
 */
import { describe, expect, it, vi } from 'vitest';
import type { StoreChange } from '../../../activities/store';
import type { Delivery } from '../../../server/realtime/hub';
import { ChangeFeed } from '../../../server/realtime/change-feed';

const conversation = { id: 'c1', websiteId: 'w1', visitorId: 'v1', contactId: 'ct1', status: 'open', priority: 'medium', tags: [], lastTimelineItem: null };

/** The change stream's copy of the conversation as linked; its tally stands for two unread replies. */
const linked = {
  type: 'conversationUpdated',
  websiteId: 'w1',
  conversationId: 'c1',
  views: { all: conversation, public: conversation },
  changedFields: ['contactId'],
  unreadSource: { _id: 'c1', tally: { visitorSide: 0, teamSide: 2 } },
} as unknown as StoreChange;

/** A feed over a store that counts from a copy (`unreadCountAt`) or from the conversation as it is now. */
function feedWith(unreadCountAt: (source: { tally: { teamSide: number } }) => Promise<number>, getUnreadCount: () => Promise<number>) {
  const deliveries: Delivery[] = [];
  const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
  const store = {
    unreadCountAt: vi.fn(unreadCountAt),
    getUnreadCount: vi.fn(getUnreadCount),
    listConversations: vi.fn(),
    newestItemPicked: vi.fn(),
  };
  const feed = new ChangeFeed(
    { deliver: (delivery: Delivery) => deliveries.push(delivery) } as never,
    { set: vi.fn(), get: vi.fn() } as never,
    { isVisibleTo: () => true } as never,
    {} as never,
    {} as never,
    store as never,
    { forget: vi.fn() } as never,
    log as never,
  );
  return { feed, deliveries, log };
}

const parsed = (text: string | undefined) => JSON.parse(text ?? 'null') as { type: string; payload: { conversation?: { unreadCount?: number }; updates?: Record<string, unknown> } };

describe('a conversation joining a contact', () => {
  it("tells the contact's other devices their unread count as of the change, not counting an item stored after it (that one comes in its own frame)", async () => {
    // A third reply was stored after the change's copy: the conversation as it is now has three unread.
    const { feed, deliveries } = feedWith(
      async (source) => source.tally.teamSide,
      async () => 3,
    );
    await feed.handle(linked);
    feed.stop();
    expect(deliveries).toHaveLength(1);
    const toOtherDevices = parsed(deliveries[0]!.visitorFrame);
    expect(toOtherDevices.type).toBe('conversationCreated');
    expect(toOtherDevices.payload.conversation?.unreadCount).toBe(2);
  });

  it('still tells the agents and the device it was opened on when the unread count cannot be read, and the other devices hear the update', async () => {
    const unanswered = async (): Promise<number> => {
      throw new Error('the store does not answer');
    };
    const { feed, deliveries, log } = feedWith(unanswered, unanswered);
    await feed.handle(linked);
    feed.stop();
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(parsed(delivery!.agentFrame)).toMatchObject({ type: 'conversationUpdated', payload: { updates: { contactId: 'ct1' } } });
    expect(parsed(delivery!.ownVisitorFrame)).toMatchObject({ type: 'conversationUpdated', payload: { updates: { contactId: 'ct1' } } });
    expect(parsed(delivery!.visitorFrame).type).toBe('conversationUpdated');
    expect(log.warn).toHaveBeenCalled();
  });
});
