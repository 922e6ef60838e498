/**
 * Turns the store's change stream into socket deliveries. Every instance runs one, and it is the
 * only path to sockets, so an instance's own writes reach its sockets exactly once, the same way
 * other instances' writes do.
 */
import type { Logger } from 'pino';
import type { Store, StoreChange } from '../../activities/store';
import type { Conversation } from '../../domain/conversation';
import { TYPED_TYPES } from '../../domain/timeline';
import type { Viewer } from '../../domain/people';
import type { PluginRegistry } from '../../plugins/registry';
import { isTeamOnlyField, itemFor, visitorView } from '../access';
import type { StoreDirectory } from '../directory';
import { contactsShown } from '../services/contacts-shown';
import { withLastMessage } from '../services/last-message';
import { ephemeralPayloads, type EphemeralPayload } from './ephemeral';
import type { ConversationOwners, ServerEvent } from './events';
import type { Connection } from './connection';
import { contactConversationFrames, type ContactStore } from './contact-conversations';
import type { Hub } from './hub';
import { refusalCloseCode } from './socket-server';
import { ownersOf, type OwnersCache } from './owners';
import type { PresenceFeed } from './presence-feed';
import { TypingExpiry } from './typing';

/** The close code of a socket whose team member was removed; pages sign out rather than reconnect. */
export const CLOSE_REMOVED_FROM_TEAM = 4003;
/** A socket whose member token was revoked closes as a refused upgrade with a 401 does: the page stops reconnecting with it. */
export const CLOSE_TOKEN_REFUSED = refusalCloseCode(401);

type Change<T extends StoreChange['type']> = Extract<StoreChange, { type: T }>;

/** Conversation fields whose change is not news by itself (an item event already told, or nothing the reader sees changed with them). */
const QUIET_FIELDS = new Set(['lastTimelineItem', 'updatedAt', 'stateVersion']);

const frame = (event: ServerEvent): string => JSON.stringify(event);

/** The `contact` field alone, when the conversation has one shown. */
const pickContact = ({ contact }: Conversation): Partial<Conversation> => (contact ? { contact } : {});

/** The changed fields' new values (null: removed), or undefined when nothing worth telling changed. */
function updatesOf(view: Partial<Conversation>, fields: string[]): Record<string, unknown> | undefined {
  if (fields.every((field) => QUIET_FIELDS.has(field))) return undefined;
  return Object.fromEntries(fields.map((field) => [field, view[field as keyof Conversation] ?? null]));
}

const typingKey = ({ conversationId, actorType, actorId }: Pick<EphemeralPayload<'conversationTyping'>, 'conversationId' | 'actorType' | 'actorId'>): string =>
  `${conversationId}/${actorType}/${actorId}`;

interface TypingInfo {
  owners: ConversationOwners;
  payload: EphemeralPayload<'conversationTyping'>;
}

export class ChangeFeed {
  private readonly typing = new TypingExpiry<TypingInfo>(({ owners, payload }) => this.deliverTyping(owners, { ...payload, isTyping: false }));

  constructor(
    private readonly hub: Hub,
    private readonly owners: OwnersCache,
    private readonly plugins: Pick<PluginRegistry, 'isVisibleTo'>,
    private readonly presence: PresenceFeed,
    private readonly directory: Pick<StoreDirectory, 'forgetVisitor' | 'forgetMember' | 'forgetMemberTokens' | 'teamMember'>,
    private readonly store: ContactStore & Pick<Store, 'unreadCountAt' | 'contactSummaries'>,
    /** What keeps a website's team or settings as read (new workflows' input, the widget's settings). */
    private readonly websiteReaders: { forget(websiteId: string): void },
    private readonly log: Logger,
  ) {}

  stop(): void {
    this.typing.stop();
  }

  readonly handle = async (change: StoreChange): Promise<void> => {
    try {
      switch (change.type) {
        case 'itemCreated':
        case 'itemUpdated':
          return await this.onItem(change);
        case 'conversationCreated':
        case 'conversationUpdated':
          return await this.onConversation(change);
        case 'ephemeral':
          return await this.onEphemeral(change);
      }
    } catch (err) {
      this.log.error({ err, change: change.type }, 'relaying a store change failed');
    }
  };

  private async onItem(change: Change<'itemCreated' | 'itemUpdated'>): Promise<void> {
    const owners = await this.owners.get(change.conversationId);
    if (!owners) return;
    const { conversationId, item } = change;
    const type = change.type === 'itemCreated' ? 'timelineItemCreated' : 'timelineItemUpdated';
    const text = frame({ type, payload: { conversationId, item } });
    const forVisitor = itemFor('visitor', item, this.plugins);
    this.hub.deliver({
      websiteId: change.websiteId,
      owners,
      agentFrame: text,
      visitorFrame: forVisitor === item ? text : forVisitor && frame({ type, payload: { conversationId, item: forVisitor } }),
      item: { conversationId, seq: item.seq, change: change.type === 'itemCreated' ? 'created' : 'updated' },
    });
    // What its author was typing has arrived: their indicator goes at once, not when it expires.
    // Only with what people type: their other items (an AI's tool-call records, a tag's event) would
    // make the indicator flicker off and on while the reply is still being written.
    if (change.type !== 'itemCreated' || !TYPED_TYPES.includes(item.type)) return;
    const typed = this.typing.clear(typingKey({ conversationId, actorType: item.author.kind, actorId: item.author.id }));
    if (typed) this.deliverTyping(typed.owners, { ...typed.payload, isTyping: false });
  }

