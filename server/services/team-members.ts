/**
 * Changes to a website's team: people added, changed and removed, and its AI assistant created and
 * deleted (`/v1/ai-agents`). Each change is checked against the routing rules (a team they send
 * conversations to keeps at least one person) and stored in one transaction that conflicts with every other change of the team or the rules (`store.changeTeam`),
 * so two changes at once, on any instances, cannot together empty a team. Then it is passed on:
 * every instance and the agents' pages hear of it, the team queues learn whether the person can
 * take conversations from them, and, when people come or go, the website changes workflow tells
 * every running conversation (workflows/website/; told before the write too, as it is durable).
 */
import { assistantSettingKey, countOpenAssigned, loadAssistantConfig, loadRoutingRules } from '../../activities/ai';
import { newId, type Store, type TeamChangeSession } from '../../activities/store';
import { isDuplicateKey } from '../../activities/store/duplicate-key';
import { canonicalJson, sameContent } from '../../activities/store/same-content';
import type { WebsiteChangeNotices } from '../../activities/website-changes';
import type { AssistantConfig } from '../../domain/assistant';
import { AppError } from '../../domain/errors';
import { statusOf, type TeamMember, type TeamMemberKind } from '../../domain/people';
import type { Author } from '../../domain/timeline';
import { staffedTeams, teamsNamed } from '../../workflows/routing/team-rules';
import { authorOf, requireActingPerson, type Caller } from '../caller';
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

/** Who changes the team: a person (an AI assistant may not), named as the audit trail's actor. */
export const teamChangeBy = (caller: Caller): TeamChange => ({ websiteId: requireActingPerson(caller).website.id, actor: authorOf(caller) });

