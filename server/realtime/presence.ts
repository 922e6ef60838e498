/**
 * Presence. `LocalPresence` counts this instance's sockets per person, so only the first connect
 * and the last disconnect are announced. `OnlineDirectory` folds the announcements of every
 * instance (read back from the store's ephemeral feed) into who is online anywhere. Each instance
 * also restates, every beat, the people it holds per website: an instance started later learns
 * of them, and one that stops restating (it died without saying goodbye) is forgotten.
 */
export interface PresenceKey {
  websiteId: string;
  kind: 'visitor' | 'user';
  id: string;
}

/** A person as an instance restates them, within a website. */
export type PresencePerson = Pick<PresenceKey, 'kind' | 'id'>;

const keyOf = ({ websiteId, kind, id }: PresenceKey) => `${websiteId}/${kind}/${id}`;
const sourceOf = (instanceId: string, websiteId: string) => JSON.stringify([instanceId, websiteId]);

export class LocalPresence {
  private readonly counts = new Map<string, { key: PresenceKey; sockets: number }>();

  /** Returns true when this is the person's first socket on this instance. */
  connect(key: PresenceKey): boolean {
    const k = keyOf(key);
    const entry = this.counts.get(k) ?? { key, sockets: 0 };
    entry.sockets += 1;
    this.counts.set(k, entry);
    return entry.sockets === 1;
  }

  /** Returns true when that was the person's last socket on this instance. */
  disconnect(key: PresenceKey): boolean {
    const k = keyOf(key);
    const entry = this.counts.get(k);
    if (entry && entry.sockets > 1) {
      entry.sockets -= 1;
      return false;
    }
    this.counts.delete(k);
    return true;
  }

  /** The people with a socket here, by website. */
  byWebsite(): Map<string, PresencePerson[]> {
    const people = new Map<string, PresencePerson[]>();
    for (const { key } of this.counts.values()) {
      const list = people.get(key.websiteId) ?? [];
      list.push({ kind: key.kind, id: key.id });
      people.set(key.websiteId, list);
    }
    return people;
  }
}

export class OnlineDirectory {
  /** Person → instances where they have at least one socket. */
  private readonly online = new Map<string, { key: PresenceKey; instances: Set<string> }>();
  /** When each instance last spoke of its people of a website (`sourceOf`). */
  private readonly heardAt = new Map<string, number>();

  /** An instance's announcement: the person's first socket there opened, or its last one closed. */
  apply(key: PresenceKey, instanceId: string, isOnline: boolean, at = Date.now()): void {
    this.heardAt.set(sourceOf(instanceId, key.websiteId), at);
    const k = keyOf(key);
    const entry = this.online.get(k) ?? { key, instances: new Set<string>() };
    if (isOnline) entry.instances.add(instanceId);
    else entry.instances.delete(instanceId);
    if (entry.instances.size > 0) this.online.set(k, entry);
    else this.online.delete(k);
  }

  /**
   * An instance restating the people of a website it holds; returns those who were online nowhere
   * before. It only adds: an announcement of a later connect may overtake it, so leaving is told
   * by the announcements (or by the instance falling silent).
   */
  restate(websiteId: string, instanceId: string, people: readonly PresencePerson[], at = Date.now()): PresenceKey[] {
    const arrived: PresenceKey[] = [];
    for (const person of people) {
      const key = { websiteId, ...person };
      if (!this.isOnline(key)) arrived.push(key);
      this.apply(key, instanceId, true, at);
    }
    this.heardAt.set(sourceOf(instanceId, websiteId), at);
    return arrived;
  }

  /** Forgets what instances silent about a website for `silenceMs` held there; returns who is online nowhere now. */
  expire(now: number, silenceMs: number): PresenceKey[] {
    const silent = new Set<string>();
    for (const [source, at] of this.heardAt) {
      if (now - at <= silenceMs) continue;
      silent.add(source);
      this.heardAt.delete(source);
    }
    if (silent.size === 0) return [];
    const gone: PresenceKey[] = [];
    for (const [k, { key, instances }] of this.online) {
      for (const instanceId of instances) if (silent.has(sourceOf(instanceId, key.websiteId))) instances.delete(instanceId);
      if (instances.size > 0) continue;
      this.online.delete(k);
      gone.push(key);
    }
    return gone;
  }

  isOnline(key: PresenceKey): boolean {
    return this.online.has(keyOf(key));
  }

  /** Whether the person has a socket on an instance other than this one. */
  isOnlineElsewhere(key: PresenceKey, instanceId: string): boolean {
    return [...(this.online.get(keyOf(key))?.instances ?? [])].some((instance) => instance !== instanceId);
  }
}
