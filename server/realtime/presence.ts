/**
 * Presence. `LocalPresence` counts this instance's sockets per person, so only the first connect
 * and the last disconnect are announced. `OnlineDirectory` folds what every instance says (read
 * back from the store's ephemeral feed, in the same order on every instance) into who is online
 * anywhere: announcements of a person's first socket and last one there; every beat, a restatement
 * of all the people it holds in a website; and the expiry of an instance that stopped restating (it
 * died without saying goodbye), written by an instance that noticed the silence. A later instance
 * learns who is online from the restatements.
 *
 * An instance numbers what it says (`seq`), because two of its writes to the store may be read
 * back in either order: what is said with a lower number than the latest word on a person (or
 * than the last restatement) is old news and changes nothing.
 *
 * It also keeps, per agent, the source whose word made their last coming or going anywhere, until
 * that source's instance has surely read the word back (presence-feed.ts tells why).
 */
export interface PresenceKey {
  websiteId: string;
  kind: 'visitor' | 'user';
  id: string;
}

/** A person within a website. */
export type PresencePerson = Pick<PresenceKey, 'kind' | 'id'>;

const keyOf = ({ websiteId, kind, id }: PresenceKey) => `${websiteId}/${kind}/${id}`;
const personOf = ({ kind, id }: PresencePerson) => `${kind}/${id}`;
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

/** What one instance has said about one website's people. */
interface Source {
  instanceId: string;
  websiteId: string;
  heardAt: number;
  /** The highest number heard from it about this website, taken in or not (see `expireSource`). */
  lastSeq: number;
  /** The number of its last restatement taken in. */
  restatedSeq: number;
  /** The people it holds, by `personOf`. */
  held: Map<string, PresenceKey>;
  /**
   * Announcements newer than that restatement, by person (their number, and when heard): older
   * news about them is ignored. Kept until a restatement covers them or for as long as an instance
   * may stay silent: nothing older can still be on its way.
   */
  announced: Map<string, { seq: number; at: number }>;
  /**
   * The agents whose last coming or going anywhere its words made, by person, in the order they
   * were heard (`at`). Kept until its instance is heard, in any website, a silence window later (it
   * read them back by then), it lets go of the agent, or it is expired (`expireSource`).
   */
  changed: Map<string, { key: PresenceKey; at: number }>;
}

/** An other instance's website that it has not spoken of for too long while holding people there (or see `silentSources`). */
export interface SilentSource {
  websiteId: string;
  instanceId: string;
  /** The last number heard from it there: its expiry is void if it said anything newer meanwhile. */
  lastSeq: number;
}

/** Who came online anywhere and who is online nowhere now, after taking something in. */
export interface PresenceChanges {
  arrived: PresenceKey[];
  gone: PresenceKey[];
}

/** An expiry's changes, and the agents whose last coming or going the expired source's words made. */
export interface Expiry extends PresenceChanges {
  /** Its instance may have died before reading those words back, so before telling them. */
  maybeUntold: PresenceKey[];
}

export class OnlineDirectory {
  private readonly sources = new Map<string, Source>();
  /** Website → person (`personOf`) → the instances holding them: a website's people are read on every agent socket's opening. */
  private readonly online = new Map<string, Map<string, { person: PresencePerson; instances: Set<string> }>>();
  /** Agent → the source whose word made their last coming or going (`Source.changed`). */
  private readonly lastChangedBy = new Map<string, Source>();

  /** An instance's announcement: the person's first socket there opened, or its last one closed. */
  announce(key: PresenceKey, instanceId: string, isOnline: boolean, seq: number, at = Date.now()): PresenceChanges {
    const source = this.heard(instanceId, key.websiteId, seq, at);
    const person = personOf(key);
    const changes: PresenceChanges = { arrived: [], gone: [] };
    if (seq <= source.restatedSeq || seq <= (source.announced.get(person)?.seq ?? -1)) return changes;
    source.announced.set(person, { seq, at });
    if (isOnline) this.hold(source, key, changes);
    else this.release(source, person, changes);
    this.made(source, changes);
    return changes;
  }

  /** An instance restating all the people of a website it holds. */
  restate(websiteId: string, instanceId: string, people: readonly PresencePerson[], seq: number, at = Date.now()): PresenceChanges {
    const source = this.heard(instanceId, websiteId, seq, at);
    const changes: PresenceChanges = { arrived: [], gone: [] };
    if (seq <= source.restatedSeq) return changes;
    source.restatedSeq = seq;
    const newer = (person: string) => (source.announced.get(person)?.seq ?? -1) > seq;
    const stated = new Set(people.map(personOf));
    for (const person of people) if (!newer(personOf(person))) this.hold(source, { websiteId, ...person }, changes);
    for (const person of [...source.held.keys()]) if (!stated.has(person) && !newer(person)) this.release(source, person, changes);
    for (const [person, announced] of source.announced) if (announced.seq <= seq) source.announced.delete(person);
    this.made(source, changes);
    return changes;
  }

