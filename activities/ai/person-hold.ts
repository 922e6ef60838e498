/**
 * One routing assign at a time per person, across every team queue and every instance sharing the
 * store: the queues of a person's teams offer them conversations at the same moments (they all
 * hear of them coming online, or of a conversation of theirs resolved), and each offer counts the
 * person's open conversations before it assigns. Held from the count to the assign's answer, which
 * comes once the store has the assignment (the conversation workflow answers an update after its
 * projection), so the next offer's count includes it.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store';

export type HoldStore = Pick<Store, 'takeRoutingHold' | 'releaseRoutingHold'>;

/** Runs `work` while no other routing assign for this person runs. */
export type HoldPerson = <T>(websiteId: string, agentId: string, work: () => Promise<T>) => Promise<T>;

export interface PersonHoldOptions {
  /**
   * How long a hold stands if its holder never lets go (it died): the assign activity's
   * start-to-close timeout, past which the queue has given up on that attempt anyway.
   */
  holdMs?: number;
  /** How long an offer waits for another offer's hold before it fails (and its activity is retried). */
  waitMs?: number;
  /** How often a waiting offer tries to take the hold. */
  retryMs?: number;
}

export function personHold(store: HoldStore, { holdMs = 30_000, waitMs = 10_000, retryMs = 20 }: PersonHoldOptions = {}): HoldPerson {
  return async (websiteId, agentId, work) => {
    const key = `${websiteId}:${agentId}`;
    const holder = randomUUID();
    const giveUpAt = Date.now() + waitMs;
    while (!(await store.takeRoutingHold(key, holder, new Date(), new Date(Date.now() + holdMs)))) {
      if (Date.now() >= giveUpAt) throw new Error(`Another team queue has been giving ${agentId} a conversation for over ${waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
    try {
      return await work();
    } finally {
      await store.releaseRoutingHold(key, holder);
    }
  };
}
