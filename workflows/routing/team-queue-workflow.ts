/**
 * One team's queue as an entity workflow (`team-queue:<websiteId>:<team>`): it hears about waiting
 * conversations and about its agents' presence and load, and hands each conversation to the
 * least-loaded online agent under capacity as soon as there is one. What it knows of an agent's
 * load is what it gave and what the store last reported; the assign checks the store's count of
 * all their teams' (activities/ai/capacity-check.ts) and refuses a person at capacity, who stays
 * online here at that count, or gives their last free slot to what comes first in another of their
 * teams' queues. No sweeps, no polling: every change arrives as a signal. An agent
 * heard going offline has their open conversations given back to the team once they have been away
 * the website's grace (a timer, then `releaseOfflineAssignee`); coming back before forgets it. Runs
 * forever, continuing as new to keep its history short (offline agents carried with the rest).
 */
import { ActivityCancellationType, CancellationScope, allHandlersFinished, condition, continueAsNew, isCancellation, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { RoutingActivities } from './activity-types';
import { agentAvailable, agentLoad, agentRemoved, agentUnavailable, enqueue, teamQueueState, withdraw, type TeamQueueInput } from './definitions';
import { TeamQueueState, type Assignment, type DueRelease } from './team-queue-state';

const { assignFromQueue } = proxyActivities<RoutingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

// Letting go of an offline person's conversations may mean many updates, each waiting for its projection.
// Cancelled when the person comes back, it is waited for: the queue offers nothing while it still unassigns.
const { releaseOfflineAssignee } = proxyActivities<RoutingActivities>({
  // The queue offers nothing while it runs: a conversation that fails is asked about again later, not retried here.
  startToCloseTimeout: '1 minute',
  // On Temporal a cancellation reaches an activity with the answer to a heartbeat, which the SDK
  // sends at most every 80% of this (30 s without it): a person back is heard within seconds.
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 2 },
});

const DEFAULT_EVENTS_PER_RUN = 1000;
/**
 * From this patch on, an agent heard going offline has their open conversations given back to the
 * team after the website's grace (`releaseOfflineAssigneesAfterMinutes`): a timer and an activity
 * that queues before never ran. Asked on each offline notice; queues replaying from before only
 * mark the agent away, as they did.
 */
const OFFLINE_RELEASE_PATCH = 'releases-offline-assignees';
/**
 * Team-change notices are ordered by their revision from this patch on: a queue that took them
 * before (a worker of the earlier version, from a sender of this one) replays as it ran then.
 */
const TEAM_REVISIONS_PATCH = 'team-revisions';
/**
 * A conversation queued again at a lower priority (an agent lowered it while it waited) is lowered
 * in line from this patch on; before, an entry's priority only ever went up. Asked only then.
 */
const LOWERED_PRIORITY_PATCH = 'queue-takes-lowered-priority';
/**
 * From this patch on, an assignment is not counted on top of a load notice that came while it was
 * offered (that notice's count has it already); before, it was, and the agent could look full with
 * room to spare until their load next changed. Asked only when such a notice came.
 */
const COUNTED_ONCE_PATCH = 'assignment-counted-once';
/**
 * From this patch on, each new entry is dated (`QueueEntry.since`), so that of conversations of one
 * priority in a person's several teams' queues, their free slot goes to the one queued first; entries
 * queued before stay undated, as the state of queues replaying from before has them. Asked on each enqueue.
 */
const DATED_ENTRIES_PATCH = 'queue-entries-dated';
/** After an assignment failed for good, wait this long before trying the line again. */
const RETRY_PAUSE = '30 seconds';
/** A conversation whose workflow is set aside is offered again this long after (a set-aside lasts a minute to an hour). */
const SET_ASIDE_PAUSE_MS = 60_000;
/** A release that failed for good is asked again this long after. */
const RELEASE_RETRY_MS = 30_000;

