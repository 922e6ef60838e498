/**
 * The realtime side of one server instance: sockets (hub), presence, and the store's change
 * stream feeding them. `start` resolves once the change stream is open, so nothing written after
 * it is missed.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Store, StoreChange } from '../../activities/store';
import type { PluginRegistry } from '../../plugins/registry';
import type { StoreDirectory } from '../directory';
import { authenticate } from '../auth';
import type { ServerLimits } from '../deps';
import type { WidgetSettings } from '../services/widget-settings';
import type { WorkflowStarts } from '../services/workflow-start';
import { setTyping } from '../services/receipts';
import { AgentAvailability, type TeamAvailability } from './agent-availability';
import { ChangeFeed, CLOSE_TOKEN_REFUSED } from './change-feed';
import { acceptClientFrame, handleClientFrame } from './client-frames';
import type { Connection } from './connection';
import { EphemeralPublisher } from './ephemeral';
import type { OnlineSnapshot } from './events';
import { Hub } from './hub';
import { OwnWords } from './own-words';
import type { TokenBuckets } from '../rate-limit';
import { OwnersCache } from './owners';
import { PresenceFeed } from './presence-feed';
import { LocalPresence, OnlineDirectory, type PresenceKey, type PresencePerson } from './presence';
import { attachSocketServer, type SocketServer } from './socket-server';
import { StoreWatch } from './store-watch';
import { TokenSockets } from './token-sockets';

export interface RealtimeDeps {
  store: Store;
  plugins: PluginRegistry;
  directory: StoreDirectory;
  log: Logger;
  limits: ServerLimits;
  teams: TeamAvailability;
  /** Forgotten when another instance changes the website's team or settings. */
  workflowStarts: Pick<WorkflowStarts, 'forget'>;
  widgetSettings: Pick<WidgetSettings, 'forget'>;
  /** The per-IP limit REST calls take from: socket upgrades and frames take from it too. */
  ipBuckets: TokenBuckets;
  /** Hears every store change before the sockets do (the webhooks' outbox). */
  changeObserver?: StoreChangeObserver;
}

/** What follows the store's changes beside the sockets, and must know what it did not see. */
export interface StoreChangeObserver {
  /** Must not keep the stream waiting. */
  observe(change: StoreChange): void;
  /** The stream failed at `at` (ms since the epoch): nothing is observed until `streamReopened`. */
  streamFailed(at: number): void;
  streamReopened(): void;
}

/** What keeps a website's team or settings as read: told to read them afresh when any instance changes them. */
const websiteReaders = ({ workflowStarts, widgetSettings }: RealtimeDeps): { forget(websiteId: string): void } => ({
  forget: (websiteId) => {
    workflowStarts.forget(websiteId);
    widgetSettings.forget(websiteId);
  },
});

/**
 * Whose presence a socket gives; none for a backend's socket, nor for one acting as an AI assistant
 * (always online, as `GET /v1/team` says), nor for one opened with `presence=off`.
 */
const presenceKeyOf = ({ caller, presence }: Connection): PresenceKey | undefined => {
  if (presence === 'off') return undefined;
  if (caller.kind === 'visitor') return { websiteId: caller.website.id, kind: 'visitor', id: caller.visitorId };
  return caller.userId && caller.memberKind !== 'ai' ? { websiteId: caller.website.id, kind: 'user', id: caller.userId } : undefined;
};

/**
 * Who is online as the presence events that follow will change it: agents and backends see who
 * came before their socket did (the events only tell changes).
 */
const onlineIds = (people: readonly PresencePerson[]): OnlineSnapshot => ({
  visitorIds: people.filter((p) => p.kind === 'visitor').map((p) => p.id),
  userIds: people.filter((p) => p.kind === 'user').map((p) => p.id),
});

/** Beats an instance may miss restating its people before the others take it as gone. */
const SILENT_BEATS = 3;
/** Websites one expiry event names at most (it stays a small document). */
const EXPIRY_SOURCES_PER_EVENT = 500;
/** How long stopping waits for this instance's last presence words to come back from the store. */
const READ_BACK_WAIT_MS = 5_000;

