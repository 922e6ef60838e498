/**
 * Changes to a website's team: people added, changed and removed. Each change is checked against
 * the routing rules (a team they send conversations to keeps at least one person) and stored in one
 * transaction that conflicts with every other change of the team or the rules (`store.changeTeam`),
 * so two changes at once, on any instances, cannot together empty a team. Then it is passed on:
 * every instance and the agents' pages hear of it, the team queues learn whether the person can
 * take conversations from them, and, when people come or go, the website changes workflow tells
 * every running conversation (workflows/website/; told before the write too, as it is durable).
 */
import { countOpenAssigned, loadRoutingRules } from '../../activities/ai';
import { newId, type Store, type TeamChangeSession } from '../../activities/store';
import { isDuplicateKey } from '../../activities/store/duplicate-key';
import { canonicalJson } from '../../activities/store/same-content';
import type { WebsiteChangeNotices } from '../../activities/website-changes';
import { AppError } from '../../domain/errors';
import type { TeamMember } from '../../domain/people';
import type { Author } from '../../domain/timeline';
import { staffedTeams, teamsNamed } from '../../workflows/routing/team-rules';
import type { StoreDirectory } from '../directory';
import { KeyedLines } from '../keyed-lines';
import type { TeamAvailability } from '../realtime/agent-availability';
import type { EphemeralPublisher } from '../realtime/ephemeral';
import type { OnlineDirectory } from '../realtime/presence';
import type { MemberChange, NewMember } from '../schemas/team';
import type { WorkflowStarts } from './workflow-start';

export interface TeamMembersDeps {
  store: Store;
  publisher: Pick<EphemeralPublisher, 'websiteChanged'>;
  teams: TeamAvailability;
  websiteChanges: WebsiteChangeNotices;
  online: OnlineDirectory;
  directory: StoreDirectory;
  workflowStarts: WorkflowStarts;
}

/** Who asks: the website and the acting team member (the audit trail's actor). */
export interface TeamChange {
  websiteId: string;
  actor: Author;
}

export class TeamMembers {
  /** One change of a website's team at a time on this instance, so what each passes on arrives in the order they were made. */
  private readonly lines = new KeyedLines();

  constructor(private readonly deps: TeamMembersDeps) {}

  /**
   * Adds a person. A retry with the same id and fields answers the person it made (`created`
   * false) and passes the change on again, in case the first attempt stopped before it had. A
   * chosen id of someone the website removed brings them back; an id made from an
   * `Idempotency-Key` (`keyed`) names that one request, so it never does.
   */
  async add({ websiteId, actor }: TeamChange, fields: NewMember, { keyed = false } = {}): Promise<{ member: TeamMember; created: boolean }> {
    const { id = newId('usr'), ...rest } = fields;
    const member: TeamMember = { id, websiteId, kind: 'human', ...rest };
    const refuseTaken = async () => {
      const existing = await this.deps.store.getTeamMember(id);
      if (!existing && keyed) throw new AppError('ERR_CONFLICT', 'This Idempotency-Key added a person who has since been removed: use another key');
      if (!existing || canonicalJson(existing) !== canonicalJson(member)) throw new AppError('ERR_CONFLICT', `Team member id ${id} is taken`);
    };
    const passed = { roster: true, teams: true };
    return this.lines.run(websiteId, async () => {
      const holder = await this.deps.store.teamMemberIdHolder(id);
      // A retry finds the person it made: nothing to write, it only passes the change on again (a
      // round too: the first attempt's, told before its write, may have read the store before it committed).
      if (holder && !holder.removed) {
        await refuseTaken();
        await this.passOn(member, actor, passed);
        return { member, created: false };
      }
      // Refused before anything is told: only this website may bring back someone it removed, and not under a key.
      if (holder && (keyed || holder.websiteId !== websiteId)) await refuseTaken();
      await this.roundAhead(websiteId, actor);
      const insert = (session: TeamChangeSession) => this.deps.store.insertTeamMember(member, session, { bringsBack: !keyed });
      const created = await this.deps.store.changeTeam(websiteId, insert).catch((err: unknown) => {
        if (isDuplicateKey(err)) return false;
        throw err;
      });
      if (!created) await refuseTaken();
      await this.passOn(member, actor, passed);
      return { member, created };
    });
  }

  async change({ websiteId, actor }: TeamChange, id: string, change: MemberChange): Promise<TeamMember> {
    return this.lines.run(websiteId, async () => {
      const { before, after } = await this.deps.store.changeTeam(websiteId, async (session) => {
        const before = await this.person(websiteId, id, session);
        await this.refuseUnstaffing(websiteId, before, { ...before, ...change }, session);
        const after = await this.deps.store.updateTeamMember(websiteId, id, change, session);
        if (!after) throw new AppError('ERR_NOT_FOUND', `No team member ${id}`);
        return { before, after };
      });
      // Said whole whenever teams or capacity are named, so a retry puts right what a first attempt left.
      await this.passOn(after, actor, { teams: change.teams !== undefined || change.capacity !== undefined, formerTeams: before.teams });
      return after;
    });
  }

