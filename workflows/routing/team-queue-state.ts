/**
 * One team's queue and roster, as its `teamQueueWorkflow` holds it: waiting conversations (highest
 * priority first, then first come first served) and each agent's presence, capacity and load.
 * Pure and serializable, so unit tests drive it directly and continue-as-new carries it.
 */
import { PRIORITIES, type Priority } from '../../domain/conversation';
import type { OfflineRelease } from './activity-types';

export interface QueueEntry {
  conversationId: string;
  priority: Priority;
  /** Arrival order within the queue; keeps FIFO within a priority, also when an entry is put back. */
  order: number;
  /** The person who let go of it: offered to anyone else. */
  releasedBy?: string;
  /** Not offered before this time (epoch ms, workflow time): its conversation could not be given to anyone for now. */
  notBefore?: number;
  /**
   * When it was queued (epoch ms, workflow time), kept when queued again: of conversations of one
   * priority in a person's several teams' queues, their free slot goes to the one queued first
   * (activities/ai/capacity-check.ts). Absent from entries queued before `queue-entries-dated`.
   */
  since?: number;
}

export interface AgentSlot {
  agentId: string;
  online: boolean;
  capacity: number;
  open: number;
  /** When this agent last got a conversation from the queue (an assignment counter), for fair ties. */
  lastAssigned: number;
}

/**
 * An agent the queue heard go offline (workflow time), whose open conversations go back to the
 * team once they have been away the website's grace: `askAt` is when to ask the release activity
 * next (it says whether the grace is over); absent while there is nothing to ask until a load
 * notice says they hold open conversations again (assigned by hand, reopened by the visitor).
 */
export interface OfflineAgent {
  since: number;
  askAt?: number;
}

export interface TeamQueueSnapshot {
  queue: QueueEntry[];
  agents: AgentSlot[];
  counter: number;
  /**
   * Per agent, the team revision of the newest team-change notice taken; one without a slot was told
   * it left the team. Absent while there is none (and in runs before notices carried revisions).
   */
  revisions?: Record<string, number>;
  /** Agents gone offline, by id; absent while there is none (and in runs before `releases-offline-assignees`). */
  offline?: Record<string, OfflineAgent>;
}

/**
 * What the `teamQueueState` query answers: the state, and the offer under way, whose conversation
 * is out of the line meanwhile (activities/ai/waiting-elsewhere.ts reads it). Absent between offers.
 */
export interface TeamQueueView extends TeamQueueSnapshot {
  offering?: Assignment;
}

/** An offline agent's release to ask for now: who, and how long they have been away. */
export type DueRelease = { agentId: string; offlineForMs: number };

/** How long from `now` until the soonest of `times` still ahead; undefined when none is. */
function soonestAfter(now: number, times: ReadonlyArray<number | undefined>): number | undefined {
  const ahead = times.flatMap((time) => (time !== undefined && time > now ? [time - now] : []));
  return ahead.length > 0 ? Math.min(...ahead) : undefined;
}

export interface Assignment {
  entry: QueueEntry;
  agentId: string;
}

const rank = (priority: Priority): number => PRIORITIES.indexOf(priority);

export class TeamQueueState {
  private queue: QueueEntry[];
  private readonly agents: Map<string, AgentSlot>;
  private counter: number;
  private readonly revisions: Map<string, number>;
  private readonly offline: Map<string, OfflineAgent>;
  /**
   * Per agent, how many load and availability notices this run took: an offer's outcome is judged
   * against what the queue heard while it ran. Not carried: the run that makes an offer handles its outcome.
   */
  private readonly heard = new Map<string, number>();

  constructor(snapshot: TeamQueueSnapshot = { queue: [], agents: [], counter: 0 }) {
    this.queue = [...snapshot.queue];
    this.agents = new Map(snapshot.agents.map((agent) => [agent.agentId, { ...agent }]));
    this.counter = snapshot.counter;
    this.revisions = new Map(Object.entries(snapshot.revisions ?? {}));
    this.offline = new Map(Object.entries(snapshot.offline ?? {}).map(([agentId, away]) => [agentId, { ...away }]));
  }

  /**
   * Queues a conversation, dated `since` if given. Queuing it again keeps its place in line (and
   * date) and gives it the priority it has now (each notice carries the conversation's priority
   * when it was sent), raised or, with `takesLower`, lowered; without (queues started before that,
   * replaying) it only ever raises it.
   */
  enqueue(conversationId: string, priority: Priority, releasedBy?: string, { takesLower = false, since }: { takesLower?: boolean; since?: number } = {}): void {
    const existing = this.queue.find((entry) => entry.conversationId === conversationId);
    if (existing) {
      if (rank(priority) > rank(existing.priority) || takesLower) existing.priority = priority;
      return;
    }
    this.queue.push({ conversationId, priority, order: this.tick(), ...(releasedBy === undefined ? {} : { releasedBy }), ...(since === undefined ? {} : { since }) });
  }

