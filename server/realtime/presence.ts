/**
 * Presence. `LocalPresence` counts this instance's sockets per person, so only the first connect
 * and the last disconnect are announced. `OnlineDirectory` folds the announcements of every
 * instance (read back from the store's ephemeral feed) into who is online anywhere.
 */
export interface PresenceKey {
  websiteId: string;
  kind: 'visitor' | 'user';
  id: string;
}

const keyOf = ({ websiteId, kind, id }: PresenceKey) => `${websiteId}/${kind}/${id}`;

export class LocalPresence {
  private readonly counts = new Map<string, number>();

  /** Returns true when this is the person's first socket on this instance. */
  connect(key: PresenceKey): boolean {
    const k = keyOf(key);
    const count = (this.counts.get(k) ?? 0) + 1;
    this.counts.set(k, count);
    return count === 1;
  }

  /** Returns true when that was the person's last socket on this instance. */
  disconnect(key: PresenceKey): boolean {
    const k = keyOf(key);
    const count = (this.counts.get(k) ?? 0) - 1;
    if (count > 0) {
      this.counts.set(k, count);
      return false;
    }
    this.counts.delete(k);
    return true;
  }
}

export class OnlineDirectory {
  /** Person → instances where they have at least one socket. */
  private readonly online = new Map<string, Set<string>>();

  apply(key: PresenceKey, instanceId: string, isOnline: boolean): void {
    const k = keyOf(key);
    const instances = this.online.get(k) ?? new Set<string>();
    if (isOnline) instances.add(instanceId);
    else instances.delete(instanceId);
    if (instances.size > 0) this.online.set(k, instances);
    else this.online.delete(k);
  }

  isOnline(key: PresenceKey): boolean {
    return this.online.has(keyOf(key));
  }

  /** Whether the person has a socket on an instance other than this one. */
  isOnlineElsewhere(key: PresenceKey, instanceId: string): boolean {
    return [...(this.online.get(keyOf(key)) ?? [])].some((instance) => instance !== instanceId);
  }
}
