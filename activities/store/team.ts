import type { ClientSession, MongoClient } from 'mongodb';
import type { TeamMember } from '../../domain/people';
import type { Author } from '../../domain/timeline';
import { withoutInternal, type Collections, type TeamMemberDoc } from './documents';
import { claimingTransaction } from './claiming-transaction';
import { isDuplicateKey } from './duplicate-key';

/** The transaction a change of the team is written in (`changeTeam`): pass it to the writes. */
export type TeamChangeSession = ClientSession;

/** Someone removed from the team: older timelines still name them, and their leaving is recorded as by `removedBy`. */
export interface FormerMember {
  id: string;
  name: string;
  removedBy?: Author;
}

/** Only those still on the team: a removed person's record is kept for who removed them. */
const onTeam = { removedAt: { $exists: false } } as const;
/** The store's own fields of a team member's document, which no reader of the team is given. */
const INTERNAL_FIELDS = ['tokensBegun'];
const toMember = (doc: TeamMemberDoc): TeamMember => withoutInternal<TeamMember>(doc, INTERNAL_FIELDS);

/**
 * An update setting `fields`, status among them, and `statusSince` to now if the status changes (a
 * pipeline, to compare with the stored one in the same write; absent is `available`). Each value is
 * a `$literal`: in a pipeline a name such as "$Ada" would be read as a field's path.
 */
function statusUpdate(fields: Partial<Pick<TeamMember, 'name' | 'teams' | 'capacity' | 'status'>>) {
  const changed = { $ne: [{ $ifNull: ['$status', 'available'] }, fields.status] };
  // A field given as undefined is left as it is, as `$set` leaves it (the driver drops undefined values).
  const literal = Object.fromEntries(Object.entries(fields).flatMap(([field, value]) => (value === undefined ? [] : [[field, { $literal: value }]])));
  return [{ $set: { ...literal, statusSince: { $cond: [changed, new Date().toISOString(), '$statusSince'] } } }];
}

