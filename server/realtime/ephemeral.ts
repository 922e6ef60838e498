/**
 * The short-lived realtime events every instance relays (typing, seen, presence, visitor links and pages),
 * published through the store's ephemeral collection and read back from its change stream by
 * every instance, this one included: that read-back is the only way they reach sockets.
 */
import { z } from 'zod';
import type { EphemeralEvent, Store } from '../../activities/store';
import { MEMBER_STATUSES, type VisitorPage } from '../../domain/people';

const actorType = z.enum(['visitor', 'human', 'ai', 'system']);

export const ephemeralPayloads = {
  conversationTyping: z.object({
    conversationId: z.string(),
    actorType,
    actorId: z.string(),
    isTyping: z.boolean(),
    /** The socket that sent it, which does not hear its own typing. */
    connectionId: z.string().optional(),
  }),
  /** `lastSeenSeq` is absent from an instance of a version before it (during a rolling deploy). */
  conversationSeen: z.object({ conversationId: z.string(), actorType, actorId: z.string(), lastSeenAt: z.string(), lastSeenSeq: z.number().optional() }),
  /** `seq` numbers what an instance says of presence, in the order it said it (presence.ts). */
  presence: z.object({ kind: z.enum(['visitor', 'user']), id: z.string(), online: z.boolean(), instanceId: z.string(), seq: z.number() }),
  /** An instance's people of one website, restated every beat. */
  presenceRestated: z.object({ instanceId: z.string(), seq: z.number(), people: z.array(z.object({ kind: z.enum(['visitor', 'user']), id: z.string() })) }),
  /**
   * An instance (`instanceId`) letting go of the people of another one, in each website it has been
   * silent about since its word `lastSeq` there: one event for many websites, so a crash does not
   * cost a write per website.
   */
  presenceExpired: z.object({
    instanceId: z.string(),
    silentInstanceId: z.string(),
    sources: z.array(z.object({ websiteId: z.string(), lastSeq: z.number() })).min(1),
  }),
  visitorLinked: z.object({ visitorId: z.string(), contactId: z.string() }),
  /** The visitor's widget says they are on this page now: agents hear `visitorPageViewed`. */
  visitorPageViewed: z.object({ visitorId: z.string(), pageUrl: z.string(), pageTitle: z.string().optional(), at: z.string() }) satisfies z.ZodType<{ visitorId: string } & VisitorPage>,
  /**
   * The website's team (`memberId`: this person) or settings (lifecycle, routing, its assistant's) changed: instances read them
   * afresh, agents hear `teamUpdated`, and `userStatusChanged` when the change set the person's `status` (with its `statusSince`; an
   * instance from before it says none).
   */
  websiteChanged: z.object({ team: z.boolean(), settings: z.boolean(), memberId: z.string().optional(), status: z.enum(MEMBER_STATUSES).optional(), statusSince: z.string().optional() }),
  /** The website's saved replies changed: agents hear `savedRepliesUpdated`. */
  savedRepliesChanged: z.object({}),
  /** A person's member tokens were revoked (one, `tokenId`, or all): every instance refuses them and closes their sockets. */
  memberTokensRevoked: z.object({ memberId: z.string(), tokenId: z.string().optional() }),
  /** A webhook endpoint was made, changed or deleted: every instance reads the endpoints afresh (server/webhooks), and agents hear `webhooksUpdated`. */
  webhooksChanged: z.object({}),
};

export type EphemeralType = keyof typeof ephemeralPayloads;
export type EphemeralPayload<T extends EphemeralType> = z.output<(typeof ephemeralPayloads)[T]>;

export class EphemeralPublisher {
  constructor(private readonly store: Pick<Store, 'publishEphemeral'>) {}

  private publish(event: EphemeralEvent): Promise<void> {
    return this.store.publishEphemeral(event);
  }

  typing(websiteId: string, payload: EphemeralPayload<'conversationTyping'>): Promise<void> {
    return this.publish({ websiteId, conversationId: payload.conversationId, visibility: 'public', type: 'conversationTyping', payload });
  }

  seen(websiteId: string, payload: EphemeralPayload<'conversationSeen'>): Promise<void> {
    return this.publish({ websiteId, conversationId: payload.conversationId, visibility: 'public', type: 'conversationSeen', payload });
  }

  presence(websiteId: string, payload: EphemeralPayload<'presence'>): Promise<void> {
    return this.publish({ websiteId, visibility: 'private', type: 'presence', payload });
  }

  presenceRestated(websiteId: string, payload: EphemeralPayload<'presenceRestated'>): Promise<void> {
    return this.publish({ websiteId, visibility: 'private', type: 'presenceRestated', payload });
  }

  /** Filed under its first website; it names each. */
  presenceExpired(payload: EphemeralPayload<'presenceExpired'>): Promise<void> {
    return this.publish({ websiteId: payload.sources[0]!.websiteId, visibility: 'private', type: 'presenceExpired', payload });
  }

  visitorLinked(websiteId: string, payload: EphemeralPayload<'visitorLinked'>): Promise<void> {
    return this.publish({ websiteId, visibility: 'private', type: 'visitorLinked', payload });
  }

  visitorPageViewed(websiteId: string, payload: EphemeralPayload<'visitorPageViewed'>): Promise<void> {
    return this.publish({ websiteId, visibility: 'private', type: 'visitorPageViewed', payload });
  }

  websiteChanged(websiteId: string, payload: EphemeralPayload<'websiteChanged'>): Promise<void> {
    return this.publish({ websiteId, visibility: 'private', type: 'websiteChanged', payload });
  }

  savedRepliesChanged(websiteId: string): Promise<void> {
    return this.publish({ websiteId, visibility: 'private', type: 'savedRepliesChanged', payload: {} });
  }

  memberTokensRevoked(websiteId: string, payload: EphemeralPayload<'memberTokensRevoked'>): Promise<void> {
    return this.publish({ websiteId, visibility: 'private', type: 'memberTokensRevoked', payload });
  }

  webhooksChanged(websiteId: string): Promise<void> {
    return this.publish({ websiteId, visibility: 'private', type: 'webhooksChanged', payload: {} });
  }
}
