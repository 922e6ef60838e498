/**
 * The realtime side of one server instance: sockets (hub), presence, and the store's change
 * stream feeding them. `start` resolves once the change stream is open, so nothing written after
 * it is missed.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { ChangeWatch, Store } from '../../activities/store';
import type { PluginRegistry } from '../../plugins/registry';
import type { StoreDirectory } from '../directory';
import { authenticate } from '../auth';
import type { ServerLimits } from '../deps';
import { AgentAvailability, type TeamAvailability } from './agent-availability';
import { ChangeFeed } from './change-feed';
import { acceptClientFrame, handleClientFrame } from './client-frames';
import type { Connection } from './connection';
import { EphemeralPublisher } from './ephemeral';
import { Hub } from './hub';
import { OwnersCache } from './owners';
import { LocalPresence, OnlineDirectory, type PresenceKey } from './presence';
import { attachSocketServer, type SocketServer } from './socket-server';

export interface RealtimeDeps {
  store: Store;
  plugins: PluginRegistry;
  directory: StoreDirectory;
  log: Logger;
  limits: ServerLimits;
  teams: TeamAvailability;
}

const presenceKeyOf = ({ caller }: Connection): PresenceKey | undefined => {
  if (caller.kind === 'visitor') return { websiteId: caller.website.id, kind: 'visitor', id: caller.visitorId };
  return caller.userId ? { websiteId: caller.website.id, kind: 'user', id: caller.userId } : undefined;
};

/** Beats an instance may miss restating its people before the others take it as gone. */
const SILENT_BEATS = 3;

export class Realtime {
  readonly hub = new Hub();
  readonly online = new OnlineDirectory();
  readonly publisher: EphemeralPublisher;
  private readonly presence = new LocalPresence();
  private readonly feed: ChangeFeed;
  private readonly availability: AgentAvailability;
  private watch?: ChangeWatch;
  private sockets?: SocketServer;
  private presenceBeat?: NodeJS.Timeout;
  /** Numbers what this instance says of presence, in order (presence.ts). */
  private presenceSeq = 0;

  constructor(private readonly deps: RealtimeDeps) {
    this.publisher = new EphemeralPublisher(deps.store);
    this.availability = new AgentAvailability(deps.teams, deps.directory, deps.log);
    this.feed = new ChangeFeed(this.hub, new OwnersCache(deps.store), deps.plugins, this.online, deps.directory, deps.log, (key, online) =>
      this.availability.changed(key.websiteId, key.id, online),
    );
  }

  async start(server: Server): Promise<void> {
    const { store, log } = this.deps;
    this.watch = await store.watchChanges(this.feed.handle, { onError: (err) => log.error({ err }, 'store change stream failed') });
    this.sockets = attachSocketServer(
      server,
      {
        authenticate: (creds) => authenticate(this.deps.directory, creds),
        onOpen: (conn) => this.onOpen(conn),
        onClose: (conn) => this.onClose(conn),
        onFrameArrived: acceptClientFrame,
        onFrame: (conn, frame) => handleClientFrame({ ...this.deps, publisher: this.publisher }, conn, frame),
      },
      this.deps.limits.ws,
      log,
    );
    this.presenceBeat = setInterval(() => this.restatePresence(), this.deps.limits.ws.heartbeatMs);
    this.presenceBeat.unref();
  }

  /** Closes every socket (their disconnects are announced, agents marked away), then stops following the store. */
  async stop(): Promise<void> {
    clearInterval(this.presenceBeat);
    await this.sockets?.close();
    await this.availability.drain();
    await this.watch?.close();
    this.feed.stop();
  }

  private onOpen(conn: Connection): void {
    this.hub.add(conn);
    const { caller } = conn;
    conn.sendEvent({
      type: 'CONNECTION_ESTABLISHED',
      payload: { connectionId: conn.id, ...(caller.kind === 'visitor' ? { visitorId: caller.visitorId } : caller.userId ? { userId: caller.userId } : {}) },
    });
    const key = presenceKeyOf(conn);
    if (!key || !this.presence.connect(key)) return;
    this.announce(key, true);
    if (key.kind === 'user') this.availability.changed(key.websiteId, key.id, true);
  }

  private onClose(conn: Connection): void {
    this.hub.remove(conn);
    const key = presenceKeyOf(conn);
    if (!key || !this.presence.disconnect(key)) return;
    this.announce(key, false);
    // Another instance may still hold a socket of this agent: then the agent is still available.
    if (key.kind === 'user' && !this.online.isOnlineElsewhere(key, this.deps.store.instanceId)) this.availability.changed(key.websiteId, key.id, false);
  }

  /**
   * Every heartbeat: restates this instance's people, and forgets those of other instances silent
   * for `SILENT_BEATS` beats (their agents are then away, as if their last socket had closed).
   */
  private restatePresence(): void {
    const { store, log, limits } = this.deps;
    for (const [websiteId, people] of this.presence.byWebsite()) {
      this.publisher
        .presenceRestated(websiteId, { instanceId: store.instanceId, seq: this.presenceSeq++, people })
        .catch((err: unknown) => log.warn({ err }, 'restating presence failed'));
    }
    this.feed.expireSilentInstances(SILENT_BEATS * limits.ws.heartbeatMs, store.instanceId);
  }

  private announce(key: PresenceKey, online: boolean): void {
    this.publisher
      .presence(key.websiteId, { kind: key.kind, id: key.id, online, instanceId: this.deps.store.instanceId, seq: this.presenceSeq++ })
      .catch((err: unknown) => this.deps.log.warn({ err }, 'publishing presence failed'));
  }
}
