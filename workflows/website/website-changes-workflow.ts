/**
 * A website's changes as an entity workflow (`website-changes:<websiteId>`): told that the team or
 * the lifecycle settings changed, it has every conversation workflow that runs told them as the
 * store now holds them, and tells the recently active ones again once the instances' cached copies
 * have expired (a workflow started from such a copy in between would otherwise keep the old ones). A
 * round starts a second after the change that called it, with every change told by then; changes that
 * arrive during a round fold into one more round, which starts as soon as that one is done.
 * Durable, so a change the API acknowledged reaches every conversation even across restarts.
 * Runs forever, continuing as new to keep its history short.
 */
import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { WEBSITE_CACHE_MS, websiteChanged, type WebsiteChange, type WebsiteChangeActivities, type WebsiteChangesInput } from './definitions';

const { tellConversations } = proxyActivities<WebsiteChangeActivities>({
  startToCloseTimeout: '10 minutes',
  // It heartbeats with every conversation: a worker that died mid-round is noticed in this long, not the 10 minutes.
  heartbeatTimeout: '2 minutes',
  // No attempt limit: a change the API acknowledged must reach the conversations.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const DEFAULT_ROUNDS_PER_RUN = 100;
/**
 * A round starts this long after the change that called it, and takes every change told
 * meanwhile: the API tells of a change just before writing it too (so a change written by an
 * instance that stopped before telling of it still gets its round), and the round must read it.
 */
const SETTLE_MS = 1_000;
/** Beyond the caches' lifetime, room for a start that read a cache just before it expired. */
const LATE_PASS_AFTER_MS = WEBSITE_CACHE_MS + 5_000;
/**
 * How long before a round the late pass looks for activity: what starts a workflow is written
 * (a message, an operation's event) at most about this long before the start, also when the
 * workflow signals lag behind under load.
 */
const START_LAG_MS = 5 * 60_000;

export async function websiteChangesWorkflow(input: WebsiteChangesInput): Promise<never> {
  let pending: WebsiteChange | undefined = input.pending;
  let rounds = 0;
  setHandler(websiteChanged, (change) => {
    // The latest actor names the round; what changed adds up.
    pending = { actor: change.actor, what: [...new Set([...(pending?.what ?? []), ...change.what])] };
  });

  const roundsPerRun = input.roundsPerRun ?? DEFAULT_ROUNDS_PER_RUN;

  for (;;) {
    await condition(() => pending !== undefined);
    // A long run continues as new when the next change comes, carrying it, so an idle one stays put.
    if (rounds >= roundsPerRun || workflowInfo().continueAsNewSuggested) break;
    if (patched('settle-before-round')) await sleep(SETTLE_MS);
    const change: WebsiteChange = pending!;
    pending = undefined;
    rounds += 1;
    const activeSince = new Date(Date.now() - START_LAG_MS).toISOString();
    const round = await tellConversations({ websiteId: input.websiteId, ...change });
    // A change that comes meanwhile gets its full round; the late pass after that round covers these late starts too.
    const changedAgain = await condition(() => pending !== undefined, LATE_PASS_AFTER_MS);
    if (changedAgain) pending = { ...pending!, what: [...new Set([...pending!.what, ...change.what])] };
    else await tellConversations({ websiteId: input.websiteId, ...change, activeSince, ...(round.revisions ? { toldRevisions: round.revisions } : {}) });
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof websiteChangesWorkflow>({ ...input, pending: pending! });
}