  private async onConversation(change: Change<'conversationCreated' | 'conversationUpdated'>): Promise<void> {
    const { conversationId, views } = change;
    const owners = ownersOf(views.all);
    this.owners.set(conversationId, owners);
    const forVisitor = visitorView(views.public, this.plugins);
    if (change.type === 'conversationCreated') {
      // Inserted before its first item (createConversation): nobody has anything in it to read yet,
      // and its items follow as `timelineItemCreated`, counted as they come.
      const forTeam = await this.withContact(change.websiteId, views.all);
      this.hub.deliver({
        websiteId: change.websiteId,
        owners,
        agentFrame: frame({ type: 'conversationCreated', payload: { conversationId, conversation: { ...forTeam, unreadCount: 0 } } }),
        visitorFrame: frame({ type: 'conversationCreated', payload: { conversationId, conversation: { ...forVisitor, unreadCount: 0 } } }),
      });
      return;
    }
    const agentUpdates = updatesOf(views.all, change.changedFields);
    if (!agentUpdates) return;
    const visitorUpdates = updatesOf(forVisitor, change.changedFields.filter((field) => !isTeamOnlyField(field)));
    const updatedFrame = visitorUpdates && frame({ type: 'conversationUpdated', payload: { conversationId, updates: visitorUpdates } });
    // Linked to a contact (identify), it is new to the contact's other devices: they hear it whole;
    // the device it was opened on has it already, and hears the update.
    const { visitorId, contactId } = owners;
    const joinedContact = contactId !== undefined && change.changedFields.includes('contactId');
    const createdFrame = joinedContact ? await this.joinedContactFrame(change, forVisitor, { kind: 'contact', id: contactId, visitorId }) : undefined;
    // The team sees who the contact is as the conversation joins them.
    const teamUpdates = joinedContact ? { ...agentUpdates, ...pickContact(await this.withContact(change.websiteId, views.all)) } : agentUpdates;
    this.hub.deliver({
      websiteId: change.websiteId,
      owners,
      agentFrame: frame({ type: 'conversationUpdated', payload: { conversationId, updates: teamUpdates } }),
      visitorFrame: createdFrame ?? updatedFrame,
      ...(joinedContact ? { ownVisitorFrame: updatedFrame } : {}),
    });
  }

  /** The conversation with its contact shown (contacts-shown.ts: no read without one; without it should it not be read, and the frame goes all the same). */
  private async withContact(websiteId: string, conversation: Conversation): Promise<Conversation> {
    return (await contactsShown(this.store, this.log, websiteId, [conversation]))[0]!;
  }

  /**
   * What a contact's other devices hear of a conversation joining the contact: the conversation, with
   * their unread count as of this change (a read on identify's path, never a message's; an item
   * stored after the change comes in its own frame and is counted then). The marks counted include
   * those of the device it was opened on, which identify copies to the contact, perhaps not yet.
   * Should they not be read, the devices hear the update instead, which names a conversation they
   * do not know: the pages read it, or their list, again on that.
   */
  private async joinedContactFrame(
    change: Change<'conversationCreated' | 'conversationUpdated'>,
    forVisitor: Conversation,
    viewer: Extract<Viewer, { kind: 'contact' }>,
  ): Promise<string | undefined> {
    const { conversationId } = change;
    try {
      const [unreadCount, shown] = await Promise.all([this.store.unreadCountAt(change.unreadSource, viewer), withLastMessage(this.store, 'visitor', forVisitor, this.plugins)]);
      return frame({ type: 'conversationCreated', payload: { conversationId, conversation: { ...shown, unreadCount } } });
    } catch (err) {
      this.log.warn({ err, conversationId }, 'reading the unread count of a conversation joining a contact failed; the contact\'s other devices hear the update');
      return undefined;
    }
  }

