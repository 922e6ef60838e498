/**
 * Presence words read back from the store's stream: folded into the directory (presence.ts), told
 * to this instance's agents' sockets, and, for human agents, to the team queues, which must hear
 * exactly once that an agent came (first socket anywhere) or went (last socket anywhere).
 *
 * The rule: every instance reads the same words in the same order, so every instance sees a global
 * change at the same word; **the instance that wrote that word tells the queues**, the others only
 * their sockets. A word is an announcement (a first or last socket there), a restatement (every
 * beat, the people an instance holds in a website) or an expiry (an instance's silence noticed).
 * - Last sockets closing on A and B at once: whichever offline is read first leaves the agent held
 *   by the other instance; the second one makes the change, and only its writer tells.
 * - A close overtaken by its own instance's restatement (written at the same beat, read first): the
 *   restatement makes the change, and its writer is the closing instance; the offline read later is
 *   old news. Likewise an announcement whose write failed: the next restatement of that website
 *   (written even when nobody is left there) makes the change, told by its writer.
 * - A restatement of people already held changes nothing, so nothing is told again: the away mark a
 *   queue sets on an agent who refused work stays until the agent is offline everywhere and comes
 *   back. A fresh instance learning the others' people from their restatements tells nothing.
 * - A crashed instance: each instance that notices its silence writes an expiry; the first one read
 *   lets its people go everywhere, and its writer tells; later ones find nothing left. An expiry is
 *   void when the silent instance spoke after the word it names (it was slow, not gone).
 * - A writer dying before reading its word back never tells the change it made, and the others
 *   take it as told: an agent who came through C and is held by B after C's death, or whose last
 *   close on A is A's last word. So the directory keeps, per agent, the source (instance, website)
 *   whose word made their last global change, until that instance is heard a silence window later
 *   (it read the word back by then) or lets go of the agent by a later word. Such a source is
 *   expired even when it holds nobody, once its instance is silent everywhere, and the expiry's
 *   writer tells those agents' present state again (an expiry's own departures are its writer's
 *   changes in turn). Twice told, "away" is harmless: an instance left without sockets says nothing
 *   more, so it is expired too, and its last departures told again. "Online" is told again only if
 *   the instance fell silent holding the agent less than a silence window after the arrival: if it
 *   did tell before dying, that lifts an away mark (a refusal) set since, which can happen only when
 *   it died within its read-back window.
 * - Shutdown: the instance keeps reading until its last words come back (own-words.ts), so it tells
 *   of them itself; if they do not come back in time, it tells what its own directory says they do.
 *   Words it could not write at all are left to the others' expiry.
 *
 * What is left: a new instance's directory lacks the others' people until each has restated once
 * (within a beat; its warm-up allows `SILENT_BEATS`). In that time a socket opening there of an
 * agent online elsewhere is told as an arrival (lifting a queue's away mark), and its close as a
 * departure. A departure told in warm-up is undone ("online" from this instance) when the agent
 * shows up through another instance's word; if that word was a real return, it is told twice.
 * Reading back is taken to take less than a silence window; within it, two failures still lose a
 * notice: an instance that brought an agent, let go of them (still online elsewhere) and died, all
 * before reading the arrival back; and the writer of an expiry dying before reading it back, with
 * the states it was to tell again (its departures are told again by the next expiry).
 */
import type { EphemeralPayload } from './ephemeral';
import type { Hub } from './hub';
import type { OwnWords } from './own-words';
import type { OnlineDirectory, PresenceChanges, PresenceKey } from './presence';

export interface PresenceFeedOptions {
  instanceId: string;
  /** Until then this instance may not have heard every other one restate yet. */
  warmUntil: number;
  words: Pick<OwnWords, 'readBack'>;
  /** Tells the team queues an agent came or went (`AgentAvailability.changed`). */
  tell(key: PresenceKey, online: boolean): void;
}

const keyOf = ({ websiteId, id }: PresenceKey): string => `${websiteId}/${id}`;

const frame = ({ websiteId, kind, id }: PresenceKey, online: boolean): string =>
  JSON.stringify(
    kind === 'visitor'
      ? { type: online ? 'visitorConnected' : 'visitorDisconnected', payload: { visitorId: id, websiteId } }
      : { type: online ? 'userConnected' : 'userDisconnected', payload: { userId: id, websiteId } },
  );

export class PresenceFeed {
  /** Agents this instance told away in its warm-up: maybe held by an instance it had not heard yet. */
  private readonly awayInWarmUp = new Set<string>();

  constructor(
    private readonly online: OnlineDirectory,
    private readonly hub: Pick<Hub, 'deliver'>,
    private readonly own: PresenceFeedOptions,
  ) {}

  announced(websiteId: string, { kind, id, online, instanceId, seq }: EphemeralPayload<'presence'>, now = Date.now()): void {
    if (instanceId === this.own.instanceId) this.own.words.readBack(seq);
    this.changed(this.online.announce({ websiteId, kind, id }, instanceId, online, seq, now), instanceId, now);
  }

  restated(websiteId: string, { instanceId, people, seq }: EphemeralPayload<'presenceRestated'>, now = Date.now()): void {
    if (instanceId === this.own.instanceId) this.own.words.readBack(seq);
    this.changed(this.online.restate(websiteId, instanceId, people, seq, now), instanceId, now);
  }

  expired({ instanceId, silentInstanceId, sources }: EphemeralPayload<'presenceExpired'>, now = Date.now()): void {
    for (const { websiteId, lastSeq } of sources) {
      const { maybeUntold, ...changes } = this.online.expireSource(websiteId, silentInstanceId, lastSeq, instanceId, now);
      this.changed(changes, instanceId, now);
      // The silent instance may have died before reading back, so telling, what its words changed.
      if (instanceId === this.own.instanceId) for (const key of maybeUntold) this.own.tell(key, this.online.isOnline(key));
    }
  }

  /** Shutdown, when this instance's last words did not come back in time: what they would have changed. */
  ownWordsLost(now = Date.now()): void {
    this.changed(this.online.releaseInstance(this.own.instanceId), this.own.instanceId, now);
  }

  private changed({ arrived, gone }: PresenceChanges, writer: string, now: number): void {
    for (const key of arrived) this.hub.deliver({ websiteId: key.websiteId, agentFrame: frame(key, true) });
    for (const key of gone) this.hub.deliver({ websiteId: key.websiteId, agentFrame: frame(key, false) });
    const mine = writer === this.own.instanceId;
    const warm = now >= this.own.warmUntil;
    if (warm) this.awayInWarmUp.clear();
    for (const key of arrived) {
      if (key.kind !== 'user') continue;
      const undoesAway = this.awayInWarmUp.delete(keyOf(key));
      if (mine || undoesAway) this.own.tell(key, true);
    }
    if (!mine) return;
    for (const key of gone) {
      if (key.kind !== 'user') continue;
      this.own.tell(key, false);
      if (!warm) this.awayInWarmUp.add(keyOf(key));
    }
  }
}
