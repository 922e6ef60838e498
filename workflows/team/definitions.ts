/**
 * The team roster workflow's messages, defined once for the workflow, the server and the
 * activities. One entity workflow per website tells the website's running conversations about
 * every change to its team; wire names equal constant names.
 */
import { defineSignal } from '@temporalio/workflow';
import type { Author } from '../../domain/timeline';

export const TEAM_ROSTER_WORKFLOW_TYPE = 'teamRosterWorkflow';

export const teamRosterWorkflowId = (websiteId: string): string => `team-roster:${websiteId}`;

export interface TeamRosterInput {
  websiteId: string;
  /** Continue-as-new after this many changes told (default 100). */
  changesPerRun?: number;
  /** Set by the workflow itself when it continues as new: a change it heard but had not told yet. */
  pending?: RosterRevisedArgs;
}

export interface RosterRevisedArgs {
  /** Who changed the team; conversations record it as the actor of what the change does to them. */
  actor: Author;
}

/** The website's team changed (a member added, changed or removed); signal-with-start it. */
export const rosterRevised = defineSignal<[RosterRevisedArgs]>('rosterRevised');

/**
 * How long an instance keeps the team it starts new conversation workflows with
 * (server/services/workflow-start.ts). A workflow started that long after a change may still have
 * the team from before it, so the roster workflow tells every conversation again once this has passed.
 */
export const ROSTER_CACHE_MS = 5_000;

export interface BroadcastRosterInput {
  websiteId: string;
  actor: Author;
}

/** The roster activities as the workflow sees them (implemented by createRosterActivities in activities/team-roster.ts). */
export interface RosterActivities {
  /** Reads the team from the store and signals `rosterChanged` to each conversation workflow that runs; answers how many it told. */
  broadcastRoster(input: BroadcastRosterInput): Promise<{ told: number }>;
}
