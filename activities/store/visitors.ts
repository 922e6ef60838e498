import type { ClientSession, Filter, MongoClient } from 'mongodb';
import { AppError } from '../../domain/errors';
import { MAX_RECENT_PAGES, type Contact, type ContactSummary, type Visitor, type VisitorPage } from '../../domain/people';
import { claimingTransaction } from './claiming-transaction';
import { isDuplicateKey } from './duplicate-key';
import { withoutInternal, type Collections, type ContactDoc, type ConversationDoc, type VisitorDoc } from './documents';
import { newId } from './ids';
import { seenId } from './unread';

export interface ContactProfile {
  externalId: string;
  email?: string;
  name?: string;
}

/** Identify runs again when the contact it would create was created meanwhile; a few times is plenty for devices racing it. */
const MAX_IDENTIFY_ATTEMPTS = 5;

/** Whose conversations a listing covers: a whole website, or what one visitor may see. */
export interface ConversationScope {
  websiteId: string;
  visitor?: Pick<Visitor, 'id' | 'contactId'>;
}

/**
 * The conversations a scope covers. A linked visitor sees its contact's conversations: every
 * conversation of a linked visitor carries the contactId (see `identifyContact` and
 * `createConversation`), so one equality on contactId covers them all and stays indexable.
 */
export function scopeFilter({ websiteId, visitor }: ConversationScope): Filter<ConversationDoc> {
  if (!visitor) return { websiteId };
  return visitor.contactId ? { websiteId, contactId: visitor.contactId } : { websiteId, visitorId: visitor.id };
}

/** Whether a conversation belongs to what this visitor may see (the same rule as `scopeFilter`). */
export function isInVisitorScope(conversation: { visitorId: string; contactId?: string }, visitor: Pick<Visitor, 'id' | 'contactId'>): boolean {
  return visitor.contactId ? conversation.contactId === visitor.contactId : conversation.visitorId === visitor.id;
}

const linkedToAnother = () =>
  new AppError('ERR_CONFLICT', 'This visitor is linked to another contact; a device that signs in as someone else starts with a new visitor id (GET /v1/websites without X-Visitor-Id)');

