/**
 * What waits for a person in the queues of their teams, in the order their free slots should go:
 * the highest priority first, then the longest waiting, across the teams. Each queue ranks only
 * its own line, and when a person frees a slot all their queues offer at once, so the capacity
 * check (capacity-check.ts) reads the other queues' lines here, as the queues answer
 * `teamQueueState`, to give the slot to what comes first.
 */
import { PRIORITIES } from '../../domain/conversation';
import type { QueuePlace } from '../../workflows/routing/activity-types';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueView } from '../../workflows/routing/team-queue-state';
import type { ConversationUpdateEngine } from './routing';

/** A conversation waiting in the `team` queue. */
export interface WaitingEntry extends QueuePlace {
  team: string;
  conversationId: string;
}

/** The conversations waiting for a person in the queues of `teams`, first first. */
export type WaitingFor = (websiteId: string, agentId: string, teams: readonly string[]) => Promise<WaitingEntry[]>;

/** An undated entry was queued before the queues dated theirs, so before every dated one. */
const sinceOf = ({ since }: QueuePlace) => since ?? -Infinity;
const earlier = (a: QueuePlace, b: QueuePlace) => (sinceOf(a) < sinceOf(b) ? -1 : sinceOf(a) > sinceOf(b) ? 1 : 0);

/** Negative when `a` comes before `b`: a higher priority, or as high and waiting since earlier. */
const inOrder = (a: QueuePlace, b: QueuePlace) => PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority) || earlier(a, b);

/** Whether `a` comes before `b`; two undated entries of one priority come in no order across queues. */
export const comesBefore = (a: QueuePlace, b: QueuePlace): boolean => inOrder(a, b) < 0;

const notFound = (err: unknown) => (err as { code?: unknown }).code === 'ERR_WORKFLOW_NOT_FOUND';

/**
 * Over the engine: the entries of each queue that would offer them to the person, who is online
 * in it (not marked away for refusing an offer) and not the one who let go of them, and one it is
 * offering them at the moment (out of its line meanwhile). A queue not running holds nothing; one
 * that cannot be read throws (the assign is retried).
 */
export function waitingFor(engine: Pick<ConversationUpdateEngine, 'query'>): WaitingFor {
  const lineOf = async (websiteId: string, agentId: string, team: string): Promise<WaitingEntry[]> => {
    let queue: TeamQueueView;
    try {
      queue = await engine.query<TeamQueueView>({ workflowId: teamQueueWorkflowId(websiteId, team), query: teamQueueState.name });
    } catch (err) {
      if (notFound(err)) return [];
      throw err;
    }
    if (!queue.agents.some((agent) => agent.agentId === agentId && agent.online)) return [];
    // An offer to the person under way waits for their hold, which this check has: it comes next.
    const offered = queue.offering?.agentId === agentId ? [queue.offering.entry] : [];
    return [...queue.queue.filter((entry) => entry.releasedBy !== agentId), ...offered]
      .map(({ conversationId, priority, since }) => ({ team, conversationId, priority, ...(since === undefined ? {} : { since }) }));
  };
  return async (websiteId, agentId, teams) => (await Promise.all(teams.map((team) => lineOf(websiteId, agentId, team)))).flat().sort(inOrder);
}