  /**
   * The websites where another instance has said nothing for `silenceMs` while holding people
   * there, or while silent everywhere and maybe not having read back its last agents' changes (this
   * one's own people are its sockets, silent or not). Their expiry is decided in the stream
   * (`expireSource`), so every instance lets them go at the same word; what needs no decision is
   * forgotten here: silent sources with neither, announcements heard that long ago (nothing older
   * can still arrive), and the agents' changes an instance was heard a silence window after (it
   * read them back meanwhile).
   */
  silentSources(now: number, silenceMs: number, ownInstanceId: string): SilentSource[] {
    // When each instance was last heard, in any website (this one is alive).
    const lastHeard = new Map<string, number>([[ownInstanceId, now]]);
    for (const { instanceId, heardAt } of this.sources.values()) lastHeard.set(instanceId, Math.max(lastHeard.get(instanceId) ?? heardAt, heardAt));
    const silent: SilentSource[] = [];
    for (const [k, source] of this.sources) {
      for (const [person, announced] of source.announced) if (now - announced.at > silenceMs) source.announced.delete(person);
      const instanceHeardAt = lastHeard.get(source.instanceId)!;
      for (const [person, { at }] of source.changed) {
        if (instanceHeardAt - at < silenceMs) break;
        this.forget(source, person);
      }
      if (now - source.heardAt <= silenceMs) continue;
      if (source.held.size === 0 && source.changed.size === 0) this.sources.delete(k);
      // Changes of an instance still heard elsewhere are forgotten above once it was heard long enough.
      else if (source.instanceId !== ownInstanceId && (source.held.size > 0 || now - instanceHeardAt > silenceMs))
        silent.push({ websiteId: source.websiteId, instanceId: source.instanceId, lastSeq: source.lastSeq });
    }
    return silent;
  }

  /**
   * An instance's expiry of another one's website, written by `writer` and read from the stream:
   * its people there are let go, unless it said something newer than `lastSeq` there since (it was
   * slow, not gone). The agents who go anywhere are the writer's changes (`Source.changed`); the
   * others whose last coming or going the expired source made are `maybeUntold`.
   */
  expireSource(websiteId: string, instanceId: string, lastSeq: number, writer: string, at = Date.now()): Expiry {
    const expiry: Expiry = { arrived: [], gone: [], maybeUntold: [] };
    const k = sourceOf(instanceId, websiteId);
    const source = this.sources.get(k);
    if (!source || source.lastSeq > lastSeq) return expiry;
    const changed = [...source.changed.values()];
    for (const person of [...source.held.keys()]) this.release(source, person, expiry);
    this.drop(k, source);
    if (expiry.gone.length > 0) this.made(this.heard(writer, websiteId, -1, at), expiry);
    const gone = new Set(expiry.gone.map(keyOf));
    expiry.maybeUntold = changed.map(({ key }) => key).filter((key) => !gone.has(keyOf(key)));
    return expiry;
  }

  /** Lets go of everyone an instance holds (this one, stopping without reading back its last words). */
  releaseInstance(instanceId: string): PresenceChanges {
    const changes: PresenceChanges = { arrived: [], gone: [] };
    for (const [k, source] of this.sources) {
      if (source.instanceId !== instanceId) continue;
      for (const person of [...source.held.keys()]) this.release(source, person, changes);
      this.drop(k, source);
    }
    return changes;
  }

  isOnline(key: PresenceKey): boolean {
    return this.online.get(key.websiteId)?.has(personOf(key)) ?? false;
  }

  /** Everyone online anywhere in a website, as far as the words read back so far tell. */
  peopleIn(websiteId: string): PresencePerson[] {
    return [...(this.online.get(websiteId)?.values() ?? [])].map(({ person }) => person);
  }

  /** The instance's source for the website, as it speaks there with `seq`. */
  private heard(instanceId: string, websiteId: string, seq: number, at: number): Source {
    const k = sourceOf(instanceId, websiteId);
    let source = this.sources.get(k);
    if (!source) {
      source = { instanceId, websiteId, heardAt: at, lastSeq: seq, restatedSeq: -1, held: new Map(), announced: new Map(), changed: new Map() };
      this.sources.set(k, source);
    }
    source.heardAt = Math.max(source.heardAt, at);
    source.lastSeq = Math.max(source.lastSeq, seq);
    return source;
  }

  private hold(source: Source, key: PresenceKey, changes: PresenceChanges): void {
    const person = personOf(key);
    source.held.set(person, key);
    const people = this.online.get(key.websiteId) ?? new Map<string, { person: PresencePerson; instances: Set<string> }>();
    const entry = people.get(person) ?? { person: { kind: key.kind, id: key.id }, instances: new Set<string>() };
    if (entry.instances.size === 0) changes.arrived.push(key);
    entry.instances.add(source.instanceId);
    people.set(person, entry);
    this.online.set(key.websiteId, people);
  }

  private release(source: Source, person: string, changes: PresenceChanges): void {
    const key = source.held.get(person);
    if (!key) return;
    source.held.delete(person);
    // By a later word of its instance, so it lived past the one that brought the agent (a departure
    // it makes is recorded anew).
    this.forget(source, person);
    const people = this.online.get(key.websiteId);
    const instances = people?.get(person)?.instances;
    if (!people || !instances) return;
    instances.delete(source.instanceId);
    if (instances.size > 0) return;
    people.delete(person);
    if (people.size === 0) this.online.delete(key.websiteId);
    changes.gone.push(key);
  }

  /** Records the agents who came or went anywhere by the source's word (heard last). */
  private made(source: Source, { arrived, gone }: PresenceChanges): void {
    for (const key of [...arrived, ...gone]) {
      if (key.kind !== 'user') continue;
      const k = keyOf(key);
      this.lastChangedBy.get(k)?.changed.delete(personOf(key));
      source.changed.set(personOf(key), { key, at: source.heardAt });
      this.lastChangedBy.set(k, source);
    }
  }

  private forget(source: Source, person: string): void {
    const change = source.changed.get(person);
    if (!change) return;
    source.changed.delete(person);
    this.lastChangedBy.delete(keyOf(change.key));
  }

  private drop(k: string, source: Source): void {
    for (const person of [...source.changed.keys()]) this.forget(source, person);
    this.sources.delete(k);
  }
}
