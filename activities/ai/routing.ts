/**
 * Routing activities (escalated conversation → team queue → agent) and the team-queue signals the
 * server sends on presence changes. The queue itself is workflows/routing/team-queue-workflow.ts.
 */
import type { ConversationLifecycle } from '../../domain/conversation';
import { statusOf, type TeamMember } from '../../domain/people';
import type { Author } from '../../domain/timeline';
import { assign, conversationWorkflowId, getState, operationArgs, rosterChanged, type ConversationSnapshot, type RosterChange } from '../../workflows/conversation/definitions';
import type { AssignFromQueueInput, AssignOutcome, RoutingActivities } from '../../workflows/routing/activity-types';
import {
  ROUTING_ACTOR,
  TEAM_QUEUE_WORKFLOW_TYPE,
  agentAvailable,
  agentLoad,
  agentRemoved,
  agentUnavailable,
  enqueue,
  teamQueueWorkflowId,
  withdraw,
  type TeamQueueInput,
} from '../../workflows/routing/definitions';
import { waitsForPerson } from '../../workflows/conversation/routing-notices';
import { chooseTeam, type RoutingRules } from '../../workflows/routing/team-rules';
import type { SignalEngine } from '../website-changes';

/** The one engine call the queue signals need (the engine's `WorkflowEngine` has it). */
export interface SignalWithStartEngine {
  signalWithStart(o: { workflowType: string; workflowId: string; args: unknown[]; signal: string; signalArgs: unknown[] }): Promise<void>;
}

/** The engine calls the conversation's `assign` update needs (the engine's `WorkflowEngine` has them). */
export interface ConversationUpdateEngine {
  executeUpdate<R>(o: { workflowId: string; update: string; args: unknown[] }): Promise<R>;
  query<R>(o: { workflowId: string; query: string; args?: unknown[] }): Promise<R>;
}

export { ROUTING_ACTOR };

/** A person as the team queues are told of them after a change of the team. */
export interface AgentNow {
  /** Absent once the person is no longer on the website's team. */
  member?: TeamMember;
  online: boolean;
  /** Open conversations assigned to them (0 when offline). */
  open: number;
  /** The website's team revision, read before the person. */
  revision: number;
}

/**
 * The capacity the team queues are told a person has: none while they are away, so a queue keeps
 * them online (connected: not offline, and no release of their conversations) but offers them
 * nothing new; their own once available again. Capacity is at least 1 otherwise, so a queue's
 * online slot of capacity 0 is an away person.
 */
export const offeredCapacity = (member: Pick<TeamMember, 'capacity' | 'status'>): number => (statusOf(member) === 'away' ? 0 : member.capacity);

/**
 * Signals to team queues, each starting its queue if it is not running yet. With `countOpen` (the
 * store's count of a person's open assigned conversations), a person coming online is told with
 * their load too, so whatever a queue counted for them while they were away is put right.
 */
export function createTeamQueueSignals(engine: SignalWithStartEngine, countOpen?: (websiteId: string, agentId: string) => Promise<number>) {
  const send = (websiteId: string, team: string, signal: { name: string }, args: object) => {
    const input: TeamQueueInput = { websiteId, team };
    return engine.signalWithStart({
      workflowType: TEAM_QUEUE_WORKFLOW_TYPE,
      workflowId: teamQueueWorkflowId(websiteId, team),
      args: [input],
      signal: signal.name,
      signalArgs: [{ actor: ROUTING_ACTOR, ...args }],
    });
  };
  const eachTeam = (member: TeamMember, args: object, signal: { name: string }) =>
    Promise.all(member.teams.map((team) => send(member.websiteId, team, signal, args))).then(() => undefined);

  return {
    enqueue: (websiteId: string, team: string, conversationId: string, priority: ConversationLifecycle['priority'], releasedBy?: string) =>
      send(websiteId, team, enqueue, { conversationId, priority, ...(releasedBy === undefined ? {} : { releasedBy }) }),
    withdraw: (websiteId: string, team: string, conversationId: string) => send(websiteId, team, withdraw, { conversationId }),
    /** On an agent's first socket connecting. */
    agentOnline: async (member: TeamMember) => {
      await eachTeam(member, { agentId: member.id, capacity: offeredCapacity(member) }, agentAvailable);
      if (countOpen) await eachTeam(member, { agentId: member.id, open: await countOpen(member.websiteId, member.id) }, agentLoad);
    },
    /** On an agent's last socket closing. */
    agentOffline: (member: TeamMember) => eachTeam(member, { agentId: member.id }, agentUnavailable),
    agentLoad: (member: TeamMember, open: number) => eachTeam(member, { agentId: member.id, open }, agentLoad),
    /**
     * After a person's teams or capacity changed, or the person left the team: each of `teams`
     * learns whether the agent is one of its available agents now, that is in that team and online
     * (`available`, with the open conversations it carries, and no capacity while away), or forgets an agent no longer in it.
     * Says it all, not what changed, so a retry after a partial failure puts every queue right; and
     * as of the team `revision`, so a queue keeps the newest of what several instances tell.
     */
    agentReconciled: (websiteId: string, agentId: string, teams: readonly string[], now: AgentNow) =>
      Promise.all(
        teams.map(async (team) => {
          const { member, revision } = now;
          if (!member?.teams.includes(team)) return send(websiteId, team, agentRemoved, { agentId, revision });
          if (!now.online) return send(websiteId, team, agentUnavailable, { agentId, revision });
          await send(websiteId, team, agentAvailable, { agentId, capacity: offeredCapacity(member), revision });
          await send(websiteId, team, agentLoad, { agentId, open: now.open, revision });
        }),
      ).then(() => undefined),
  };
}

