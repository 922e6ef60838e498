import { describe, expect, it } from 'vitest';
import type { TeamMember } from '../../../domain/people';
import { newConversation, useStore } from './fixtures';

const ctx = useStore('team');

const member = (id: string, name: string, kind: TeamMember['kind'] = 'human'): TeamMember => ({ id, websiteId: 'web_1', name, kind, teams: [], capacity: 5 });

describe('Store', () => {
  describe('#upsertTeamMember', () => {
    it('creates and replaces members, listed by name per website', async () => {
      const store = ctx.get();
      await store.upsertTeamMember(member('usr_b', 'Bob'));
      await store.upsertTeamMember(member('ai_1', 'Assistant', 'ai'));
      await store.upsertTeamMember({ ...member('usr_x', 'Xena'), websiteId: 'web_2' });
      await store.upsertTeamMember({ ...member('usr_b', 'Bob'), capacity: 9, teams: ['billing'] });
      expect((await store.listTeamMembers('web_1')).map((m) => m.id)).toEqual(['ai_1', 'usr_b']);
      expect(await store.getTeamMember('usr_b')).toEqual({ ...member('usr_b', 'Bob'), capacity: 9, teams: ['billing'] });
      expect(await store.getTeamMember('usr_none')).toBeNull();
    });
  });

  describe('#insertTeamMember and #removeTeamMember', () => {
    it('adds a member only under an id nobody has, on any website, removes one once, keeping who did it, and brings one back', async () => {
      const store = ctx.get();
      const alex = { kind: 'human' as const, id: 'usr_alex' };
      expect(await store.insertTeamMember(member('usr_new', 'Nia'))).toBe(true);
      expect(await store.insertTeamMember({ ...member('usr_new', 'Other'), websiteId: 'web_9' })).toBe(false);
      expect(await store.getTeamMember('usr_new')).toEqual(member('usr_new', 'Nia'));
      expect(await store.removeTeamMember('web_9', 'usr_new', alex)).toBe(false);
      expect(await store.removeTeamMember('web_1', 'usr_new', alex)).toBe(true);
      expect(await store.removeTeamMember('web_1', 'usr_new', alex)).toBe(false);
      expect(await store.getTeamMember('usr_new')).toBeNull();
      expect((await store.listTeamMembers('web_1')).map((m) => m.id)).not.toContain('usr_new');
      expect(await store.updateTeamMember('web_1', 'usr_new', { name: 'Back?' })).toBeNull();
      expect(await store.listFormerMembers('web_1')).toEqual([{ id: 'usr_new', name: 'Nia', removedBy: alex }]);
      expect(await store.listFormerMembers('web_1', '2000-01-01T00:00:00.000Z')).toEqual([{ id: 'usr_new', name: 'Nia', removedBy: alex }]);
      expect(await store.listFormerMembers('web_1', '2999-01-01T00:00:00.000Z')).toEqual([]);
      // The id stays taken for other websites; this one may bring the person back, as given now.
      expect(await store.insertTeamMember({ ...member('usr_new', 'Nia'), websiteId: 'web_9' })).toBe(false);
      expect(await store.insertTeamMember({ ...member('usr_new', 'Nia B.'), capacity: 2 })).toBe(true);
      expect(await store.getTeamMember('usr_new')).toEqual({ ...member('usr_new', 'Nia B.'), capacity: 2 });
      expect(await store.listFormerMembers('web_1')).toEqual([]);
    });
  });

  describe('#conversationIdsActiveSince', () => {
    it('lists the website\'s conversations with activity since the time given, and with `open` every open one', async () => {
      const store = ctx.get();
      const [open, resolved] = [await newConversation(store, { websiteId: 'web_r' }), await newConversation(store, { websiteId: 'web_r' })];
      await newConversation(store, { websiteId: 'web_other' });
      const resolvedAt = new Date().toISOString();
      await store.projectLifecycle(resolved, { status: 'resolved', resolvedAt, priority: 'medium', handler: 'human', participants: [], tags: [] }, 1);
      const ids = async (since: string, open: boolean) => {
        const found: string[] = [];
        for await (const id of store.conversationIdsActiveSince('web_r', since, { open })) found.push(id);
        return found.sort();
      };
      expect(await ids('2000-01-01T00:00:00.000Z', true)).toEqual([open, resolved].sort());
      expect(await ids('2999-01-01T00:00:00.000Z', true)).toEqual([open]);
      expect(await ids('2000-01-01T00:00:00.000Z', false)).toEqual([open, resolved].sort());
      expect(await ids('2999-01-01T00:00:00.000Z', false)).toEqual([]);
    });
  });
});