export class Realtime {
  readonly hub = new Hub();
  readonly online = new OnlineDirectory();
  readonly publisher: EphemeralPublisher;
  private readonly presence = new LocalPresence();
  private readonly feed: ChangeFeed;
  private readonly presenceFeed: PresenceFeed;
  private readonly availability: AgentAvailability;
  private readonly words: OwnWords;
  private readonly storeWatch: StoreWatch;
  private readonly tokenSockets: TokenSockets;
  private sockets?: SocketServer;
  private presenceBeat?: NodeJS.Timeout;
  private stopping = false;
  /** Numbers what this instance says of presence, in order (presence.ts). */
  private presenceSeq = 0;
  private readonly owners: OwnersCache;

  constructor(private readonly deps: RealtimeDeps) {
    this.publisher = new EphemeralPublisher(deps.store);
    this.availability = new AgentAvailability(deps.teams, deps.directory, deps.log);
    this.words = new OwnWords(deps.log);
    this.owners = new OwnersCache(deps.store);
    this.presenceFeed = new PresenceFeed(this.online, this.hub, {
      instanceId: deps.store.instanceId,
      // By then every instance still alive has restated its people at least once.
      warmUntil: Date.now() + SILENT_BEATS * deps.limits.ws.heartbeatMs,
      words: this.words,
      tell: (key, online) => this.availability.changed(key.websiteId, key.id, online),
    });
    this.tokenSockets = new TokenSockets(deps.store, CLOSE_TOKEN_REFUSED, deps.log);
    this.feed = new ChangeFeed(this.hub, this.owners, deps.plugins, this.presenceFeed, deps.directory, deps.store, websiteReaders(deps), deps.log);
    const observer = deps.changeObserver;
    const onChange = observer
      ? (change: StoreChange) => {
          observer.observe(change);
          return this.feed.handle(change);
        }
      : this.feed.handle;
    this.storeWatch = new StoreWatch({
      store: deps.store,
      onChange,
      failed: (at) => observer?.streamFailed(at),
      reopened: () => this.watchingAgain(),
      log: deps.log,
    });
  }

  async start(server: Server): Promise<void> {
    const { log } = this.deps;
    await this.storeWatch.open();
    this.sockets = attachSocketServer(
      server,
      {
        authenticate: (creds) => authenticate(this.deps.directory, creds),
        onOpen: (conn) => this.onOpen(conn),
        onClose: (conn) => this.onClose(conn),
        onFrameArrived: acceptClientFrame,
        onFrame: (conn, frame, budget) => handleClientFrame({ ...this.deps, publisher: this.publisher }, conn, frame, budget),
      },
      { ...this.deps.limits.ws, ipBuckets: this.deps.ipBuckets, trustProxy: this.deps.limits.trustProxy },
      log,
    );
    this.presenceBeat = setInterval(() => this.beat(), this.deps.limits.ws.heartbeatMs);
    this.presenceBeat.unref();
  }

  /**
   * Closes every socket (their disconnects are announced), reads its last words back (so its agents
   * are told away from here, presence-feed.ts), then stops following the store.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.presenceBeat);
    await this.sockets?.close();
    this.restate();
    // A word that could not be written (the store failing as it stops) never comes back either.
    const readBack = await this.words.settled(READ_BACK_WAIT_MS);
    // Nothing read after this: a word coming back late cannot undo what is told below.
    await this.storeWatch.close();
    if (!readBack || this.words.takeUnsettled().length > 0) {
      this.deps.log.warn('presence words not read back before stopping: the team queues are told from this instance alone');
      this.presenceFeed.ownWordsLost();
    }
    await this.availability.stop();
    this.feed.stop();
  }

  /**
   * The store's stream came back after failing: the words this instance wrote before are not
   * coming back, so their websites are restated (what they changed is told after all), and every
   * socket is asked to reconnect: a client's resume sends the items it missed meanwhile, and the
   * reconnects announce presence afresh. Whom a conversation or a visitor belongs to may have
   * changed unheard (a visitor linked to a contact): those caches are read afresh, before the
   * reconnects authenticate.
   */
  private watchingAgain(): void {
    this.deps.changeObserver?.streamReopened();
    if (this.stopping) return;
    this.owners.forgetAll();
    this.deps.directory.forgetVisitors();
    this.words.loseOlderThan();
    this.restate();
    this.sockets?.restartAll();
    this.deps.log.info('watching the store again; sockets asked to reconnect');
  }

