import { describe, expect, it } from 'vitest';
import { OnlinePeople } from '../../../web/inbox/online-people';
import type { ServerFrame } from '../../../web/shared/wire';

const established = (visitorIds: string[], userIds: string[] = []): ServerFrame => ({ type: 'CONNECTION_ESTABLISHED', payload: { connectionId: 'c', online: { visitorIds, userIds } } });

describe('who the inbox shows online', () => {
  it("starts from the socket's snapshot and follows the presence events after it", () => {
    const online = new OnlinePeople();
    expect(online.take(established(['vis_a'], ['usr_sam']))).toEqual({ kind: 'everyone' });
    expect([online.isVisitorOnline('vis_a'), online.isUserOnline('usr_sam'), online.snapshotTaken]).toEqual([true, true, true]);
    expect(online.take({ type: 'visitorConnected', payload: { visitorId: 'vis_b' } })).toEqual({ kind: 'visitor', id: 'vis_b' });
    expect(online.take({ type: 'userDisconnected', payload: { userId: 'usr_sam' } })).toEqual({ kind: 'user', id: 'usr_sam' });
    // Already known: nothing to draw again.
    expect(online.take({ type: 'visitorConnected', payload: { visitorId: 'vis_b' } })).toBeUndefined();
    expect([online.isVisitorOnline('vis_b'), online.isUserOnline('usr_sam')]).toEqual([true, false]);
    // Gone already: nothing to draw again.
    expect(online.take({ type: 'visitorDisconnected', payload: { visitorId: 'vis_gone' } })).toBeUndefined();
    expect(online.take({ type: 'teamUpdated', payload: { websiteId: 'web_1' } })).toBeUndefined();
  });

  it('takes the snapshot of a reconnect as it is, so a departure missed while disconnected shows', () => {
    const online = new OnlinePeople();
    online.take(established(['vis_a', 'vis_b']));
    online.take(established(['vis_b']));
    expect([online.isVisitorOnline('vis_a'), online.isVisitorOnline('vis_b')]).toEqual([false, true]);
  });

  it('follows the events alone from a server that sends no snapshot', () => {
    const online = new OnlinePeople();
    expect(online.take({ type: 'CONNECTION_ESTABLISHED', payload: { connectionId: 'c' } })).toBeUndefined();
    online.take({ type: 'visitorConnected', payload: { visitorId: 'vis_a' } });
    expect([online.isVisitorOnline('vis_a'), online.snapshotTaken]).toEqual([true, false]);
  });
});
