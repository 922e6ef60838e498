import type { TeamMember } from '../../domain/people';
import type { Author } from '../../domain/timeline';
import { withoutInternal, type Collections } from './documents';
import { isDuplicateKey } from './duplicate-key';

/** Someone removed from the team: older timelines still name them, and their leaving is recorded as by `removedBy`. */
export interface FormerMember {
  id: string;
  name: string;
  removedBy?: Author;
}

/** Only those still on the team: a removed person's record is kept for who removed them. */
const onTeam = { removedAt: { $exists: false } } as const;

export function teamMethods({ team }: Collections) {
  return {
    /** The website's team members (humans and AI assistants), by name. */
    async listTeamMembers(websiteId: string): Promise<TeamMember[]> {
      const docs = await team.find({ websiteId, ...onTeam }).sort({ name: 1, _id: 1 }).toArray();
      return docs.map((doc) => withoutInternal<TeamMember>(doc));
    },

    /** The team member with this id, or null (also once removed). */
    async getTeamMember(id: string): Promise<TeamMember | null> {
      const doc = await team.findOne({ _id: id, ...onTeam });
      return doc && withoutInternal<TeamMember>(doc);
    },

    /** Creates or replaces a team member. */
    async upsertTeamMember(member: TeamMember): Promise<TeamMember> {
      await team.replaceOne({ _id: member.id }, member, { upsert: true });
      return member;
    },

    /**
     * Adds a team member, or brings back one this website removed under the id (as given now);
     * false when the id is taken (by anyone on any website's team, or removed from another website).
     */
    async insertTeamMember(member: TeamMember): Promise<boolean> {
      try {
        await team.insertOne({ _id: member.id, ...member });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const back = await team.updateOne({ _id: member.id, websiteId: member.websiteId, removedAt: { $exists: true } }, { $set: member, $unset: { removedAt: '', removedBy: '' } });
      return back.modifiedCount === 1;
    },

    /** Changes some fields of a website's person; null when there is none (a change never brings back one removed meanwhile). */
    async updateTeamMember(websiteId: string, id: string, fields: Partial<Pick<TeamMember, 'name' | 'teams' | 'capacity'>>): Promise<TeamMember | null> {
      const doc = await team.findOneAndUpdate({ _id: id, websiteId, kind: 'human', ...onTeam }, { $set: fields }, { returnDocument: 'after' });
      return doc && withoutInternal<TeamMember>(doc);
    },

    /** Takes a website's team member off the team, recording by whom; false when there was none. */
    async removeTeamMember(websiteId: string, id: string, by: Author): Promise<boolean> {
      const result = await team.updateOne({ _id: id, websiteId, ...onTeam }, { $set: { removedAt: new Date().toISOString(), removedBy: by } });
      return result.modifiedCount === 1;
    },

    /** The people the website's team no longer has (removed since `removedSince`, if given), by name, with who removed them. */
    async listFormerMembers(websiteId: string, removedSince?: string): Promise<FormerMember[]> {
      const removed = removedSince === undefined ? { $exists: true } : { $gte: removedSince };
      const docs = await team.find({ websiteId, removedAt: removed }, { projection: { _id: 1, name: 1, removedBy: 1 } }).sort({ name: 1, _id: 1 }).toArray();
      return docs.map((doc) => ({ id: doc._id, name: doc.name, ...(doc.removedBy ? { removedBy: doc.removedBy } : {}) }));
    },
  };
}
