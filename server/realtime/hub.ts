/**
 * The sockets connected to this instance, indexed for routing: a website's agents, and visitors by
 * visitor id and by contact id. Everything that reaches a socket goes through `deliver`.
 */
import { isInVisitorScope } from '../../activities/store';
import type { AgentCaller } from '../caller';
import type { Connection, Frame } from './connection';
import type { ConversationOwners } from './events';
import type { LiveItem } from './resume';

export interface Delivery {
  websiteId: string;
  /** The conversation's owners; absent for website-wide (agent-only) events. */
  owners?: ConversationOwners;
  /** Serialized frame for the website's agents, if they get one. */
  agentFrame?: string;
  /** Serialized frame for the audience's visitors, if they get one. */
  visitorFrame?: string;
  /** When present, what the sockets of the conversation's own visitor get instead of `visitorFrame` (undefined: nothing). */
  ownVisitorFrame?: string;
  /** For timeline items: lets a connection that is resuming hold the frame back. */
  item?: LiveItem;
  /** The connection that caused the event (it does not hear its own typing). */
  exceptConnectionId?: string;
  /** A team member none of whose sockets gets the frame (it is about their own typing). */
  exceptAgentId?: string;
}

const add = <K, V>(index: Map<K, Set<V>>, key: K, value: V) => {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
};
const remove = <K, V>(index: Map<K, Set<V>>, key: K, value: V) => {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
};

const visitorKey = (websiteId: string, visitorId: string) => `${websiteId}/${visitorId}`;
const contactKey = (websiteId: string, contactId: string) => `${websiteId}/${contactId}`;

export class Hub {
  private readonly all = new Set<Connection>();
  private readonly agents = new Map<string, Set<Connection>>();
  private readonly visitors = new Map<string, Set<Connection>>();
  private readonly contacts = new Map<string, Set<Connection>>();

  get size(): number {
    return this.all.size;
  }

  connections(): Iterable<Connection> {
    return this.all;
  }

  add(conn: Connection): void {
    this.all.add(conn);
    const { caller } = conn;
    if (caller.kind === 'agent') return add(this.agents, caller.website.id, conn);
    add(this.visitors, visitorKey(caller.website.id, caller.visitorId), conn);
    if (caller.contactId) add(this.contacts, contactKey(caller.website.id, caller.contactId), conn);
  }

  remove(conn: Connection): void {
    this.all.delete(conn);
    const { caller } = conn;
    if (caller.kind === 'agent') return remove(this.agents, caller.website.id, conn);
    remove(this.visitors, visitorKey(caller.website.id, caller.visitorId), conn);
    if (caller.contactId) remove(this.contacts, contactKey(caller.website.id, caller.contactId), conn);
  }

  /** Closes a team member's sockets (they left the team: they may hear nothing more), or those `byToken` picks by the member token they opened with. */
  closeAgent(websiteId: string, userId: string, code: number, reason: string, byToken: (token: AgentCaller['token']) => boolean = () => true): void {
    for (const conn of this.agents.get(websiteId) ?? []) {
      if (conn.caller.kind === 'agent' && conn.caller.userId === userId && byToken(conn.caller.token)) conn.ws.close(code, reason);
    }
  }

  /** A visitor was linked to a contact: its sockets now also hear the contact's conversations. Returns those it linked (not linked before). */
  linkContact(websiteId: string, visitorId: string, contactId: string): Connection[] {
    const linked: Connection[] = [];
    for (const conn of [...(this.visitors.get(visitorKey(websiteId, visitorId)) ?? [])]) {
      if (conn.caller.kind !== 'visitor' || conn.caller.contactId === contactId) continue;
      this.remove(conn);
      conn.caller = { ...conn.caller, contactId };
      this.add(conn);
      linked.push(conn);
    }
    return linked;
  }

  deliver(delivery: Delivery): void {
    const { agentFrame, visitorFrame } = delivery;
    // Encoded once here rather than by `ws` once per socket.
    const agentBytes = agentFrame === undefined ? undefined : Buffer.from(agentFrame);
    const visitorBytes = visitorFrame === undefined ? undefined : visitorFrame === agentFrame ? agentBytes : Buffer.from(visitorFrame);
    if (agentBytes) {
      for (const conn of this.agents.get(delivery.websiteId) ?? []) {
        if (delivery.exceptAgentId === undefined || conn.caller.kind !== 'agent' || conn.caller.userId !== delivery.exceptAgentId) this.send(conn, agentBytes, delivery);
      }
    }
    const own = 'ownVisitorFrame' in delivery;
    const ownBytes = delivery.ownVisitorFrame === undefined ? undefined : Buffer.from(delivery.ownVisitorFrame);
    if (!delivery.owners || (!visitorBytes && !ownBytes)) return;
    for (const conn of this.visitorSockets(delivery.owners)) {
      const bytes = own && conn.caller.kind === 'visitor' && conn.caller.visitorId === delivery.owners.visitorId ? ownBytes : visitorBytes;
      if (bytes) this.send(conn, bytes, delivery);
    }
  }

  /** The visitor sockets that may see the conversation, by the same rule as REST (`isInVisitorScope`). */
  private visitorSockets(owners: ConversationOwners): Set<Connection> {
    const { websiteId, visitorId, contactId } = owners;
    const candidates = [...(this.visitors.get(visitorKey(websiteId, visitorId)) ?? [])];
    if (contactId) candidates.push(...(this.contacts.get(contactKey(websiteId, contactId)) ?? []));
    return new Set(
      candidates.filter(({ caller }) => caller.kind === 'visitor' && isInVisitorScope(owners, { id: caller.visitorId, contactId: caller.contactId })),
    );
  }

  private send(conn: Connection, frame: Frame, delivery: Delivery): void {
    if (conn.id === delivery.exceptConnectionId) return;
    const { item } = delivery;
    if (item && !conn.resume.admitLive(item, frame)) return;
    conn.send(frame);
  }
}
