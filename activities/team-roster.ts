/**
 * The roster broadcast: tells every conversation workflow of a website that runs what its team is
 * now (the `rosterChanged` signal), for the team roster workflow (workflows/team/).
 */
import type { TeamMember } from '../domain/people';
import { conversationWorkflowId, MAX_LIFECYCLE_MINUTES, rosterChanged, type RosterChange } from '../workflows/conversation/definitions';
import type { Author } from '../domain/timeline';
import { rosterRevised, TEAM_ROSTER_WORKFLOW_TYPE, teamRosterWorkflowId, type RosterActivities, type TeamRosterInput } from '../workflows/team/definitions';
import type { SignalWithStartEngine } from './ai/routing';

/** Conversations signalled at once: enough to keep the engine busy, few enough to leave it room for chat. */
const CONCURRENCY = 8;
const MAX_RETENTION_MS = MAX_LIFECYCLE_MINUTES * 60_000;

export interface RosterStore {
  listTeamMembers(websiteId: string): Promise<TeamMember[]>;
  conversationIdsActiveSince(websiteId: string, since: string): AsyncIterable<string>;
}

/** The one engine call the broadcast needs (the engine's `WorkflowEngine` has it). */
export interface SignalEngine {
  signal(o: { workflowId: string; signal: string; args: unknown[] }): Promise<void>;
}

export function createRosterActivities({ store, engine }: { store: RosterStore; engine: SignalEngine }): RosterActivities {
  return {
    async broadcastRoster({ websiteId, actor }) {
      const roster = (await store.listTeamMembers(websiteId)).map(({ id, kind }) => ({ id, kind }));
      const change: RosterChange = { actor, roster };
      // Open conversations, and resolved ones whose workflow may still run for the longest retention there is.
      const ids = store.conversationIdsActiveSince(websiteId, new Date(Date.now() - MAX_RETENTION_MS).toISOString());
      let told = 0;
      const tell = async (conversationId: string) => {
        try {
          await engine.signal({ workflowId: conversationWorkflowId(conversationId), signal: rosterChanged.name, args: [change] });
          told += 1;
        } catch (err) {
          // A conversation whose workflow does not run gets the team in its input when one starts.
          if ((err as { code?: unknown }).code !== 'ERR_WORKFLOW_NOT_FOUND') throw err;
        }
      };
      await forEachBounded(ids, CONCURRENCY, tell);
      return { told };
    },
  };
}

/** Runs `each` over the items, at most `limit` at once; the first failure stops it and is thrown. */
async function forEachBounded<T>(items: AsyncIterable<T>, limit: number, each: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  const worker = async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) await each(next.value);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}


/** Tells the website's roster workflow that its team changed, starting the workflow if it does not run. */
export function rosterNotices(engine: SignalWithStartEngine) {
  return {
    revised: (websiteId: string, actor: Author): Promise<void> => {
      const input: TeamRosterInput = { websiteId };
      return engine.signalWithStart({
        workflowType: TEAM_ROSTER_WORKFLOW_TYPE,
        workflowId: teamRosterWorkflowId(websiteId),
        args: [input],
        signal: rosterRevised.name,
        signalArgs: [{ actor }],
      });
    },
  };
}
export type RosterNotices = ReturnType<typeof rosterNotices>;
