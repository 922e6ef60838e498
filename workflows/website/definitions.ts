/**
 * The website changes workflow's messages, defined once for the workflow, the server and the
 * activities. One entity workflow per website tells the website's running conversations about
 * changes to its team and to its lifecycle settings; wire names equal constant names.
 */
import { defineSignal } from '@temporalio/workflow';
import type { Author } from '../../domain/timeline';

export const WEBSITE_CHANGES_WORKFLOW_TYPE = 'websiteChangesWorkflow';

export const websiteChangesWorkflowId = (websiteId: string): string => `website-changes:${websiteId}`;

/** What changed: who is on the team (`rosterChanged` to the conversations), or the lifecycle settings (`settingsChanged`). */
export type WebsiteChangeKind = 'roster' | 'settings';

export interface WebsiteChange {
  /** Who made the change; conversations record it as the actor of what the change does to them. */
  actor: Author;
  what: WebsiteChangeKind[];
}

export interface WebsiteChangesInput {
  websiteId: string;
  /** Continue-as-new after this many rounds (default 100). */
  roundsPerRun?: number;
  /** Set by the workflow itself when it continues as new: changes it heard but had not told yet. */
  pending?: WebsiteChange;
}

/** The website's team or settings changed; signal-with-start it. */
export const websiteChanged = defineSignal<[WebsiteChange]>('websiteChanged');

/**
 * How long an instance keeps the team and settings it starts new conversation workflows with
 * (server/services/workflow-start.ts). A workflow started that long after a change may still have
 * what was before it, so the workflow tells every conversation again once this has passed.
 */
export const WEBSITE_CACHE_MS = 5_000;

/** The revisions of the team and the settings a round told (those it read). */
export interface ToldRevisions {
  team?: number;
  settings?: number;
}

export interface TellConversationsInput extends WebsiteChange {
  websiteId: string;
  /**
   * The late pass: only conversations with activity since then (a workflow started from a stale
   * copy was started by something just written). Absent: every conversation whose workflow may run.
   */
  activeSince?: string;
  /** The late pass: what the round before it told. When the store has newer, it tells every conversation after all. */
  toldRevisions?: ToldRevisions;
}

/** The activities as the workflow sees them (implemented by createWebsiteChangeActivities in activities/website-changes.ts). */
export interface WebsiteChangeActivities {
  /** Reads what changed from the store and signals it to each conversation workflow that runs; answers how many it told, and the revisions it told. */
  tellConversations(input: TellConversationsInput): Promise<{ told: number; revisions?: ToldRevisions }>;
}