  /** Whether queuing the conversation at `priority` would lower the priority of its entry. */
  lowers(conversationId: string, priority: Priority): boolean {
    const existing = this.queue.find((entry) => entry.conversationId === conversationId);
    return existing !== undefined && rank(priority) < rank(existing.priority);
  }

  /** Takes a conversation out of the line (assigned elsewhere, resolved). */
  withdraw(conversationId: string): void {
    this.queue = this.queue.filter((entry) => entry.conversationId !== conversationId);
  }

  /** `revision`, here and below: that of a team-change notice (see `takes`); none on presence and load notices. */
  agentAvailable(agentId: string, capacity: number, revision?: number): void {
    if (!this.takes(agentId, revision)) return;
    const agent = this.agent(agentId);
    agent.online = true;
    agent.capacity = capacity;
    this.offline.delete(agentId);
    this.hear(agentId);
  }

  agentUnavailable(agentId: string, revision?: number): void {
    if (this.takes(agentId, revision)) this.agent(agentId).online = false;
  }

  /** The agent left the team (or this team): the queue forgets them. */
  agentRemoved(agentId: string, revision?: number): void {
    if (!this.takes(agentId, revision)) return;
    this.agents.delete(agentId);
    this.offline.delete(agentId); // the removal itself let go of their conversations
  }

  /**
   * The agent's last socket closed (after `agentUnavailable` took it): from `now` the grace runs,
   * and the release activity is asked at once how long it is. A repeated notice (an expiry told
   * again) keeps the first time. Not for an agent marked away for refusing work: still connected.
   */
  wentOffline(agentId: string, now: number): void {
    if (this.agents.get(agentId)?.online !== false || this.offline.has(agentId)) return;
    this.offline.set(agentId, { since: now, askAt: now });
  }

  /** An offline agent holds open conversations again (a load notice): the release activity is asked again. */
  heldWhileOffline(agentId: string, open: number, now: number): void {
    const away = this.offline.get(agentId);
    if (away && open > 0 && away.askAt === undefined) away.askAt = now;
  }

  /** The offline agent whose release is due at `now`, if any, with how long they have been away. */
  releaseDue(now: number): DueRelease | undefined {
    for (const [agentId, away] of this.offline) if (away.askAt !== undefined && away.askAt <= now) return { agentId, offlineForMs: now - away.since };
    return undefined;
  }

  /** Takes the due release (see `releaseDue`): nothing more is asked for them until it is answered or a load notice comes. */
  takeRelease(now: number): DueRelease | undefined {
    const due = this.releaseDue(now);
    if (due) delete this.offline.get(due.agentId)!.askAt;
    return due;
  }

  /** What the release activity said: not yet, ask again then; released or never, nothing until a load notice. */
  releaseAnswered(agentId: string, answer: OfflineRelease, now: number): void {
    const away = this.offline.get(agentId); // gone when the agent came back meanwhile
    if (!away || answer.outcome !== 'not_yet') return;
    away.askAt = Math.min(away.askAt ?? Infinity, now + answer.inMs);
  }

  /** How long from `now` until a release is to be asked; undefined when none waits for a time. */
  nextReleaseIn(now: number): number | undefined {
    return soonestAfter(now, [...this.offline.values()].map(({ askAt }) => askAt));
  }

  /** The agent's open conversations, as counted by the store (the source of truth). */
  agentLoad(agentId: string, open: number, revision?: number): void {
    if (!this.takes(agentId, revision)) return;
    this.agent(agentId).open = Math.max(0, open);
    this.hear(agentId);
  }

  /** How many load and availability notices about the agent this run took so far (see `agentFull`). */
  heardOf(agentId: string): number {
    return this.heard.get(agentId) ?? 0;
  }

  /**
   * Takes the next conversation off the line together with the agent to give it to: the
   * highest-priority, longest-waiting conversation; the online agent under capacity with the fewest
   * open conversations (ties: who got one longest ago, then id). Undefined when nobody can take one.
   */
  takeNext(now: number): Assignment | undefined {
    const next = this.peekNext(now);
    if (next) this.withdraw(next.entry.conversationId);
    return next;
  }