export function teamMethods(client: MongoClient, { team, websites }: Collections) {
  return {
    /**
     * Runs `change` in a transaction that first writes the website's document and last counts its
     * team revision up. Every change of the team or of the routing rules runs here, so of two at
     * once the second waits for the first (claimingTransaction).
     */
    async changeTeam<T>(websiteId: string, change: (session: TeamChangeSession) => Promise<T>): Promise<T> {
      return claimingTransaction(client, async (session) => {
        const claimed = await websites.updateOne({ _id: websiteId }, { $inc: { teamChangesBegun: 1 } }, { session });
        if (claimed.matchedCount !== 1) throw new Error(`No website ${websiteId}`);
        const result = await change(session);
        // Last, so a reader who sees this revision (before the team) sees the team written with it.
        await websites.updateOne({ _id: websiteId }, { $inc: { teamRevision: 1 } }, { session });
        return result;
      });
    },

    /**
     * Runs `change` in a transaction that first writes the document of the website's team member
     * `memberId` (if it has one: `change` finds out whether they are on the team), for a write that
     * must not cross a change of that person, a removal above all, yet changes nobody (a member
     * token made): it waits for a change of the team that writes the person, and for nothing else,
     * so such writes for different people go on side by side. The team revision stays: the
     * conversations have nothing to be told.
     */
    async changeForMember<T>(websiteId: string, memberId: string, change: (session: TeamChangeSession) => Promise<T>): Promise<T> {
      return claimingTransaction(client, async (session) => {
        await team.updateOne({ _id: memberId, websiteId }, { $inc: { tokensBegun: 1 } }, { session });
        return change(session);
      });
    },

    /** How many changes the team and its routing rules have had: read before the team, it orders what is told of it. */
    async teamRevision(websiteId: string): Promise<number> {
      return (await websites.findOne({ _id: websiteId }, { projection: { teamRevision: 1 } }))?.teamRevision ?? 0;
    },

    /** The website's team members (humans and AI assistants), by name. */
    async listTeamMembers(websiteId: string, session?: TeamChangeSession): Promise<TeamMember[]> {
      const docs = await team.find({ websiteId, ...onTeam }, { session }).sort({ name: 1, _id: 1 }).toArray();
      return docs.map(toMember);
    },

    /** The team member with this id, or null (also once removed). */
    async getTeamMember(id: string, session?: TeamChangeSession): Promise<TeamMember | null> {
      const doc = await team.findOne({ _id: id, ...onTeam }, { session });
      return doc && toMember(doc);
    },

    /** Creates or replaces a team member. */
    async upsertTeamMember(member: TeamMember): Promise<TeamMember> {
      await team.replaceOne({ _id: member.id }, member, { upsert: true });
      return member;
    },

    /**
     * Adds a team member, or brings back one this website removed under the id (as given now);
     * false when the id is taken (by anyone on any website's team, or removed from another website).
     * In a transaction, a taken id throws the duplicate key error instead (it ends the transaction).
     * With `bringsBack` false, a removed person's id is taken too.
     */
    async insertTeamMember(member: TeamMember, session?: TeamChangeSession, { bringsBack = true } = {}): Promise<boolean> {
      // Brought back first: inside a transaction the insert's duplicate key error is the last word.
      if (bringsBack) {
        const back = await team.updateOne(
          { _id: member.id, websiteId: member.websiteId, removedAt: { $exists: true } },
          // Back as a new person is: available, whatever status they were removed with.
          { $set: member, $unset: { removedAt: '', removedBy: '', status: '', statusSince: '' } },
          { session },
        );
        if (back.modifiedCount === 1) return true;
      }
      try {
        await team.insertOne({ _id: member.id, ...member }, { session });
        return true;
      } catch (err) {
        if (session || !isDuplicateKey(err)) throw err;
        return false;
      }
    },

    /**
     * Changes some fields of a website's team member of `kind` (an AI assistant's name only, by the
     * callers); null when there is none (a change never brings back one removed meanwhile). A
     * status moves `statusSince` when it changes it, not when the same status is said again.
     */
    async updateTeamMember(
      websiteId: string,
      id: string,
      fields: Partial<Pick<TeamMember, 'name' | 'teams' | 'capacity' | 'status'>>,
      session?: TeamChangeSession,
      kind: TeamMember['kind'] = 'human',
    ): Promise<TeamMember | null> {
      const doc = await team.findOneAndUpdate({ _id: id, websiteId, kind, ...onTeam }, fields.status === undefined ? { $set: fields } : statusUpdate(fields), { returnDocument: 'after', session });
      return doc && toMember(doc);
    },

    /** Takes a website's team member off the team, recording by whom; false when there was none. */
    async removeTeamMember(websiteId: string, id: string, by: Author, session?: TeamChangeSession): Promise<boolean> {
      const result = await team.updateOne({ _id: id, websiteId, ...onTeam }, { $set: { removedAt: new Date().toISOString(), removedBy: by } }, { session });
      return result.modifiedCount === 1;
    },

    /** Whose the id is, on any website's team or removed from one; null when nobody has had it. */
    async teamMemberIdHolder(id: string): Promise<{ websiteId: string; removed: boolean } | null> {
      const doc = await team.findOne({ _id: id }, { projection: { websiteId: 1, removedAt: 1 } });
      return doc && { websiteId: doc.websiteId, removed: doc.removedAt !== undefined };
    },

    /** The person with this id the website removed (and has not brought back), as they were; or null. */
    async getFormerMember(websiteId: string, id: string): Promise<TeamMember | null> {
      const doc = await team.findOne({ _id: id, websiteId, removedAt: { $exists: true } });
      return doc && withoutInternal<TeamMember>(doc, ['removedAt', 'removedBy', ...INTERNAL_FIELDS]);
    },

    /** The names of those of `ids` on the website's team, or removed from it since `removedSince`. */
    async teamMemberNames(websiteId: string, ids: readonly string[], removedSince: string): Promise<Array<{ id: string; name: string }>> {
      const named = { $or: [onTeam, { removedAt: { $gte: removedSince } }] };
      const docs = await team.find({ _id: { $in: [...ids] }, websiteId, ...named }, { projection: { _id: 1, name: 1 } }).sort({ _id: 1 }).toArray();
      return docs.map((doc) => ({ id: doc._id, name: doc.name }));
    },

    /** The people the website's team no longer has (removed since `removedSince`, if given), by name, with who removed them. */
    async listFormerMembers(websiteId: string, removedSince?: string): Promise<FormerMember[]> {
      const removed = removedSince === undefined ? { $exists: true } : { $gte: removedSince };
      const docs = await team.find({ websiteId, removedAt: removed }, { projection: { _id: 1, name: 1, removedBy: 1 } }).sort({ name: 1, _id: 1 }).toArray();
      return docs.map((doc) => ({ id: doc._id, name: doc.name, ...(doc.removedBy ? { removedBy: doc.removedBy } : {}) }));
    },
  };
}
