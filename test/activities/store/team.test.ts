import { describe, expect, it } from 'vitest';
import type { TeamMember } from '../../../domain/people';
import { useStore } from './fixtures';

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
});