export interface RoutingDeps {
  engine: SignalWithStartEngine;
  getRoutingRules(websiteId: string): Promise<RoutingRules>;
  getTeamMember(agentId: string): Promise<TeamMember | null | undefined>;
  /** Open conversations assigned to the agent. */
  countOpenAssigned(websiteId: string, agentId: string): Promise<number>;
  /**
   * Runs the conversation's `assign` update (actor: routing); see `assignRejectionOutcome` for a
   * rejection. createActivities gives `engineAssigner` within the capacity check (capacity-check.ts).
   */
  assignConversation(input: AssignFromQueueInput): Promise<AssignOutcome>;
  /** Gives an offline person's conversations back to the team: createActivities gives `offlineReleaser` (offline-release.ts). */
  releaseOfflineAssignee: RoutingActivities['releaseOfflineAssignee'];
}

export function createRoutingActivities(deps: RoutingDeps): RoutingActivities {
  const signals = createTeamQueueSignals(deps.engine);
  return {
    async routeConversation({ websiteId, conversationId, tags, priority, releasedBy }) {
      const team = chooseTeam(await deps.getRoutingRules(websiteId), { tags, priority });
      await signals.enqueue(websiteId, team, conversationId, priority, releasedBy);
      return { team };
    },

    assignFromQueue: (input) => deps.assignConversation(input),

    releaseOfflineAssignee: (input) => deps.releaseOfflineAssignee(input),

    async reportAgentLoad({ websiteId, agentId }) {
      const member = await deps.getTeamMember(agentId);
      if (!member || member.kind !== 'human') return;
      await signals.agentLoad(member, await deps.countOpenAssigned(websiteId, agentId));
    },
  };
}

/**
 * What a rejected `assign` means for the queue, judged from the conversation's state after the
 * rejection: a conversation that no longer waits for a person (`waitsForPerson`) is not the queue's
 * any more; one that still waits could not go to this agent (not on the team the workflow knows,
 * even once `engineAssigner` told it the store's, …) and someone else should take it.
 */
export function assignRejectionOutcome(state: ConversationLifecycle | undefined): AssignOutcome {
  return state && waitsForPerson(state) ? 'agent_unavailable' : 'conversation_unavailable';
}


/** What the assigner reads of the team as the store holds it now. */
export interface AssignerTeam {
  getTeamMember(agentId: string): Promise<TeamMember | null | undefined>;
  /** The website's team as a `rosterChanged` gives it to a conversation (activities/website-changes.ts). */
  rosterNow(websiteId: string, actor: Author): Promise<RosterChange>;
}

/**
 * `RoutingDeps.assignConversation` over the engine: the conversation's `assign` update with the
 * routing actor, unless the conversation stopped waiting while it was in the queue: resolved,
 * given to someone, taken by a team member who joined, or handed back to the AI (nothing withdraws
 * it from the queue, and the agent would carry it as load that no report corrects, while the AI
 * fell silent). The assignment asks `onlyWhileWaiting`, so the workflow refuses it if that changed
 * after the look; the look itself keeps runs started under the earlier rules (which ignore the
 * field) from taking it in all but that window. A rejection (the engine's
 * `ERR_UPDATE_REJECTED`) is judged from the state after it; a workflow that no longer runs
 * (`ERR_WORKFLOW_NOT_FOUND`) means the conversation was resolved long ago. Anything else throws,
 * and the activity retries.
 *
 * A rejection of a person the store has on the queue's team is most likely the conversation not
 * knowing them yet: the website changes workflow tells the conversations of a person added a
 * second or more after the change, and a person who connects at once is offered conversations
 * before that. The conversation is then given the team as the store holds it (`rosterChanged`, by
 * routing; the same revision told again later changes nothing) and asked once more, so the
 * person is not marked away in the queue for a refusal that would not have held a second later.
 */
export function engineAssigner(engine: ConversationUpdateEngine & SignalEngine, team: AssignerTeam): RoutingDeps['assignConversation'] {
  return async ({ websiteId, team: queueTeam, conversationId, agentId }) => {
    const workflowId = conversationWorkflowId(conversationId);
    const stateNow = () => engine.query<ConversationSnapshot>({ workflowId, query: getState.name, args: [{ actor: ROUTING_ACTOR }] });
    // Only while it waits: a person who assigns, joins or hands it back to the AI after the look
    // below is not overruled by routing (the workflow judges it as it takes the assignment).
    const operation = { op: 'assign' as const, userId: agentId, expectedAssigneeId: null, onlyWhileWaiting: true as const };
    const assignNow = () => engine.executeUpdate({ workflowId, update: assign.name, args: [operationArgs({ actor: ROUTING_ACTOR, operation })] });
    const onTeamNow = async () => {
      const member = await team.getTeamMember(agentId);
      return member?.websiteId === websiteId && member.kind === 'human' && member.teams.includes(queueTeam);
    };
    try {
      if (!waitsForPerson(await stateNow())) return 'conversation_unavailable';
      try {
        await assignNow();
      } catch (err) {
        if (!rejected(err) || !waitsForPerson(await stateNow()) || !(await onTeamNow())) throw err;
        await engine.signal({ workflowId, signal: rosterChanged.name, args: [await team.rosterNow(websiteId, ROUTING_ACTOR)] });
        await assignNow();
      }
      return 'assigned';
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_WORKFLOW_NOT_FOUND') return 'conversation_unavailable';
      if (code === 'ERR_WORKFLOW_SET_ASIDE') return 'conversation_set_aside';
      if (!rejected(err)) throw err;
      return assignRejectionOutcome(await stateNow());
    }
  };
}

const rejected = (err: unknown) => (err as { code?: unknown }).code === 'ERR_UPDATE_REJECTED';