export function visitorMethods(client: MongoClient, { visitors, contacts, conversations, seen }: Collections) {
  /** The visitor's own marks of seen become the contact's too (never moving one back), so every device of the contact agrees. */
  async function shareSeenMarks(websiteId: string, visitorId: string, contactId: string): Promise<void> {
    // Before it was linked, a visitor could mark only its own conversations.
    const own = await conversations.find({ websiteId, visitorId }, { projection: { _id: 1 } }).toArray();
    const visitorViewer = { kind: 'visitor' as const, id: visitorId };
    const marks = await seen.find({ _id: { $in: own.map(({ _id }) => seenId(_id, visitorViewer)) } }).toArray();
    if (marks.length === 0) return;
    const contactViewer = { kind: 'contact' as const, id: contactId };
    await seen.bulkWrite(
      marks.map(({ conversationId, lastSeenSeq, lastSeenAt, base }) => ({
        updateOne: {
          filter: { _id: seenId(conversationId, contactViewer) },
          update: { $max: { lastSeenSeq, lastSeenAt, ...(base === undefined ? {} : { base }) }, $setOnInsert: { conversationId, viewer: contactViewer } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /**
   * Updates the contact known by `externalId`, or creates it, in `session`'s transaction. Not one
   * upsert with `$setOnInsert: {_id}`: the embedded server refuses to set `_id` that way (MongoDB
   * allows it). A contact another request created meanwhile is a duplicate key error here, which
   * ends the transaction (`identifyContact` runs it again).
   */
  async function saveContact(websiteId: string, { externalId, ...details }: ContactProfile, now: string, session: ClientSession): Promise<ContactDoc> {
    const updated = await contacts.findOneAndUpdate({ websiteId, externalId }, { $set: { ...details, updatedAt: now } }, { session, returnDocument: 'after' });
    if (updated) return updated;
    const id = newId('ct');
    const created: ContactDoc = { _id: id, id, websiteId, externalId, ...details, createdAt: now, updatedAt: now };
    await contacts.insertOne(created, { session });
    return created;
  }

  /**
   * Saves the contact and links the visitor to it, in one transaction that claims the visitor's
   * document first (claimingTransaction): of two identifies of one visitor at once, the second
   * runs once the first has committed, finds the visitor linked, and is refused having written
   * nothing. A request that loses never changes a contact.
   */
  function linkVisitor(websiteId: string, visitorId: string, profile: ContactProfile, now: string): Promise<{ contact: ContactDoc; visitor: VisitorDoc }> {
    return claimingTransaction(client, async (session) => {
      const current = await visitors.findOneAndUpdate({ _id: visitorId, websiteId }, { $set: { lastSeenAt: now } }, { session, returnDocument: 'after' });
      if (!current) throw new AppError('ERR_NOT_FOUND', 'unknown visitor');
      const known = current.contactId === undefined ? null : await contacts.findOne({ _id: current.contactId }, { session, projection: { externalId: 1 } });
      if (known && known.externalId !== profile.externalId) throw linkedToAnother();
      const contact = await saveContact(websiteId, profile, now, session);
      const visitor = await visitors.findOneAndUpdate({ _id: visitorId }, { $set: { contactId: contact.id } }, { session, returnDocument: 'after' });
      return { contact, visitor: visitor! };
    });
  }

  return {
    /** Creates the visitor (with a new `vis_…` id when none is given) or touches its lastSeenAt. */
    async upsertVisitor(websiteId: string, visitorId?: string): Promise<Visitor> {
      const now = new Date().toISOString();
      const id = visitorId ?? newId('vis');
      try {
        const doc = await visitors.findOneAndUpdate(
          { _id: id, websiteId },
          { $set: { lastSeenAt: now }, $setOnInsert: { id, websiteId, createdAt: now } },
          { upsert: true, returnDocument: 'after' },
        );
        return withoutInternal<Visitor>(doc!);
      } catch (error) {
        // The filter missed but the _id exists: the id belongs to a visitor of another website.
        if (isDuplicateKey(error)) throw new AppError('ERR_CONFLICT', 'visitor id belongs to another website');
        throw error;
      }
    },

    /** The visitor with this id in this website, or null. */
    async getVisitor(websiteId: string, visitorId: string): Promise<Visitor | null> {
      const doc = await visitors.findOne({ _id: visitorId, websiteId });
      return doc && withoutInternal<Visitor>(doc);
    },

    /**
     * Notes the page the visitor is on; a page told earlier (another tab's word that took longer) does
     * not replace a later one. Whether it was kept (false: a later one was, or there is no such visitor).
     * A page other than the last one is added to the front of `recentPages`; the same page told again
     * (the widget tells it on every reconnect) only moves `lastPage.at`.
     */
    async setVisitorPage(websiteId: string, visitorId: string, page: VisitorPage): Promise<boolean> {
      const notLater = { $or: [{ lastPage: { $exists: false } }, { 'lastPage.at': { $lte: page.at } }] };
      // The same page as the last, and already in the history (a visitor kept before there was one is not).
      const toldAgain = { 'lastPage.pageUrl': page.pageUrl, 'lastPage.pageTitle': page.pageTitle ?? { $exists: false }, recentPages: { $exists: true } };
      const again = () => visitors.updateOne({ _id: visitorId, websiteId, $and: [notLater, toldAgain] }, { $set: { 'lastPage.at': page.at } });
      if ((await again()).matchedCount === 1) return true;
      const { matchedCount } = await visitors.updateOne(
        { _id: visitorId, websiteId, $and: [notLater, { $nor: [toldAgain] }] },
        { $set: { lastPage: page }, $push: { recentPages: { $each: [page], $position: 0, $slice: MAX_RECENT_PAGES } } },
      );
      // Neither: a later page was kept, or the same page was just added by a word told at the same time (two tabs, a restart's reconnects).
      return matchedCount === 1 || (await again()).matchedCount === 1;
    },

    /** The contact with this id, or null. */
    async getContact(contactId: string): Promise<Contact | null> {
      const doc = await contacts.findOne({ _id: contactId });
      return doc && withoutInternal<Contact>(doc);
    },

    /** The website's contacts among these ids, summed up for the team (one read), by id. */
    async contactSummaries(websiteId: string, contactIds: readonly string[]): Promise<Map<string, ContactSummary>> {
      if (contactIds.length === 0) return new Map();
      const docs = await contacts.find({ _id: { $in: [...contactIds] }, websiteId }, { projection: { externalId: 1, name: 1, email: 1 } }).toArray();
      return new Map(docs.map(({ _id, externalId, name, email }) => [_id, { id: _id, externalId, ...(name !== undefined ? { name } : {}), ...(email !== undefined ? { email } : {}) }]));
    },

    /** The scope of what this visitor may see (its own conversations, or its contact's). */
    async visitorScope(websiteId: string, visitorId: string): Promise<ConversationScope> {
      const visitor = await visitors.findOne({ _id: visitorId, websiteId }, { projection: { contactId: 1 } });
      if (!visitor) throw new AppError('ERR_NOT_FOUND', 'unknown visitor');
      return { websiteId, visitor: { id: visitorId, contactId: visitor.contactId } };
    },

    /**
     * Creates or updates the contact known by `externalId` and links the visitor to it; the
     * visitor's conversations join the contact's, so every linked visitor sees them, and what the
     * visitor marked seen before counts for every device of the contact.
     *
     * A visitor linked to one contact is never linked to another (`409`): its id is in that
     * contact's history on every device, so whoever had the device before could read the next
     * person's conversations with it. A device that signs in as someone else starts a new visitor.
     * Of two identifies of one visitor as two people at once, one links it and the other is that
     * `409`, having changed no contact (`linkVisitor`).
     */
    async identifyContact(websiteId: string, visitorId: string, profile: ContactProfile): Promise<{ contact: Contact; visitor: Visitor }> {
      const now = new Date().toISOString();
      let linked: { contact: ContactDoc; visitor: VisitorDoc } | undefined;
      for (let attempt = 1; !linked; attempt++) {
        try {
          linked = await linkVisitor(websiteId, visitorId, profile, now);
        } catch (error) {
          // The contact was created meanwhile: update it instead (again only as often as another device can race it).
          if (!isDuplicateKey(error) || attempt >= MAX_IDENTIFY_ATTEMPTS) throw error;
        }
      }
      const contact = withoutInternal<Contact>(linked.contact);
      // Conversations already linked keep their contact: they belong to whoever the visitor was then.
      await conversations.updateMany({ websiteId, visitorId, contactId: { $exists: false } }, { $set: { contactId: contact.id } });
      await shareSeenMarks(websiteId, visitorId, contact.id);
      return { contact, visitor: withoutInternal<Visitor>(linked.visitor) };
    },
  };
}