/** What an AI assistant's team record says of capacity, as the seeded one's: the team queues never offer it conversations. */
const ASSISTANT_CAPACITY = 1_000;

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
    /** The person this addition made before, as the store has them now; a `409` when it is someone else. */
    const madeBefore = async (): Promise<TeamMember> => {
      const existing = await this.deps.store.getTeamMember(id);
      if (!existing && keyed) throw new AppError('ERR_CONFLICT', 'This Idempotency-Key added a person who has since been removed: use another key');
      // The status is the person's own since (a retry after they set it away is still the same addition).
      if (!existing || !sameContent(existing, member, ['status', 'statusSince'])) throw new AppError('ERR_CONFLICT', `Team member id ${id} is taken`);
      return existing;
    };
    const passed = { roster: true, teams: true };
    return this.lines.run(websiteId, async () => {
      const holder = await this.deps.store.teamMemberIdHolder(id);
      // A retry finds the person it made: nothing to write, it only passes the change on again (a
      // round too: the first attempt's, told before its write, may have read the store before it committed).
      if (holder && !holder.removed) {
        const made = await madeBefore();
        await this.passOn(made, actor, passed);
        return { member: made, created: false };
      }
      // Refused before anything is told: only this website may bring back someone it removed, and not under a key.
      if (holder && (keyed || !(await this.mayBringBack(websiteId, id, 'human')))) await madeBefore();
      await this.roundAhead(websiteId, actor);
      const insert = (session: TeamChangeSession) => this.deps.store.insertTeamMember(member, session, { bringsBack: !keyed });
      const created = await this.deps.store.changeTeam(websiteId, insert).catch((err: unknown) => {
        if (isDuplicateKey(err)) return false;
        throw err;
      });
      const stored = created ? member : await madeBefore();
      await this.passOn(stored, actor, passed);
      return { member: stored, created };
    });
  }

  /**
   * Adds the website's AI assistant with its configuration. A website has one, the assistant its new
   * conversations start with: while it has one, another is a `409` naming it. A retry (the website's
   * assistant has this configuration, and the id asked for, if one was) answers it (`created` false)
   * and passes the change on again. The id of an assistant this website removed brings it back.
   */
  async addAssistant({ websiteId, actor }: TeamChange, config: AssistantConfig, { idChosen }: { idChosen: boolean }): Promise<{ agent: AssistantConfig; created: boolean }> {
    const member: TeamMember = { id: config.id, websiteId, name: config.name, kind: 'ai', teams: [], capacity: ASSISTANT_CAPACITY };
    /** The website's assistant if it is the one asked for, its configuration; another is a `409`. */
    const sameAssistant = async (): Promise<AssistantConfig | undefined> => {
      const current = (await this.deps.store.listTeamMembers(websiteId)).find((m) => m.kind === 'ai');
      if (!current) return undefined;
      const stored = await loadAssistantConfig(this.deps.store, current.id);
      if (canonicalJson(stored) === canonicalJson({ ...config, id: idChosen ? config.id : current.id })) return stored;
      throw new AppError('ERR_CONFLICT', `The website has its AI assistant already: change ${current.id} with PUT /v1/ai-agents/${current.id}, or delete it first`, { assistantId: current.id });
    };
    const taken = () => new AppError('ERR_CONFLICT', `Team member id ${config.id} is taken`);
    return this.lines.run(websiteId, async () => {
      const earlier = await sameAssistant();
      if (!earlier) {
        const holder = await this.deps.store.teamMemberIdHolder(config.id);
        if (holder && !(await this.mayBringBack(websiteId, config.id, 'ai'))) throw taken();
        await this.roundAhead(websiteId, actor);
        const created = await this.deps.store
          .changeTeam(websiteId, async (session) => {
            // Checked again where it holds: of two at once, on any instances, the second finds the first's.
            if ((await this.deps.store.listTeamMembers(websiteId, session)).some((m) => m.kind === 'ai')) return false;
            await this.deps.store.insertTeamMember(member, session);
            await this.deps.store.putSetting(websiteId, assistantSettingKey(member.id), config, { session });
            return true;
          })
          .catch((err: unknown) => {
            if (isDuplicateKey(err)) return false;
            throw err;
          });
        if (created) {
          await this.passOn(member, actor, { roster: true });
          return { agent: config, created: true };
        }
      }
      // A retry, or the same request that came first on another instance: answered; anything else was refused above.
      const agent = earlier ?? (await sameAssistant());
      if (!agent) throw taken();
      await this.passOn({ ...member, id: agent.id }, actor, { roster: true });
      return { agent, created: false };
    });
  }

  /**
   * Changes a person, or the AI assistant's name (`kind`). `asked` may be a read of the change, made
   * once the team's change has begun (a transaction that claims the website's team, so changes on any
   * instance take turns): what a configuration holds then, say, rather than as the request saw it.
   */
  async change({ websiteId, actor }: TeamChange, id: string, asked: MemberChange | (() => Promise<MemberChange>), kind: TeamMemberKind = 'human'): Promise<TeamMember> {
    return this.lines.run(websiteId, async () => {
      const { before, after, change } = await this.deps.store.changeTeam(websiteId, async (session) => {
        const change = typeof asked === 'function' ? await asked() : asked;
        const before = await this.ofKind(websiteId, id, kind, session);
        await this.refuseUnstaffing(websiteId, before, { ...before, ...change }, session);
        const after = await this.deps.store.updateTeamMember(websiteId, id, change, session, kind);
        if (!after) throw new AppError('ERR_NOT_FOUND', `No team member ${id}`);
        return { before, after, change };
      });
      // Said whole whenever teams, capacity or status are named, so a retry puts right what a first attempt left.
      const queues = change.teams !== undefined || change.capacity !== undefined || change.status !== undefined;
      await this.passOn(after, actor, { teams: queues, formerTeams: before.teams, statusSet: change.status !== undefined });
      return after;
    });
  }

  /**
   * Removes a person, or the AI assistant (`kind`). A retry (they are a former member already)
   * answers the same and passes the removal on again, in case the first attempt stopped before it had.
   */
  async remove({ websiteId, actor }: TeamChange, id: string, kind: TeamMemberKind = 'human'): Promise<void> {
    const formerOr = async (err: unknown): Promise<TeamMember> => {
      const former = err instanceof AppError && err.code === 'ERR_NOT_FOUND' ? await this.deps.store.getFormerMember(websiteId, id) : null;
      if (former?.kind !== kind) throw err;
      return former;
    };
    // The team queues offer conversations to people only.
    const passed = { roster: true, teams: kind === 'human' };
    await this.lines.run(websiteId, async () => {
      // Checked before anything is told, so a refusal starts no round (and checked again in the
      // transaction); a retry, the person removed already, only passes the removal on again.
      const found = await this.ofKind(websiteId, id, kind).then(
        (member) => ({ member, removed: false }),
        async (err: unknown) => ({ member: await formerOr(err), removed: true }),
      );
      if (found.removed) return this.passOn(found.member, actor, passed);
      await this.refuseUnstaffing(websiteId, found.member, undefined);
      await this.roundAhead(websiteId, actor);
      const member = await this.deps.store
        .changeTeam(websiteId, async (session) => {
          const member = await this.ofKind(websiteId, id, kind, session);
          await this.refuseUnstaffing(websiteId, member, undefined, session);
          if (!(await this.deps.store.removeTeamMember(websiteId, id, actor, session))) throw new AppError('ERR_NOT_FOUND', `No team member ${id}`);
          // Their tokens go with them, so bringing the id back later does not bring back its tokens.
          await this.deps.store.revokeMemberTokens(websiteId, id, undefined, session);
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

  /**
   * A member of the website's team of this kind. An AI assistant asked for as a person is a `409`, as
   * it is configured under /v1/ai-agents; a person asked for as an AI assistant is unknown there (`404`).
   */
  async ofKind(websiteId: string, id: string, kind: TeamMemberKind, session?: TeamChangeSession): Promise<TeamMember> {
    const member = await this.member(websiteId, id, session);
    if (member.kind === kind) return member;
    if (kind === 'ai') throw new AppError('ERR_NOT_FOUND', `No AI assistant ${id}`);
    throw new AppError('ERR_CONFLICT', `${id} is an AI assistant: configure it with /v1/ai-agents/${id}`);
  }

  /** Whether the id is of someone of this kind the website removed, whom adding them again brings back. */
  private async mayBringBack(websiteId: string, id: string, kind: TeamMemberKind): Promise<boolean> {
    return (await this.deps.store.getFormerMember(websiteId, id))?.kind === kind;
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
   * now (online), and those of the teams they left (`formerTeams`, and `member`'s once removed)
   * forget them. The person is read afresh after the team revision, as the store has them at that
   * revision or later: of the notices of changes made on several instances, which may reach a
   * queue in either order, the queue keeps that of the newest revision.
   */
  private async reconcileQueues(member: TeamMember, formerTeams: readonly string[]): Promise<void> {
    const { websiteId, id } = member;
    const revision = await this.deps.store.teamRevision(websiteId);
    const found = await this.deps.store.getTeamMember(id);
    const now = found?.websiteId === websiteId ? found : undefined;
    const teams = [...new Set([...member.teams, ...formerTeams, ...(now?.teams ?? [])])];
    const online = now !== undefined && this.deps.online.isOnline({ websiteId, kind: 'user', id });
    const open = online ? await countOpenAssigned(this.deps.store, websiteId, id) : 0;
    await this.deps.teams.agentReconciled(websiteId, id, teams, { ...(now ? { member: now } : {}), online, open, revision });
  }

  /**
   * After the store has the change: this instance reads the person afresh at once, every instance as
   * it hears the word, and agents' pages read the team again (and hear the person's `status`, when
   * the change set it, and since when); the team queues learn where the person can take conversations (when
   * `teams`); when someone came or went (`roster`), the website changes workflow tells running conversations.
   */
  private async passOn(
    member: TeamMember,
    actor: Author,
    { roster = false, teams = false, formerTeams = [], statusSet = false }: { roster?: boolean; teams?: boolean; formerTeams?: string[]; statusSet?: boolean },
  ): Promise<void> {
    const { websiteId, id, statusSince } = member;
    this.deps.directory.forgetMember(websiteId, id);
    this.deps.workflowStarts.forget(websiteId);
    const status = statusSet ? { status: statusOf(member), ...(statusSince === undefined ? {} : { statusSince }) } : {};
    await this.deps.publisher.websiteChanged(websiteId, { team: true, settings: false, memberId: id, ...status });
    if (teams) await this.reconcileQueues(member, formerTeams);
    if (roster) await this.deps.websiteChanges.changed(websiteId, actor, ['roster']);
  }
}
