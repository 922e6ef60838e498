import { describe, expect, it } from 'vitest';
import { AGENT, waitUntil } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

interface Row {
  id: string;
  updatedAt: string;
  stateVersion: number;
}

describe('GET /v1/conversations', () => {
  describe('#updatedSince', () => {
    it('pages every conversation changed since, oldest change first, and one changed while paging again, later: none is skipped', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      const ids = Array.from({ length: 12 }, (_, i) => `sync-${String(i).padStart(2, '0')}`);
      const note = (conversationId: string) => t.api.call('POST', '/v1/messages', AGENT, { conversationId, item: { type: 'note', text: 'seen by the team only' } });
      for (const conversationId of ids) {
        await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
        // A conversation's first item has the assistant join, a change of its own a moment later;
        // it is waited for, so that only the test's own changes move updatedAt after the watermark.
        await note(conversationId);
        await waitUntil(() => t.api.call('GET', `/v1/conversations/${conversationId}`, AGENT), (res) => res.body.conversation.stateVersion >= 1);
      }
      const watermark = new Date().toISOString();
      /** The time of the last change made to each conversation after the watermark. */
      const changedAt = new Map<string, string>();
      const change = async (conversationId: string) => {
        changedAt.set(conversationId, (await note(conversationId)).body.item.createdAt);
      };
      for (const id of ids) await change(id);

      const seen: Row[] = [];
      let cursor: string | null = null;
      for (let page = 0; page === 0 || cursor; page++) {
        const res: { status: number; body: any } = await t.api.call('GET', `/v1/conversations?updatedSince=${encodeURIComponent(watermark)}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, AGENT);
        expect(res.status).toBe(200);
        seen.push(...res.body.conversations.map(({ id, updatedAt, stateVersion }: Row) => ({ id, updatedAt, stateVersion })));
        // While the integrator pages: a conversation it has read changes, and one it has not read yet.
        if (page < 3) {
          await change(ids[page]!);
          await change(ids.at(-1 - page)!);
        }
        cursor = res.body.nextCursor;
      }

      const times = seen.map((row) => row.updatedAt);
      expect(times).toEqual([...times].sort());
      // Every change after the watermark was seen: its conversation listed as of that change or later.
      for (const [id, at] of changedAt) expect(seen.filter((row) => row.id === id && row.updatedAt >= at)).not.toEqual([]);
      // Those read before they changed were read again.
      for (const id of ids.slice(0, 3)) expect(seen.filter((row) => row.id === id)).toHaveLength(2);
    });

    it('takes a time with an offset, is the team’s, and refuses what is not a time or a cursor of the other order', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'sync-offset' });
      const { updatedAt } = (await t.api.call('GET', '/v1/conversations/sync-offset', AGENT)).body.conversation;
      // The same instant, written two hours ahead of UTC.
      const ahead = new Date(Date.parse(updatedAt) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      const listed = await t.api.call('GET', `/v1/conversations?updatedSince=${encodeURIComponent(ahead)}`, AGENT);
      expect(listed.body.conversations.map((c: Row) => c.id)).toContain('sync-offset');

      expect((await t.api.call('GET', `/v1/conversations?updatedSince=${encodeURIComponent(updatedAt)}`, visitor)).status).toBe(403);
      const notTime = await t.api.call('GET', '/v1/conversations?updatedSince=yesterday', AGENT);
      expect(notTime.status).toBe(400);
      expect(notTime.body.error.details.fields).toEqual([{ path: 'query.updatedSince', message: expect.any(String) }]);
      const byActivity = (await t.api.call('GET', '/v1/conversations?limit=1', AGENT)).body.nextCursor;
      const mixed = await t.api.call('GET', `/v1/conversations?updatedSince=${encodeURIComponent(updatedAt)}&cursor=${byActivity}`, AGENT);
      expect(mixed.body.error.details.fields).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
    });
  });
});