  private onOpen(conn: Connection): void {
    this.hub.add(conn);
    const { caller } = conn;
    conn.sendEvent({
      type: 'CONNECTION_ESTABLISHED',
      payload: {
        connectionId: conn.id,
        ...(caller.kind === 'visitor' ? { visitorId: caller.visitorId } : caller.userId ? { userId: caller.userId } : {}),
        resumed: conn.resumedAtConnect,
        ...(caller.kind === 'visitor' ? {} : { online: onlineIds(this.online.peopleIn(caller.website.id)) }),
      },
    });
    closeAtTokenExpiry(conn);
    void this.tokenSockets.check([conn]);
    // The team queues hear of it when the announcement comes back (presence-feed.ts).
    const key = presenceKeyOf(conn);
    if (key && this.presence.connect(key)) this.announce(key, true);
  }

  private onClose(conn: Connection): void {
    this.hub.remove(conn);
    // Whoever it typed to stops seeing it type now, not when the indicator expires.
    if (!this.stopping) {
      for (const conversationId of conn.typingIn) {
        setTyping({ ...this.deps, publisher: this.publisher }, conn.caller, conversationId, false, conn.id).catch((err: unknown) =>
          this.deps.log.debug({ err, conversationId }, 'telling a closed socket stopped typing failed'),
        );
      }
    }
    const key = presenceKeyOf(conn);
    if (key && this.presence.disconnect(key)) this.announce(key, false);
  }

  /**
   * Every heartbeat: restates this instance's people, and writes the expiry of other instances
   * silent for `SILENT_BEATS` beats (every instance lets their people go when it reads it back).
   */
  private beat(): void {
    const { store, log, limits } = this.deps;
    this.restate();
    void this.tokenSockets.check(this.sockets?.connections ?? []);
    const now = Date.now();
    const silenceMs = SILENT_BEATS * limits.ws.heartbeatMs;
    this.words.loseOlderThan(now - silenceMs);
    const silent = new Map<string, Array<{ websiteId: string; lastSeq: number }>>();
    for (const { websiteId, instanceId, lastSeq } of this.online.silentSources(now, silenceMs, store.instanceId)) {
      const sources = silent.get(instanceId) ?? [];
      sources.push({ websiteId, lastSeq });
      silent.set(instanceId, sources);
    }
    for (const [silentInstanceId, sources] of silent) {
      for (let i = 0; i < sources.length; i += EXPIRY_SOURCES_PER_EVENT) {
        this.publisher
          .presenceExpired({ instanceId: store.instanceId, silentInstanceId, sources: sources.slice(i, i + EXPIRY_SOURCES_PER_EVENT) })
          .catch((err: unknown) => log.warn({ err }, 'publishing the expiry of a silent instance failed'));
      }
    }
  }

  /** Restates the people of each website held here, and of each whose last word could not be written (maybe nobody now). */
  private restate(): void {
    const held = this.presence.byWebsite();
    for (const websiteId of this.words.takeUnsettled()) if (!held.has(websiteId)) held.set(websiteId, []);
    for (const [websiteId, people] of held) this.say(websiteId, (seq) => this.publisher.presenceRestated(websiteId, { instanceId: this.deps.store.instanceId, seq, people }));
  }

  private announce(key: PresenceKey, online: boolean): void {
    this.say(key.websiteId, (seq) => this.publisher.presence(key.websiteId, { kind: key.kind, id: key.id, online, instanceId: this.deps.store.instanceId, seq }));
  }

  /** Numbers a presence word and follows it until it comes back. */
  private say(websiteId: string, publish: (seq: number) => Promise<void>): void {
    const seq = this.presenceSeq++;
    this.words.wrote(seq, websiteId, publish(seq));
  }
}

/** A socket opened with a member token closes when the token expires, as one refused for it would. */
function closeAtTokenExpiry(conn: Connection): void {
  const token = conn.caller.kind === 'agent' ? conn.caller.token : undefined;
  if (!token) return;
  const timer = setTimeout(() => conn.ws.close(CLOSE_TOKEN_REFUSED, 'member token expired'), Math.max(0, Date.parse(token.expiresAt) - Date.now()));
  timer.unref();
  conn.ws.once('close', () => clearTimeout(timer));
}
