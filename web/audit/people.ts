/**
 * How the audit page names people: by name with the id kept beside it, since an audit is read
 * against logs and API answers that give ids, and two people may share a name. Names come from
 * the team (`GET /v1/team`), people removed from it included; an id neither names stays an id.
 */
import type { TeamMemberInfo } from '../shared/wire';
import type { Words } from '../shared/words';

type Named = Pick<TeamMemberInfo, 'id' | 'name'>;

export interface AuditPeople {
  /** In a sentence, a person's name ("Alice Martin"), or their id when no name is known. */
  nameOf(id: string): string;
  /** Said beside a named person, apart from their name: " (usr_alice)", " (usr_sam, no longer on the team)"; nothing beside an id alone. */
  besideName(id: string): string | undefined;
  /** Who did it: "Alice Martin · human usr_alice", the name set apart; a visitor, a system actor or an unknown id as kind and id ("system routing"). */
  actor(actor: { kind: string; id: string }): Words;
}

export function auditPeople(team: { members: readonly Named[]; formerMembers: readonly Named[] }): AuditPeople {
  const current = new Map(team.members.map(({ id, name }) => [id, name]));
  const former = new Map(team.formerMembers.map(({ id, name }) => [id, name]));
  const gone = (id: string) => !current.has(id) && former.has(id);
  const nameOf = (id: string) => current.get(id) ?? former.get(id);
  return {
    nameOf: (id) => nameOf(id) ?? id,
    besideName(id) {
      if (nameOf(id) === undefined) return undefined;
      return gone(id) ? ` (${id}, no longer on the team)` : ` (${id})`;
    },
    actor({ kind, id }) {
      const name = kind === 'human' || kind === 'ai' ? nameOf(id) : undefined;
      if (name === undefined) return [`${kind} ${id}`];
      return [{ written: name }, gone(id) ? ` · ${kind} ${id}, no longer on the team` : ` · ${kind} ${id}`];
    },
  };
}
