/**
 * A person's capacity, checked where every team queue's offer passes: the assign. Each queue counts
 * only what it gave and hears of the others' assignments later, so a person in several teams who
 * came online with conversations waiting in each would get up to their capacity from every queue.
 * Here the store's count of their open conversations (all teams', and those assigned by hand)
 * decides, under a hold on the person (person-hold.ts), so offers at the same moment from several
 * queues, on any instances, are counted one after the other. Assignments by hand are not routed
 * through here: capacity limits what routing gives a person, not what people give them.
 *
 * Each queue also ranks only its own line, and the first offer to take the hold would win a slot
 * freed by a person in several teams. So the check gives their last free slots to what comes first
 * among all their teams' queues (waiting-elsewhere.ts): an offer of a conversation that comes after
 * as many as the person has slots left, waiting in their other queues, gives them the first of
 * those instead, there and then, under the same hold. Giving it at once, rather than refusing the
 * offer for the other queue's to take the slot, leaves no slot free for a queue that may not offer
 * (it thinks the person full, or is giving that conversation to someone else), and no two queues
 * refusing each other.
 */
import type { TeamMember } from '../../domain/people';
import type { AssignFromQueueInput, AssignOutcome, HigherPriorityElsewhere, QueuePlace } from '../../workflows/routing/activity-types';
import type { HoldPerson } from './person-hold';
import { offeredCapacity } from './routing';
import { comesBefore, type WaitingFor } from './waiting-elsewhere';

type Assign = (input: AssignFromQueueInput) => Promise<AssignOutcome>;

export interface CapacityCheckDeps {
  getTeamMember(agentId: string): Promise<TeamMember | null | undefined>;
  /** Open conversations assigned to the agent, as the store has them. */
  countOpenAssigned(websiteId: string, agentId: string): Promise<number>;
  holdPerson: HoldPerson;
  /** What waits for the person in the queues of some of their teams, first first (waiting-elsewhere.ts `waitingFor`). */
  waitingFor: WaitingFor;
  /** Takes a conversation given from here out of its queue's line (`withdraw`), which would otherwise offer it once more to find it taken. */
  withdraw(websiteId: string, team: string, conversationId: string): Promise<void>;
  /** Whom the store has the conversation assigned to. */
  assigneeOf(conversationId: string): Promise<string | undefined>;
}

/**
 * `assign`, for offers that ask for it (`checksCapacity`), only while the person holds fewer open
 * conversations than their capacity, otherwise `agent_full`; and, for offers that say the
 * conversation's `place`, only while their slots left outnumber what comes before it in their other
 * teams' queues, otherwise the first of those is given to them (`higher_priority_elsewhere`).
 * Someone the store does not have as a person of this website is left to `assign` to refuse.
 */
export function withinCapacity(assign: Assign, deps: CapacityCheckDeps): Assign {
  return (input) => {
    if (!input.checksCapacity) return assign(input);
    const { websiteId, agentId } = input;
    return deps.holdPerson(websiteId, agentId, async () => {
      const member = await deps.getTeamMember(agentId);
      if (member?.kind === 'human' && member.websiteId === websiteId) {
        const open = await deps.countOpenAssigned(websiteId, agentId);
        // Away since the queue heard of them (its notice may come after the offer): no room, and the queue takes capacity 0.
        const capacity = offeredCapacity(member);
        if (open >= capacity) {
          // Given to them from another queue's offer while this one waited for the hold (givenFirst):
          // the queue drops it, rather than putting it back in line.
          if ((await deps.assigneeOf(input.conversationId)) === agentId) return 'conversation_unavailable';
          return { outcome: 'agent_full', open, capacity };
        }
        const given = input.place && (await givenFirst(assign, deps, input, input.place, member, open));
        if (given) return given;
      }
      return assign(input);
    });
  };
}

/**
 * With no more slots left than conversations that come before `place` in the person's other teams'
 * queues, gives them the first of those that can still be assigned; undefined when there is room
 * for them all and this one, or none could be given (taken meanwhile, or refusing the person).
 */
async function givenFirst(assign: Assign, deps: CapacityCheckDeps, input: AssignFromQueueInput, place: QueuePlace, member: TeamMember, open: number): Promise<HigherPriorityElsewhere | undefined> {
  const { websiteId, agentId } = input;
  const others = member.teams.filter((team) => team !== input.team);
  const before = (await deps.waitingFor(websiteId, agentId, others)).filter((entry) => comesBefore(entry, place));
  if (before.length < member.capacity - open) return undefined;
  for (const { team, conversationId } of before) {
    if ((await assign({ websiteId, team, conversationId, agentId })) !== 'assigned') continue;
    await deps.withdraw(websiteId, team, conversationId);
    return { outcome: 'higher_priority_elsewhere', conversationId, team, open: open + 1, capacity: member.capacity };
  }
  return undefined;
}