  private async onEphemeral({ websiteId, event }: Change<'ephemeral'>): Promise<void> {
    switch (event.type) {
      case 'conversationTyping': {
        const payload = ephemeralPayloads.conversationTyping.parse(event.payload);
        const owners = await this.owners.get(payload.conversationId);
        if (!owners) return;
        const key = typingKey(payload);
        // Said already (stopped, expired, or ended by the typist's item): nobody is told twice.
        const wasTyping = this.typing.clear(key) !== undefined;
        if (!payload.isTyping && !wasTyping) return;
        this.typing.apply(key, payload.isTyping, { owners, payload });
        return this.deliverTyping(owners, payload);
      }
      case 'conversationSeen': {
        const payload = ephemeralPayloads.conversationSeen.parse(event.payload);
        const owners = await this.owners.get(payload.conversationId);
        if (!owners) return;
        const agentFrame = frame({ type: 'conversationSeen', payload });
        // A team member's mark may stand on a private item: its seq is not the visitor's to know.
        const { lastSeenSeq, ...withoutSeq } = payload;
        const visitorFrame = payload.actorType === 'visitor' ? agentFrame : frame({ type: 'conversationSeen', payload: withoutSeq });
        return this.hub.deliver({ websiteId, owners, agentFrame, visitorFrame });
      }
      // Agents hear of a person coming and going anywhere, not of each instance's share of its
      // sockets: a visitor whose tab on one instance closes is still there through another.
      case 'presence':
        return this.presence.announced(websiteId, ephemeralPayloads.presence.parse(event.payload));
      case 'presenceRestated':
        return this.presence.restated(websiteId, ephemeralPayloads.presenceRestated.parse(event.payload));
      case 'presenceExpired':
        return this.presence.expired(ephemeralPayloads.presenceExpired.parse(event.payload));
      case 'visitorLinked': {
        const { visitorId, contactId } = ephemeralPayloads.visitorLinked.parse(event.payload);
        // The visitor's next request here authenticates with its contact, whichever instance linked it.
        this.directory.forgetVisitor(websiteId, visitorId);
        const linked = this.hub.linkContact(websiteId, visitorId, contactId);
        // Read after the link, so a conversation the contact opens meanwhile is heard live if not read here.
        // Not awaited: the store's other ephemeral events (typing, presence) do not wait on the read.
        if (linked.length > 0) void this.tellContactConversations(linked);
        return;
      }
      case 'visitorPageViewed':
        return this.hub.deliver({ websiteId, agentFrame: frame({ type: 'visitorPageViewed', payload: { ...ephemeralPayloads.visitorPageViewed.parse(event.payload), websiteId } }) });
      case 'websiteChanged': {
        const { team, memberId, status, statusSince } = ephemeralPayloads.websiteChanged.parse(event.payload);
        // Whichever instance made the change: requests here and new workflows read it at once.
        this.websiteReaders.forget(websiteId);
        if (team) this.hub.deliver({ websiteId, agentFrame: frame({ type: 'teamUpdated', payload: { websiteId } }) });
        if (!memberId) return;
        if (status) this.hub.deliver({ websiteId, agentFrame: frame({ type: 'userStatusChanged', payload: { userId: memberId, websiteId, status, ...(statusSince === undefined ? {} : { statusSince }) } }) });
        this.directory.forgetMember(websiteId, memberId);
        // Someone removed may hear nothing more: sockets they opened before are closed here, on every instance.
        if (!(await this.directory.teamMember(websiteId, memberId))) this.hub.closeAgent(websiteId, memberId, CLOSE_REMOVED_FROM_TEAM, 'no longer on the team');
        return;
      }
      case 'savedRepliesChanged':
        return this.hub.deliver({ websiteId, agentFrame: frame({ type: 'savedRepliesUpdated', payload: { websiteId } }) });
      case 'memberTokensRevoked': {
        const { memberId, tokenId } = ephemeralPayloads.memberTokensRevoked.parse(event.payload);
        this.directory.forgetMemberTokens(memberId);
        return this.hub.closeAgent(websiteId, memberId, CLOSE_TOKEN_REFUSED, 'member token revoked', (token) => token !== undefined && (tokenId === undefined || token.id === tokenId));
      }
      // The webhooks' outbox hears it too, and reads the endpoints again (server/webhooks).
      case 'webhooksChanged':
        return this.hub.deliver({ websiteId, agentFrame: frame({ type: 'webhooksUpdated', payload: { websiteId } }) });
      default:
        this.log.debug({ type: event.type }, 'ignoring an ephemeral event of unknown type');
    }
  }

  /** Sends sockets just linked to a contact the contact's conversations from its other devices (contact-conversations.ts). */
  private async tellContactConversations(linked: Connection[]): Promise<void> {
    const { caller } = linked[0]!;
    if (caller.kind !== 'visitor') return;
    try {
      const frames = (await contactConversationFrames(this.store, this.plugins, caller)).map((text) => Buffer.from(text));
      for (const conn of linked) for (const bytes of frames) conn.send(bytes);
    } catch (err) {
      this.log.error({ err }, "telling a visitor's sockets of its contact's conversations failed");
    }
  }

  private deliverTyping(owners: ConversationOwners, payload: EphemeralPayload<'conversationTyping'>): void {
    const { connectionId, ...wire } = payload;
    const text = frame({ type: 'conversationTyping', payload: wire });
    // The typist's own sockets (its other tabs and devices) do not hear it: a visitor's are the only
    // visitor sockets that see the conversation, and a team member's are skipped by id.
    const byVisitor = wire.actorType === 'visitor';
    this.hub.deliver({
      websiteId: owners.websiteId,
      owners,
      agentFrame: text,
      ...(byVisitor ? {} : { visitorFrame: text, exceptAgentId: wire.actorId }),
      exceptConnectionId: connectionId,
    });
  }
}
