/**
 * `GET /v1/conversations?q=`: the inbox's search, by what was said in a conversation (messages,
 * notes) or what it is (title, tags, its contact's name and email), literal text, with the other
 * filters and the usual paging.
 */
import { describe, expect, it } from 'vitest';
import { userHashOf } from '../../server/services/identity';
import { AGENT, waitUntil, type ApiAnswer } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

type ConversationPage = { conversations: Array<{ id: string }>; nextCursor: string | null };

const search = (query: string): Promise<ApiAnswer> => t.api.call('GET', `/v1/conversations?${query}`, AGENT);
const idsFound = async (q: string, more = ''): Promise<string[]> => {
  const res = await search(`q=${encodeURIComponent(q)}${more}`);
  expect(res.status).toBe(200);
  return (res.body as ConversationPage).conversations.map((c) => c.id);
};

/** A conversation of a fresh visitor, with the agent's messages (or notes) in it. */
async function conversationWith(conversationId: string, items: Array<{ type: 'message' | 'note'; text: string }> = []): Promise<string> {
  const visitorId = await t.api.newVisitor();
  expect((await t.api.call('POST', '/v1/conversations', AGENT, { conversationId, visitorId })).status).toBe(201);
  for (const item of items) expect((await t.api.call('POST', '/v1/messages', AGENT, { conversationId, item })).status).toBe(201);
  return visitorId;
}

describe('GET /v1/conversations?q=', () => {
  describe('#what it looks through', () => {
    it('finds a conversation by its title, a tag, a message, a private note and its contact name or email, and no other', async () => {
      await conversationWith('qs-title');
      expect((await t.api.call('PATCH', '/v1/conversations/qs-title', AGENT, { title: 'Refund for order Zephyrine' })).status).toBe(200);
      await conversationWith('qs-tag');
      expect((await t.api.call('POST', '/v1/conversations/qs-tag/tags', AGENT, { add: ['quokka-plan'] })).status).toBe(200);
      await conversationWith('qs-message', [{ type: 'message', text: 'My parcel never arrived in Wollongong' }]);
      await conversationWith('qs-note', [{ type: 'note', text: 'Customer is a marmoset breeder' }]);
      const visitorId = await conversationWith('qs-contact');
      const externalId = 'qs-contact-person';
      const identified = await t.api.call('POST', '/v1/contacts/identify', { visitorId }, { externalId, userHash: userHashOf(t.app.keys.identitySecret, externalId), name: 'Ottoline Quist', email: 'ottoline@pangolin.example' });
      expect(identified.status).toBe(200);
      await conversationWith('qs-none', [{ type: 'message', text: 'nothing of the sort' }]);
      await waitUntil(() => t.api.call('GET', '/v1/conversations/qs-title', AGENT), (res) => res.body.conversation.title !== undefined);
      await waitUntil(() => t.api.call('GET', '/v1/conversations/qs-tag', AGENT), (res) => res.body.conversation.tags.length > 0);

      expect(await idsFound('zephyrine')).toEqual(['qs-title']);
      expect(await idsFound('QUOKKA')).toEqual(['qs-tag']);
      expect(await idsFound('never arrived in wollongong')).toEqual(['qs-message']);
      expect(await idsFound('marmoset')).toEqual(['qs-note']);
      expect(await idsFound('@pangolin.EXAMPLE')).toEqual(['qs-contact']);
      expect(await idsFound('ottoline quist')).toEqual(['qs-contact']);
    });

    it('matches accents loosely, both ways, and text written decomposed', async () => {
      await conversationWith('qs-cafe', [{ type: 'message', text: 'Le café de Saint-Étienne est fermé' }]);
      await conversationWith('qs-plain', [{ type: 'message', text: 'the Ostrava cafeteria' }]);
      expect(await idsFound('saint-etienne')).toEqual(['qs-cafe']);
      expect((await idsFound('cafe')).sort()).toEqual(['qs-cafe', 'qs-plain']);
      expect(await idsFound('ÓSTRAVA')).toEqual(['qs-plain']);
      // Typed decomposed (e and a combining acute), the search is composed as stored text is.
      expect(await idsFound('ferme\u0301')).toEqual(['qs-cafe']);
    });

    it('takes the text literally: pattern characters match themselves only', async () => {
      await conversationWith('qs-literal', [{ type: 'message', text: 'It costs $5 (approx.) or [more]? a|b \\d' }]);
      await conversationWith('qs-lookalike', [{ type: 'message', text: 'It costs 95 xapproxy or more a b' }]);
      expect(await idsFound('$5 (approx.)')).toEqual(['qs-literal']);
      expect(await idsFound('[more]?')).toEqual(['qs-literal']);
      expect(await idsFound('a|b')).toEqual(['qs-literal']);
      expect(await idsFound('\\d')).toEqual(['qs-literal']);
      expect(await idsFound('.*')).toEqual([]);
    });
  });

  describe('#with the other filters', () => {
    it('combines with the status filter', async () => {
      await conversationWith('qs-open', [{ type: 'message', text: 'about the wombat subscription' }]);
      await conversationWith('qs-resolved', [{ type: 'message', text: 'about the wombat subscription too' }]);
      expect((await t.api.call('POST', '/v1/conversations/qs-resolved/resolve', AGENT, {})).status).toBe(200);
      await waitUntil(() => t.api.call('GET', '/v1/conversations/qs-resolved', AGENT), (res) => res.body.conversation.status === 'resolved');
      expect((await idsFound('wombat subscription')).sort()).toEqual(['qs-open', 'qs-resolved']);
      expect(await idsFound('wombat subscription', '&status=resolved')).toEqual(['qs-resolved']);
      expect(await idsFound('wombat subscription', '&status=open')).toEqual(['qs-open']);
    });

    it('pages the matches, newest activity first, each once', async () => {
      const ids = Array.from({ length: 5 }, (_, i) => `qs-page-${i}`);
      for (const id of ids) await conversationWith(id, [{ type: 'message', text: `numbat ${id}` }]);
      const found: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: ApiAnswer<ConversationPage> = await search(`q=numbat&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        found.push(...res.body.conversations.map((c) => c.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(found).toEqual([...ids].reverse());
      expect(pages).toBe(3);
    });
  });

  describe('#refusals', () => {
    it('refuses a visitor a search, as the team-only filters', async () => {
      const visitorId = await conversationWith('qs-visitor', [{ type: 'message', text: 'secret note word' }]);
      const refused = await t.api.call('GET', '/v1/conversations?q=secret', { visitorId });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'ERR_FORBIDDEN', message: expect.stringContaining('q') });
    });

    it('refuses an empty search and one longer than 200 characters, naming query.q', async () => {
      for (const q of ['', '%20%20', 'x'.repeat(201), '%C3%A9'.repeat(201)]) {
        const res = await search(`q=${q}`);
        expect([q, res.status]).toEqual([q, 400]);
        expect(res.body.error.details.fields).toEqual([expect.objectContaining({ path: 'query.q' })]);
      }
      expect((await search(`q=${'é'.repeat(200)}`)).status).toBe(200);
      expect((await search(`q=${'x'.repeat(200)}`)).status).toBe(200);
      expect((await search('q=a&q=b')).status).toBe(400);
    });
  });
});
