/**
 * What the team's routing must hear about a lifecycle change: a new escalation to route to a team,
 * and agents whose count of open assigned conversations changed. Pure; the state class queues them
 * in its outbox and the workflow sends them after the change is in the store (the load count is
 * read from there).
 */
import type { ConversationLifecycle } from '../../domain/conversation';
import type { RouteConversationInput } from './ai/types';
import type { RuleRevisions } from './transitions';

export type RoutingNotice = ({ kind: 'route' } & RouteConversationInput) | { kind: 'agentLoad'; websiteId: string; agentId: string };

/** Sends the conversation to a team's queue, chosen by its tags and priority. */
export const routeNotice = (lifecycle: ConversationLifecycle, { websiteId, conversationId }: { websiteId: string; conversationId: string }): RoutingNotice => ({
  kind: 'route',
  websiteId,
  conversationId,
  tags: [...lifecycle.tags],
  priority: lifecycle.priority,
});

/**
 * Whether a conversation waits for a person: open, nobody assigned, not with the AI, and no team
 * member joined since it was escalated (one who joined, or replied and so joined, took it; one who
 * was in it before, e.g. before a hand back, is not taking this one). Routing offers only such
 * conversations; one that comes to wait again goes back to routing.
 */
export function waitsForPerson(lifecycle: ConversationLifecycle): boolean {
  const since = lifecycle.escalatedAt ?? '';
  const taken = lifecycle.participants.some((p) => p.kind === 'human' && p.leftAt === undefined && p.joinedAt >= since);
  return lifecycle.status === 'open' && lifecycle.assigneeId === undefined && lifecycle.handler !== 'ai' && !taken;
}

/** The one person on the conversation (who leaving leaves it waiting), if exactly one. */
function lastPersonIn(lifecycle: ConversationLifecycle): string | undefined {
  const people = lifecycle.participants.filter((p) => p.kind === 'human' && p.leftAt === undefined);
  return people.length === 1 ? people[0]!.id : undefined;
}

/** The agent an open conversation counts against, if any. */
const loadedAgent = (lifecycle: ConversationLifecycle): string | undefined => (lifecycle.status === 'open' ? lifecycle.assigneeId : undefined);

/**
 * Whether the conversation waits in a team's queue: it waits for a person and the team has had it
 * (escalated, or taken by a person and let go of). One the AI never had and nobody escalated
 * (`handler: unassigned`, a website without an assistant) was never routed.
 */
const waitsInQueue = (lifecycle: ConversationLifecycle): boolean => waitsForPerson(lifecycle) && lifecycle.handler === 'human';

/**
 * What routing must hear of a change from `before` to `after`: a new escalation; with
 * `reroutesWaiting` (the rule of newer runs) a conversation that came to wait for a person again;
 * with `reranksWaiting` (newer still) a new priority of a conversation waiting in a queue, which
 * queues it again at that priority (the queue re-ranks the entry it holds). `byRouting`: the change
 * was routing's own, so whoever had the conversation did not let go of it.
 */
export function routingNotices(
  before: ConversationLifecycle,
  after: ConversationLifecycle,
  ids: { websiteId: string; conversationId: string },
  { reroutesWaiting = false, reranksWaiting = false }: Pick<RuleRevisions, 'reroutesWaiting' | 'reranksWaiting'> = {},
  byRouting = false,
): RoutingNotice[] {
  const { websiteId } = ids;
  const notices: RoutingNotice[] = [];
  const escalated = after.escalatedAt !== undefined && after.escalatedAt !== before.escalatedAt;
  const waitsAgain = reroutesWaiting && waitsForPerson(after) && !waitsForPerson(before);
  const reranked = reranksWaiting && after.priority !== before.priority && waitsInQueue(before) && waitsInQueue(after);
  if (escalated || reranked) notices.push(routeNotice(after, ids));
  else if (waitsAgain) {
    // Routing's own release (of a person offline past the grace) is not theirs: offered to them again once back.
    const releasedBy = before.status === 'open' && !byRouting ? (before.assigneeId ?? lastPersonIn(before)) : undefined;
    notices.push({ ...routeNotice(after, ids), ...(releasedBy === undefined ? {} : { releasedBy }) });
  }
  const [was, is] = [loadedAgent(before), loadedAgent(after)];
  if (was !== is) {
    for (const agentId of [was, is]) if (agentId !== undefined) notices.push({ kind: 'agentLoad', websiteId, agentId });
  }
  return notices;
}
