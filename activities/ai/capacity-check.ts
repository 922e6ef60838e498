/**
 * A person's capacity, checked where every team queue's offer passes: the assign. Each queue counts
 * only what it gave and hears of the others' assignments later, so a person in several teams who
 * came online with conversations waiting in each would get up to their capacity from every queue.
 * Here the store's count of their open conversations (all teams', and those assigned by hand)
 * decides, under a hold on the person (person-hold.ts), so offers at the same moment from several
 * queues, on any instances, are counted one after the other. Assignments by hand are not routed
 * through here: capacity limits what routing gives a person, not what people give them.
 */
import type { TeamMember } from '../../domain/people';
import type { AssignFromQueueInput, AssignOutcome } from '../../workflows/routing/activity-types';
import type { HoldPerson } from './person-hold';

type Assign = (input: AssignFromQueueInput) => Promise<AssignOutcome>;

export interface CapacityCheckDeps {
  getTeamMember(agentId: string): Promise<TeamMember | null | undefined>;
  /** Open conversations assigned to the agent, as the store has them. */
  countOpenAssigned(websiteId: string, agentId: string): Promise<number>;
  holdPerson: HoldPerson;
}

/**
 * `assign`, for offers that ask for it (`checksCapacity`), only while the person holds fewer open
 * conversations than their capacity; otherwise `agent_full`. Someone the store does not have as a
 * person of this website is left to `assign` to refuse.
 */
export function withinCapacity(assign: Assign, deps: CapacityCheckDeps): Assign {
  return (input) => {
    if (!input.checksCapacity) return assign(input);
    const { websiteId, agentId } = input;
    return deps.holdPerson(websiteId, agentId, async () => {
      const member = await deps.getTeamMember(agentId);
      if (member?.kind === 'human' && member.websiteId === websiteId) {
        const open = await deps.countOpenAssigned(websiteId, agentId);
        if (open >= member.capacity) return { outcome: 'agent_full', open, capacity: member.capacity };
      }
      return assign(input);
    });
  };
}