  /** What `takeNext` would return at `now`, without taking it. */
  peekNext(now: number): Assignment | undefined {
    const agents = [...this.agents.values()]
      .filter((a) => a.online && a.open < a.capacity)
      .sort((a, b) => a.open - b.open || a.lastAssigned - b.lastAssigned || (a.agentId < b.agentId ? -1 : 1));
    if (agents.length === 0) return undefined; // nobody can take one: the line need not be sorted
    // In line order, the first conversation someone may take (one let go of waits for another agent).
    for (const entry of [...this.queue].sort((a, b) => rank(b.priority) - rank(a.priority) || a.order - b.order)) {
      if (entry.notBefore !== undefined && entry.notBefore > now) continue;
      const agent = agents.find((a) => a.agentId !== entry.releasedBy);
      if (agent) return { entry, agentId: agent.agentId };
    }
    return undefined;
  }

  /** The conversation went to the agent: count it until the store's next load report. */
  assigned({ agentId }: Assignment, heardBefore?: number): void {
    const agent = this.agent(agentId);
    // A load notice that came while the offer ran holds the store's count, most likely with this
    // assignment in it: counting it again would leave the agent looking full with room to spare,
    // and nothing offered to them until their load next changed. One that did not have it yet only
    // lets an offer too many through, which the assign's capacity check refuses (agent_full).
    if (heardBefore === undefined || this.heardOf(agentId) === heardBefore) agent.open += 1;
    agent.lastAssigned = this.tick();
  }

  /** The agent could not take it after all: the agent is marked away, the conversation goes back in line. */
  agentRefused({ entry, agentId }: Assignment): void {
    this.agentUnavailable(agentId);
    this.putBack(entry);
  }

  /**
   * The agent was not given it (`full`): at capacity, as the store counted when offered it, or given
   * a conversation of another of their teams that comes first in its slot, counted in `open`. The
   * conversation goes back in line, and the agent, still online, takes the store's load and capacity,
   * unless a notice about them came while the offer ran (`heardBefore`, what `heardOf` said when it
   * was made): that one is as new, or newer, and stands.
   */
  agentFull({ entry, agentId }: Assignment, full: { open: number; capacity: number }, heardBefore: number): void {
    const agent = this.agents.get(agentId);
    if (agent && this.heardOf(agentId) === heardBefore) {
      agent.open = full.open;
      agent.capacity = full.capacity;
    }
    this.putBack(entry);
  }

  /** Back in line at its old place, but offered again only from `notBefore` on (the others are served meanwhile). */
  putBackFrom(entry: QueueEntry, notBefore: number): void {
    this.putBack({ ...entry, notBefore });
  }

  /** How long from `now` until an entry held back may be offered again; undefined when none is held back. */
  nextOfferIn(now: number): number | undefined {
    return soonestAfter(now, this.queue.map((entry) => entry.notBefore));
  }

  /** Back in line at its old place (its `order` is kept), unless it was queued again meanwhile. */
  putBack(entry: QueueEntry): void {
    if (!this.queue.some((e) => e.conversationId === entry.conversationId)) this.queue.push(entry);
  }

  get waiting(): number {
    return this.queue.length;
  }

  snapshot(): TeamQueueSnapshot {
    return {
      queue: this.queue.map((e) => ({ ...e })),
      agents: [...this.agents.values()].map((a) => ({ ...a })),
      counter: this.counter,
      ...(this.revisions.size > 0 ? { revisions: Object.fromEntries(this.revisions) } : {}),
      ...(this.offline.size > 0 ? { offline: Object.fromEntries([...this.offline].map(([agentId, away]) => [agentId, { ...away }])) } : {}),
    };
  }

  /**
   * Whether a notice about the agent is news. One after a change of the team (with the revision it
   * was read at) is, unless the queue took one of a newer revision: changes made on several
   * instances are told from each, in no order. One without (presence, load) is, unless the newest
   * team change took the agent off this team: it comes from an instance that read the person
   * before that change, and a person who joins again comes with a newer team change. Taking a
   * team-change notice records its revision as the agent's newest.
   */
  private takes(agentId: string, revision: number | undefined): boolean {
    const newest = this.revisions.get(agentId);
    if (revision === undefined) return newest === undefined || this.agents.has(agentId);
    if (newest !== undefined && revision < newest) return false;
    this.revisions.set(agentId, revision);
    return true;
  }

  private agent(agentId: string): AgentSlot {
    let agent = this.agents.get(agentId);
    if (!agent) {
      agent = { agentId, online: false, capacity: 0, open: 0, lastAssigned: 0 };
      this.agents.set(agentId, agent);
    }
    return agent;
  }

  private hear(agentId: string): void {
    this.heard.set(agentId, this.heardOf(agentId) + 1);
  }

  private tick(): number {
    this.counter += 1;
    return this.counter;
  }
}
