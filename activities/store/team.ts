import type { TeamMember } from '../../domain/people';
import { withoutInternal, type Collections } from './documents';
import { isDuplicateKey } from './duplicate-key';

export function teamMethods({ team }: Collections) {
  return {
    /** The website's team members (humans and AI assistants), by name. */
    async listTeamMembers(websiteId: string): Promise<TeamMember[]> {
      const docs = await team.find({ websiteId }).sort({ name: 1, _id: 1 }).toArray();
      return docs.map((doc) => withoutInternal<TeamMember>(doc));
    },

    /** The team member with this id, or null. */
    async getTeamMember(id: string): Promise<TeamMember | null> {
      const doc = await team.findOne({ _id: id });
      return doc && withoutInternal<TeamMember>(doc);
    },

    /** Creates or replaces a team member. */
    async upsertTeamMember(member: TeamMember): Promise<TeamMember> {
      await team.replaceOne({ _id: member.id }, member, { upsert: true });
      return member;
    },

    /** Adds a team member; false when one with this id exists (of any website). */
    async insertTeamMember(member: TeamMember): Promise<boolean> {
      try {
        await team.insertOne({ _id: member.id, ...member });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    /** Changes some fields of a website's person; null when there is none (a change never brings back one removed meanwhile). */
    async updateTeamMember(websiteId: string, id: string, fields: Partial<Pick<TeamMember, 'name' | 'teams' | 'capacity'>>): Promise<TeamMember | null> {
      const doc = await team.findOneAndUpdate({ _id: id, websiteId, kind: 'human' }, { $set: fields }, { returnDocument: 'after' });
      return doc && withoutInternal<TeamMember>(doc);
    },

    /** Removes a team member; false when there was none. */
    async deleteTeamMember(id: string): Promise<boolean> {
      return (await team.deleteOne({ _id: id })).deletedCount === 1;
    },
  };
}
