import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { conversationMethods } from '../../../activities/store/conversations';
import { collectionsOf } from '../../../activities/store/documents';
import { newId } from '../../../activities/store/ids';
import { isInVisitorScope, openStore, type Store } from '../../../activities/store';
import type { Contact } from '../../../domain/people';
import { message, useStore, visitorAuthor } from './fixtures';

const ctx = useStore('visitors');

/** Runs `use` with a second store on the database, as another instance has. */
async function withSecondStore(use: (other: Store) => Promise<void>): Promise<void> {
  const other = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
  try {
    await use(other);
  } finally {
    await other.close();
  }
}

/** The contact `externalId` names on the website, read straight from the database; null when there is none. */
async function contactNamed(websiteId: string, externalId: string): Promise<Contact | null> {
  const client = await MongoClient.connect(ctx.mongo().uri);
  try {
    return await client.db(ctx.dbName).collection<Contact>('contacts').findOne({ websiteId, externalId });
  } finally {
    await client.close();
  }
}

describe('Store', () => {
  describe('#upsertVisitor', () => {
    it('creates a vis_ id when none is given', async () => {
      const visitor = await ctx.get().upsertVisitor('web_1');
      expect(visitor.id).toMatch(/^vis_[0-9a-f]{24}$/);
      expect(visitor).toMatchObject({ websiteId: 'web_1' });
      expect(await ctx.get().getVisitor('web_1', visitor.id)).toEqual(visitor);
    });

    it('keeps a given id and touches lastSeenAt on the next call', async () => {
      const first = await ctx.get().upsertVisitor('web_1', 'vis_given');
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await ctx.get().upsertVisitor('web_1', 'vis_given');
      expect(second.createdAt).toBe(first.createdAt);
      expect(second.lastSeenAt > first.lastSeenAt).toBe(true);
    });

    it('answers ERR_CONFLICT when the id belongs to another website', async () => {
      await ctx.get().upsertVisitor('web_1', 'vis_taken');
      await expect(ctx.get().upsertVisitor('web_2', 'vis_taken')).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
      expect(await ctx.get().getVisitor('web_2', 'vis_taken')).toBeNull();
    });
  });

  describe('#identifyContact', () => {
    it('links two visitors to one contact so both see all its conversations', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const phone = await store.upsertVisitor(websiteId);
      const laptop = await store.upsertVisitor(websiteId);
      const before = await store.createConversation({ websiteId, visitorId: phone.id });
      await store.appendItem(message(before.conversation.id, { author: visitorAuthor(phone.id) }));

      const first = await store.identifyContact(websiteId, phone.id, { externalId: 'user-42', email: 'a@example.com' });
      const second = await store.identifyContact(websiteId, laptop.id, { externalId: 'user-42', name: 'Ada' });
      expect(second.contact.id).toBe(first.contact.id);
      expect(second.contact).toMatchObject({ externalId: 'user-42', email: 'a@example.com', name: 'Ada' });
      expect(second.visitor.contactId).toBe(first.contact.id);

      const later = await store.createConversation({ websiteId, visitorId: laptop.id });
      for (const visitor of [phone, laptop]) {
        const scope = await store.visitorScope(websiteId, visitor.id);
        const page = await store.listConversations({ scope }, { audience: 'public' }, { limit: 10 });
        expect(page.conversations.map((c) => c.id).sort()).toEqual([before.conversation.id, later.conversation.id].sort());
      }
      const linked = (await store.getVisitor(websiteId, laptop.id))!;
      expect(isInVisitorScope((await store.getConversation(before.conversation.id))!, linked)).toBe(true);
    });

    it('never links a visitor of one contact to another, so an id from one person’s history opens nothing of the next', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const kiosk = await store.upsertVisitor(websiteId);
      const first = await store.identifyContact(websiteId, kiosk.id, { externalId: 'user-1' });
      await expect(store.identifyContact(websiteId, kiosk.id, { externalId: 'user-2', email: 'two@example.com' })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
      expect((await store.getVisitor(websiteId, kiosk.id))!.contactId).toBe(first.contact.id);
      // The same person again is fine.
      expect((await store.identifyContact(websiteId, kiosk.id, { externalId: 'user-1', name: 'Ada' })).contact).toMatchObject({ id: first.contact.id, name: 'Ada' });
      // Nothing of the refused identify was written: no contact for user-2.
      const phone = await store.upsertVisitor(websiteId);
      expect((await store.identifyContact(websiteId, phone.id, { externalId: 'user-2' })).contact.email).toBeUndefined();
    });

    it('keeps other visitors out of the contact’s conversations', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const member = await store.upsertVisitor(websiteId);
      const stranger = await store.upsertVisitor(websiteId);
      await store.identifyContact(websiteId, member.id, { externalId: 'user-1' });
      const { conversation } = await store.createConversation({ websiteId, visitorId: member.id });
      const scope = await store.visitorScope(websiteId, stranger.id);
      expect((await store.listConversations({ scope }, { audience: 'public' }, { limit: 10 })).conversations).toEqual([]);
      expect(isInVisitorScope(conversation, stranger)).toBe(false);
    });

    it('links a conversation whose creation read the visitor just before an identify', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const visitor = await store.upsertVisitor(websiteId);
      const client = await MongoClient.connect(ctx.mongo().uri, { ignoreUndefined: true });
      try {
        const collections = collectionsOf(client.db(ctx.dbName));
        // The creation's read of the visitor answers from before the identify, which runs in full before the insert.
        let identifyNext = true;
        const visitors = new Proxy(collections.visitors, {
          get(target, property) {
            if (property !== 'findOne') return Reflect.get(target, property, target);
            return async (...args: Parameters<typeof target.findOne>) => {
              const found = await target.findOne(...args);
              if (identifyNext) {
                identifyNext = false;
                await store.identifyContact(websiteId, visitor.id, { externalId: 'user-race' });
              }
              return found;
            };
          },
        });
        const { conversation } = await conversationMethods({ ...collections, visitors }).createConversation({ websiteId, visitorId: visitor.id });
        const contactId = (await store.getVisitor(websiteId, visitor.id))!.contactId;
        expect(contactId).toBeDefined();
        expect(conversation.contactId).toBe(contactId);
        expect((await store.getConversation(conversation.id))!.contactId).toBe(contactId);
      } finally {
        await client.close();
      }
    });

    it('of two identifies of one visitor as two people at once, on two MongoClients, lets one link it and the other change no contact', async () => {
      const store = ctx.get();
      await withSecondStore(async (other) => {
        const websiteId = newId('web');
        for (let round = 0; round < 20; round++) {
          // One person already known (from another device), one new.
          const known = { externalId: `known-${round}`, name: 'Known before' };
          await store.identifyContact(websiteId, (await store.upsertVisitor(websiteId)).id, known);
          const fresh = { externalId: `fresh-${round}`, name: 'Fresh' };
          const device = await store.upsertVisitor(websiteId);
          const [asKnown, asFresh] = await Promise.allSettled([
            store.identifyContact(websiteId, device.id, { ...known, name: 'Known now' }),
            other.identifyContact(websiteId, device.id, fresh),
          ]);
          const [won, lost] = asKnown.status === 'fulfilled' ? [asKnown, asFresh] : [asFresh, asKnown];
          expect(won.status, `round ${round}`).toBe('fulfilled');
          expect(lost.status === 'rejected' && lost.reason, `round ${round}`).toMatchObject({ code: 'ERR_CONFLICT' });
          const winner = (won as PromiseFulfilledResult<{ contact: Contact }>).value.contact;
          expect((await store.getVisitor(websiteId, device.id))!.contactId).toBe(winner.id);
          if (won === asKnown) {
            expect(winner.name).toBe('Known now');
            expect(await contactNamed(websiteId, fresh.externalId), `round ${round}`).toBeNull();
          } else {
            expect(winner.name).toBe('Fresh');
            expect((await contactNamed(websiteId, known.externalId))!.name, `round ${round}`).toBe('Known before');
          }
        }
      });
    });

    it('gives two devices that identify as one new person at once the one contact, with both profiles’ fields', async () => {
      const store = ctx.get();
      await withSecondStore(async (other) => {
        const websiteId = newId('web');
        for (let round = 0; round < 10; round++) {
          const [phone, laptop] = [await store.upsertVisitor(websiteId), await store.upsertVisitor(websiteId)];
          const externalId = `together-${round}`;
          const [a, b] = await Promise.all([
            store.identifyContact(websiteId, phone.id, { externalId, email: 'ada@example.com' }),
            other.identifyContact(websiteId, laptop.id, { externalId, name: 'Ada' }),
          ]);
          expect(a.contact.id).toBe(b.contact.id);
          expect(await contactNamed(websiteId, externalId)).toMatchObject({ id: a.contact.id, email: 'ada@example.com', name: 'Ada' });
        }
      });
    });

    it('answers ERR_NOT_FOUND for an unknown visitor', async () => {
      await expect(ctx.get().identifyContact('web_1', 'vis_nobody', { externalId: 'x' })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    });
  });
});
