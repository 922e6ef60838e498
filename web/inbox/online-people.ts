/**
 * Who has a socket open in the website: the agent socket's snapshot when it connects (which the
 * server sends again at each reconnect, so what was missed meanwhile is righted) and the presence
 * events after it.
 */
import type { ServerFrame } from '../shared/wire';

export class OnlinePeople {
  private visitors = new Set<string>();
  private users = new Set<string>();
  /** A snapshot came: the sets hold everyone, not only those who came since the socket opened. */
  snapshotTaken = false;

  /** Takes in a frame; true when it changed who is online (the pages showing it are drawn again). */
  take(frame: ServerFrame): boolean {
    switch (frame.type) {
      case 'CONNECTION_ESTABLISHED': {
        // A server of a version before the snapshot sends none: the events alone tell, as before.
        const { online } = frame.payload;
        if (!online) return false;
        this.visitors = new Set(online.visitorIds);
        this.users = new Set(online.userIds);
        this.snapshotTaken = true;
        return true;
      }
      case 'visitorConnected':
        this.visitors.add(frame.payload.visitorId);
        return true;
      case 'visitorDisconnected':
        return this.visitors.delete(frame.payload.visitorId);
      case 'userConnected':
        this.users.add(frame.payload.userId);
        return true;
      case 'userDisconnected':
        return this.users.delete(frame.payload.userId);
      default:
        return false;
    }
  }

  isVisitorOnline(visitorId: string): boolean {
    return this.visitors.has(visitorId);
  }

  isUserOnline(userId: string): boolean {
    return this.users.has(userId);
  }
}
