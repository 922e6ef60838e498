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

  describe('#changeTeam', () => {
    it('runs changes of one website one after another: the later one reads what the earlier wrote, and each counts the revision up', async () => {
      const store = ctx.get();
      const alex = { kind: 'human' as const, id: 'usr_alex' };
      await store.ensureWebsite({ id: 'web_tx', name: 'Tx', publicKey: 'pk_tx', secretKey: 'sk_tx', identitySecret: 'x', allowedOrigins: [], createdAt: new Date().toISOString() });
      for (const id of ['usr_t1', 'usr_t2']) await store.insertTeamMember({ ...member(id, id), websiteId: 'web_tx', teams: ['vip'] });
      const before = await store.teamRevision('web_tx');
      // Each removes someone only while another of the team stays; both read before either writes.
      let readers = 0;
      let bothRead!: () => void;
      const bothHaveRead = new Promise<void>((resolve) => (bothRead = resolve));
      const removeIfAnotherStays = (id: string) =>
        store.changeTeam('web_tx', async (session) => {
          const others = (await store.listTeamMembers('web_tx', session)).filter((m) => m.id !== id);
          if ((readers += 1) === 2) bothRead();
          await Promise.race([bothHaveRead, new Promise((resolve) => setTimeout(resolve, 200))]);
          if (others.length === 0) return 'refused';
          await store.removeTeamMember('web_tx', id, alex, session);
          return 'removed';
        });
      const outcomes = await Promise.all([removeIfAnotherStays('usr_t1'), removeIfAnotherStays('usr_t2')]);
      expect(outcomes.sort()).toEqual(['refused', 'removed']);
      expect(await store.listTeamMembers('web_tx')).toHaveLength(1);
      expect(await store.teamRevision('web_tx')).toBe(before + 2);
      // A change that throws writes nothing and counts nothing.
      const [kept] = await store.listTeamMembers('web_tx');
      await expect(
        store.changeTeam('web_tx', async (session) => {
          await store.removeTeamMember('web_tx', kept!.id, alex, session);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await store.listTeamMembers('web_tx')).toEqual([kept]);
      expect(await store.teamRevision('web_tx')).toBe(before + 2);
    });

    it('never lets a change read what another has written but not committed', async () => {
      const store = ctx.get();
      const alex = { kind: 'human' as const, id: 'usr_alex' };
      await store.ensureWebsite({ id: 'web_dirty', name: 'D', publicKey: 'pk_d', secretKey: 'sk_d', identitySecret: 'x', allowedOrigins: [], createdAt: new Date().toISOString() });
      await store.insertTeamMember({ ...member('usr_da', 'A'), websiteId: 'web_dirty', teams: ['other'] });
      await store.insertTeamMember({ ...member('usr_db', 'B'), websiteId: 'web_dirty', teams: ['vip'] });
      // The first puts A into vip, then gives up before committing.
      let wrote!: () => void;
      const written = new Promise<void>((resolve) => (wrote = resolve));
      let giveUp!: () => void;
      const givenUp = new Promise<void>((resolve) => (giveUp = resolve));
      const first = store.changeTeam('web_dirty', async (session) => {
        await store.updateTeamMember('web_dirty', 'usr_da', { teams: ['vip'] }, session);
        wrote();
        await givenUp;
        throw new Error('gave up');
      });
      await written;
      // The second removes B only while someone else stays in vip: it must not count A.
      const second = store.changeTeam('web_dirty', async (session) => {
        const staff = (await store.listTeamMembers('web_dirty', session)).filter((m) => m.teams.includes('vip') && m.id !== 'usr_db');
        if (staff.length === 0) return 'refused';
        await store.removeTeamMember('web_dirty', 'usr_db', alex, session);
        return 'removed';
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      giveUp();
      await expect(first).rejects.toThrow('gave up');
      expect(await second).toBe('refused');
      expect((await store.listTeamMembers('web_dirty')).map((m) => [m.id, m.teams])).toEqual([['usr_da', ['other']], ['usr_db', ['vip']]]);
    });

    it('refuses a change of a website the store does not have', async () => {
      await expect(ctx.get().changeTeam('web_none', async () => 'changed')).rejects.toThrow('No website web_none');
    });
  });

  describe('#insertTeamMember and #removeTeamMember', () => {
    it('adds a member only under an id nobody has, on any website, removes one once, keeping who did it, and brings one back', async () => {
      const store = ctx.get();
      const alex = { kind: 'human' as const, id: 'usr_alex' };
      expect(await store.insertTeamMember(member('usr_new', 'Nia'))).toBe(true);
      expect(await store.insertTeamMember({ ...member('usr_new', 'Other'), websiteId: 'web_9' })).toBe(false);
      expect(await store.getTeamMember('usr_new')).toEqual(member('usr_new', 'Nia'));
      expect(await store.teamMemberIdHolder('usr_new')).toEqual({ websiteId: 'web_1', removed: false });
      expect(await store.removeTeamMember('web_9', 'usr_new', alex)).toBe(false);
      expect(await store.removeTeamMember('web_1', 'usr_new', alex)).toBe(true);
      expect(await store.removeTeamMember('web_1', 'usr_new', alex)).toBe(false);
      expect(await store.getTeamMember('usr_new')).toBeNull();
      expect((await store.listTeamMembers('web_1')).map((m) => m.id)).not.toContain('usr_new');
      expect(await store.updateTeamMember('web_1', 'usr_new', { name: 'Back?' })).toBeNull();
      expect(await store.getFormerMember('web_1', 'usr_new')).toEqual(member('usr_new', 'Nia'));
      expect(await store.teamMemberIdHolder('usr_new')).toEqual({ websiteId: 'web_1', removed: true });
      expect(await store.teamMemberIdHolder('usr_never')).toBeNull();
      expect(await store.getFormerMember('web_9', 'usr_new')).toBeNull();
      expect(await store.listFormerMembers('web_1')).toEqual([{ id: 'usr_new', name: 'Nia', removedBy: alex }]);
      expect(await store.listFormerMembers('web_1', '2000-01-01T00:00:00.000Z')).toEqual([{ id: 'usr_new', name: 'Nia', removedBy: alex }]);
      expect(await store.listFormerMembers('web_1', '2999-01-01T00:00:00.000Z')).toEqual([]);
      // The id stays taken for other websites; this one may bring the person back, as given now.
      expect(await store.insertTeamMember({ ...member('usr_new', 'Nia'), websiteId: 'web_9' })).toBe(false);
      expect(await store.insertTeamMember({ ...member('usr_new', 'Nia B.'), capacity: 2 }, undefined, { bringsBack: false })).toBe(false);
      expect(await store.insertTeamMember({ ...member('usr_new', 'Nia B.'), capacity: 2 })).toBe(true);
      expect(await store.getTeamMember('usr_new')).toEqual({ ...member('usr_new', 'Nia B.'), capacity: 2 });
      expect(await store.getFormerMember('web_1', 'usr_new')).toBeNull();
      expect(await store.listFormerMembers('web_1')).toEqual([]);
    });
  });

  describe('#updateTeamMember', () => {
    it('says since when a person has their status: moved when it changes, kept when the same is said again, and written as given whatever it looks like', async () => {
      const store = ctx.get();
      await store.insertTeamMember(member('usr_st', 'Stella'));
      expect((await store.updateTeamMember('web_1', 'usr_st', { name: 'Stella R.' }))!.statusSince).toBeUndefined();
      // Available is what a person never set is: saying it changes nothing.
      expect((await store.updateTeamMember('web_1', 'usr_st', { status: 'available' }))!.statusSince).toBeUndefined();
      const before = new Date().toISOString();
      const away = await store.updateTeamMember('web_1', 'usr_st', { status: 'away', name: '$name', teams: ['$teams'] });
      expect(away).toMatchObject({ status: 'away', name: '$name', teams: ['$teams'] });
      expect(away!.statusSince! >= before).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await store.updateTeamMember('web_1', 'usr_st', { status: 'away' }))!.statusSince).toBe(away!.statusSince);
      const back = await store.updateTeamMember('web_1', 'usr_st', { status: 'available' });
      expect(back!.statusSince! > away!.statusSince!).toBe(true);
      expect(await store.getTeamMember('usr_st')).toMatchObject({ status: 'available', statusSince: back!.statusSince });
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