export async function teamQueueWorkflow(input: TeamQueueInput): Promise<never> {
  const state = new TeamQueueState(input.carried);
  let events = 0;
  const handled = <A>(apply: (args: A) => void) => (args: A) => {
    apply(args);
    events += 1;
  };
  setHandler(
    enqueue,
    handled(({ conversationId, priority, releasedBy }) =>
      state.enqueue(conversationId, priority, releasedBy, {
        takesLower: state.lowers(conversationId, priority) && patched(LOWERED_PRIORITY_PATCH),
        ...(patched(DATED_ENTRIES_PATCH) ? { since: Date.now() } : {}),
      }),
    ),
  );
  setHandler(withdraw, handled(({ conversationId }) => state.withdraw(conversationId)));
  const revised = (revision: number | undefined) => (revision !== undefined && patched(TEAM_REVISIONS_PATCH) ? revision : undefined);
  /** The release under way, cancelled when its agent comes back. */
  let releasing: { agentId: string; scope: CancellationScope } | undefined;
  setHandler(
    agentAvailable,
    handled(({ agentId, capacity, revision }) => {
      state.agentAvailable(agentId, capacity, revised(revision));
      if (releasing && releasing.agentId === agentId) releasing.scope.cancel();
    }),
  );
  setHandler(
    agentUnavailable,
    handled(({ agentId, revision }) => {
      state.agentUnavailable(agentId, revised(revision));
      if (patched(OFFLINE_RELEASE_PATCH)) state.wentOffline(agentId, Date.now());
    }),
  );
  setHandler(agentRemoved, handled(({ agentId, revision }) => state.agentRemoved(agentId, revised(revision))));
  setHandler(
    agentLoad,
    handled(({ agentId, open, revision }) => {
      state.agentLoad(agentId, open, revised(revision));
      // Only runs that took an offline notice under the patch hold offline agents.
      state.heldWhileOffline(agentId, open, Date.now());
    }),
  );
  /** The offer under way, shown by the query: its conversation is out of the line while it runs. */
  let offering: Assignment | undefined;
  setHandler(teamQueueState, () => ({ ...state.snapshot(), ...(offering ? { offering: { entry: { ...offering.entry }, agentId: offering.agentId } } : {}) }));

  const eventsPerRun = input.eventsPerRun ?? DEFAULT_EVENTS_PER_RUN;
  const runIsLong = () => events >= eventsPerRun || workflowInfo().continueAsNewSuggested;

  async function release({ agentId, offlineForMs }: DueRelease): Promise<void> {
    const scope = new CancellationScope();
    releasing = { agentId, scope };
    try {
      state.releaseAnswered(agentId, await scope.run(() => releaseOfflineAssignee({ websiteId: input.websiteId, agentId, offlineForMs, offlineSince: Date.now() - offlineForMs })), Date.now());
    } catch (err) {
      // Cancelled: the agent came back, and the queue forgot them.
      if (!isCancellation(err)) state.releaseAnswered(agentId, { outcome: 'not_yet', inMs: RELEASE_RETRY_MS }, Date.now());
    } finally {
      releasing = undefined;
    }
  }

  while (!runIsLong()) {
    const ready = () => state.peekNext(Date.now()) !== undefined || state.releaseDue(Date.now()) !== undefined || runIsLong();
    // Only a queue holding an entry back, or an offline agent's release, waits with a timeout (a timer): others wait as they always did, and replay so.
    const waits = [state.nextOfferIn(Date.now()), state.nextReleaseIn(Date.now())].filter((ms) => ms !== undefined);
    if (waits.length === 0) await condition(ready);
    else await condition(ready, Math.min(...waits));
    const due = state.takeRelease(Date.now());
    if (due) {
      events += 1;
      await release(due);
      continue;
    }
    const next = state.takeNext(Date.now());
    if (!next) continue;
    events += 1;
    try {
      const heardBefore = state.heardOf(next.agentId);
      const { conversationId, priority, since } = next.entry;
      const place = { priority, ...(since === undefined ? {} : { since }) };
      const offer = { websiteId: input.websiteId, team: input.team, conversationId, agentId: next.agentId, checksCapacity: true, place };
      offering = next;
      const outcome = await assignFromQueue(offer).finally(() => (offering = undefined));
      // An object (at capacity, or the slot given to another queue's conversation that comes first)
      // only for queues that asked for the capacity check: histories from before never hold one.
      if (typeof outcome === 'object') state.agentFull(next, outcome, heardBefore);
      else if (outcome === 'assigned') {
        // Asked only when a load notice came during the offer: the one case the patch changes.
        const heardMeanwhile = state.heardOf(next.agentId) !== heardBefore;
        state.assigned(next, heardMeanwhile && patched(COUNTED_ONCE_PATCH) ? heardBefore : undefined);
      }
      else if (outcome === 'agent_unavailable') state.agentRefused(next);
      else if (outcome === 'conversation_set_aside') state.putBackFrom(next.entry, Date.now() + SET_ASIDE_PAUSE_MS);
      // conversation_unavailable: it no longer needs a human from this queue; it stays out.
    } catch {
      state.putBack(next.entry);
      await sleep(RETRY_PAUSE);
    }
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof teamQueueWorkflow>({ ...input, carried: state.snapshot() });
}
