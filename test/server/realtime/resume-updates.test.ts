/**
 * An item's update must not reach a client before the item itself: while a socket resumes a
 * conversation, its live items wait for the backfill, and so do their updates (a quick reply
 * answered while the socket's resume was queued behind a long one used to arrive as an update of
 * an item the client had not been sent yet).
 */
import { describe, expect, it, vi } from 'vitest';
import type { StoreChange } from '../../../activities/store';
import type { TimelineItem } from '../../../domain';
import { ChangeFeed } from '../../../server/realtime/change-feed';
import { Hub } from '../../../server/realtime/hub';
import { ResumeGate } from '../../../server/realtime/resume';

const item = { id: 'qr1', seq: 7, type: 'message', visibility: 'public', text: 'Pick one', author: { kind: 'human', id: 'agent' } } as unknown as TimelineItem;
const change = (type: 'itemCreated' | 'itemUpdated', text: string): StoreChange => ({
  type,
  websiteId: 'w1',
  conversationId: 'c1',
  visibility: 'public',
  item: { ...item, text } as TimelineItem,
});

/** A visitor's socket on a hub fed by the change feed. */
function visitorSocket() {
  const hub = new Hub();
  const sent: string[] = [];
  const resume = new ResumeGate();
  hub.add({ id: 'conn1', caller: { kind: 'visitor', website: { id: 'w1' }, visitorId: 'v1' }, resume, send: (frame: Buffer) => sent.push(frame.toString()) } as never);
  const feed = new ChangeFeed(
    hub,
    { get: vi.fn(async () => ({ websiteId: 'w1', visitorId: 'v1' })), set: vi.fn() } as never,
    { isVisibleTo: () => true } as never,
    {} as never,
    {} as never,
    {} as never,
    { forget: vi.fn() } as never,
    { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() } as never,
  );
  const frames = () => sent.map((text) => JSON.parse(text) as { type: string; payload: { item: { text: string } } }).map(({ type, payload }) => `${type} ${payload.item.text}`);
  return { feed, resume, frames };
}

describe('item updates and a resume', () => {
  it('holds an update while the conversation is being resumed and sends it after its item', async () => {
    const { feed, resume, frames } = visitorSocket();
    resume.begin('c1');
    await feed.handle(change('itemUpdated', 'answered'));
    await feed.handle(change('itemCreated', 'Pick one'));
    expect(frames()).toEqual([]);
    // The backfill found nothing of its own to send: what was held goes, the item first.
    const held = resume.finish('c1').map((frame) => JSON.parse(frame.toString()) as { type: string; payload: { item: { text: string } } });
    expect(held.map(({ type, payload }) => `${type} ${payload.item.text}`)).toEqual(['timelineItemCreated Pick one', 'timelineItemUpdated answered']);
    feed.stop();
  });

  it('sends an update at once when no resume is under way', async () => {
    const { feed, frames } = visitorSocket();
    await feed.handle(change('itemUpdated', 'answered'));
    expect(frames()).toEqual(['timelineItemUpdated answered']);
    feed.stop();
  });
});
