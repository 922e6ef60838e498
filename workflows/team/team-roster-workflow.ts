/**
 * The team roster as an entity workflow (`team-roster:<websiteId>`): told that the website's team
 * changed, it has every conversation workflow that runs told the team as the store now holds it,
 * and tells them again once the instances' cached copies of the old team have expired (a workflow
 * started from such a copy in between would otherwise keep it). Changes that arrive during a round
 * fold into one more round, which starts as soon as that one is done. Durable, so a change the API acknowledged reaches every conversation
 * even across restarts. Runs forever, continuing as new to keep its history short.
 */
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { ROSTER_CACHE_MS, rosterRevised, type RosterActivities, type RosterRevisedArgs, type TeamRosterInput } from './definitions';

const { broadcastRoster } = proxyActivities<RosterActivities>({
  startToCloseTimeout: '10 minutes',
  // No attempt limit: a change the API acknowledged must reach the conversations.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const DEFAULT_CHANGES_PER_RUN = 100;
/** Beyond the cache's lifetime, room for a start that read the cache just before it expired. */
const LATE_PASS_AFTER_MS = ROSTER_CACHE_MS + 5_000;

export async function teamRosterWorkflow(input: TeamRosterInput): Promise<never> {
  let pending: RosterRevisedArgs | undefined = input.pending;
  let rounds = 0;
  setHandler(rosterRevised, (args) => {
    pending = args;
  });

  const changesPerRun = input.changesPerRun ?? DEFAULT_CHANGES_PER_RUN;

  for (;;) {
    await condition(() => pending !== undefined);
    // A long run continues as new when the next change comes, carrying it, so an idle one stays put.
    if (rounds >= changesPerRun || workflowInfo().continueAsNewSuggested) break;
    const change: RosterRevisedArgs = pending!;
    pending = undefined;
    rounds += 1;
    await broadcastRoster({ websiteId: input.websiteId, actor: change.actor });
    // A change that comes meanwhile gets its full round at once; the late pass after that round covers these late starts too.
    const changedAgain = await condition(() => pending !== undefined, LATE_PASS_AFTER_MS);
    if (!changedAgain) await broadcastRoster({ websiteId: input.websiteId, actor: change.actor });
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof teamRosterWorkflow>({ ...input, pending: pending! });
}
