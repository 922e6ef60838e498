/**
 * Who has a socket open in the website: the agent socket's snapshot when it connects (which the
 * server sends again at each reconnect, so what was missed meanwhile is righted) and the presence
 * events after it.
 */
import type { ServerFrame } from '../shared/wire';

/** What a frame changed: everyone (a snapshot), or one visitor's or team member's presence. */
export type PresenceChange = { kind: 'everyone' } | { kind: 'visitor' | 'user'; id: string };

export class OnlinePeople {
  private visitors = new Set<string>();
  private users = new Set<string>();
  /** A snapshot came: the sets hold everyone, not only those who came since the socket opened. */
  snapshotTaken = false;

  /** Takes in a frame; what it changed, if anything (a frame of another kind changes nothing). */
  take(frame: ServerFrame): PresenceChange | undefined {
    switch (frame.type) {
      case 'CONNECTION_ESTABLISHED': {
        // A server of a version before the snapshot sends none: the events alone tell, as before.
        const { online } = frame.payload;
        if (!online) return undefined;
        this.visitors = new Set(online.visitorIds);
        this.users = new Set(online.userIds);
        this.snapshotTaken = true;
        return { kind: 'everyone' };
      }
      case 'visitorConnected':
      case 'visitorDisconnected':
        return changed(this.visitors, frame.payload.visitorId, frame.type === 'visitorConnected', 'visitor');
      case 'userConnected':
      case 'userDisconnected':
        return changed(this.users, frame.payload.userId, frame.type === 'userConnected', 'user');
      default:
        return undefined;
    }
  }

  isVisitorOnline(visitorId: string): boolean {
    return this.visitors.has(visitorId);
  }

  isUserOnline(userId: string): boolean {
    return this.users.has(userId);
  }
}

function changed(people: Set<string>, id: string, online: boolean, kind: 'visitor' | 'user'): PresenceChange | undefined {
  if (people.has(id) === online) return undefined;
  if (online) people.add(id);
  else people.delete(id);
  return { kind, id };
}