  /**
   * Removes a person. A retry (the person is a former member already) answers the same and passes
   * the removal on again, in case the first attempt stopped before it had.
   */
  async remove({ websiteId, actor }: TeamChange, id: string): Promise<void> {
    const formerOr = async (err: unknown): Promise<TeamMember> => {
      const former = err instanceof AppError && err.code === 'ERR_NOT_FOUND' ? await this.deps.store.getFormerMember(websiteId, id) : null;
      if (!former) throw err;
      return former;
    };
    const passed = { roster: true, teams: true, gone: true };
    await this.lines.run(websiteId, async () => {
      // Checked before anything is told, so a refusal starts no round (and checked again in the
      // transaction); a retry, the person removed already, only passes the removal on again.
      const found = await this.person(websiteId, id).then(
        (member) => ({ member, removed: false }),
        async (err: unknown) => ({ member: await formerOr(err), removed: true }),
      );
      if (found.removed) return this.passOn(found.member, actor, passed);
      await this.refuseUnstaffing(websiteId, found.member, undefined);
      await this.roundAhead(websiteId, actor);
      const member = await this.deps.store
        .changeTeam(websiteId, async (session) => {
          const member = await this.person(websiteId, id, session);
          await this.refuseUnstaffing(websiteId, member, undefined, session);
          if (!(await this.deps.store.removeTeamMember(websiteId, id, actor, session))) throw new AppError('ERR_NOT_FOUND', `No team member ${id}`);
          return member;
        })
        .catch(formerOr);
      await this.passOn(member, actor, passed);
    });
  }

  /** A member of the website's team, a person or an AI assistant; 404 otherwise. */
  async member(websiteId: string, id: string, session?: TeamChangeSession): Promise<TeamMember> {
    const member = await this.deps.store.getTeamMember(id, session);
    if (!member || member.websiteId !== websiteId) throw new AppError('ERR_NOT_FOUND', `No team member ${id}`);
    return member;
  }

  /** A person of the website's team: an AI assistant is a `409`, as it is configured under /v1/ai-agents. */
  private async person(websiteId: string, id: string, session?: TeamChangeSession): Promise<TeamMember> {
    const member = await this.member(websiteId, id, session);
    if (member.kind !== 'human') throw new AppError('ERR_CONFLICT', `${id} is an AI assistant: configure it with /v1/ai-agents/${id}`);
    return member;
  }

  /**
   * A team the routing rules send conversations to must keep a person, or its queue would hold them
   * for ever. Only the teams this change would empty count: a team empty already (the store was
   * changed by other means) does not block changes that have nothing to do with it.
   */
  private async refuseUnstaffing(websiteId: string, before: TeamMember, after: TeamMember | undefined, session?: TeamChangeSession): Promise<void> {
    const [members, rules] = await Promise.all([this.deps.store.listTeamMembers(websiteId, session), loadRoutingRules(this.deps.store, websiteId, session)]);
    const others = members.filter((member) => member.id !== before.id);
    const [staffedBefore, staffedAfter] = [staffedTeams([...others, before]), staffedTeams([...others, ...(after ? [after] : [])])];
    const emptied = teamsNamed(rules).filter((team) => staffedBefore.has(team) && !staffedAfter.has(team));
    if (emptied.length === 0) return;
    throw new AppError('ERR_CONFLICT', `The routing rules send conversations to ${emptied.join(', ')}, which would have nobody in it: change the routing rules first`, {
      teams: emptied,
    });
  }

  /**
   * Before someone comes or goes: the website changes workflow is told first, as it is durable and
   * its round reads the store a second later (its late pass again 10 s later, telling everyone if
   * the store moved on). So running conversations learn of a change this instance committed but
   * could not pass on (it stopped first), also when nobody retries it.
   */
  private roundAhead(websiteId: string, actor: Author): Promise<void> {
    return this.deps.websiteChanges.changed(websiteId, actor, ['roster']);
  }

  /**
   * The queue of every team the person is in learns whether the person can take its conversations
   * now (online), and those of the teams they left (`formerTeams`, all of them when `gone`) forget them.
   */
  private async reconcileQueues(member: TeamMember, { gone = false, formerTeams = [] }: { gone?: boolean; formerTeams?: string[] } = {}): Promise<void> {
    const { websiteId, id } = member;
    const teams = [...new Set([...member.teams, ...formerTeams])];
    const online = !gone && this.deps.online.isOnline({ websiteId, kind: 'user', id });
    const open = online ? await countOpenAssigned(this.deps.store, websiteId, id) : 0;
    await this.deps.teams.agentReconciled(websiteId, id, teams, { ...(gone ? {} : { member }), online, open });
  }

  /**
   * After the store has the change: this instance reads the person afresh at once, every instance as
   * it hears the word, and agents' pages read the team again; the team queues learn where the person
   * can take conversations (when `teams`); when someone came or went (`roster`), the website changes
   * workflow tells running conversations.
   */
  private async passOn(
    member: TeamMember,
    actor: Author,
    { roster = false, teams = false, gone = false, formerTeams = [] }: { roster?: boolean; teams?: boolean; gone?: boolean; formerTeams?: string[] },
  ): Promise<void> {
    const { websiteId, id } = member;
    this.deps.directory.forgetMember(websiteId, id);
    this.deps.workflowStarts.forget(websiteId);
    await this.deps.publisher.websiteChanged(websiteId, { team: true, settings: false, memberId: id });
    if (teams) await this.reconcileQueues(member, { gone, formerTeams });
    if (roster) await this.deps.websiteChanges.changed(websiteId, actor, ['roster']);
  }
}
