/**
 * Telling a website's conversations what changed: every conversation workflow that runs gets the
 * team (`rosterChanged`) or the lifecycle settings (`settingsChanged`) as the store now holds them,
 * for the website changes workflow (workflows/website/).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Author } from '../domain/timeline';
import { WorkflowSetAsideError } from '../runtime/engine/errors';
import { conversationWorkflowId, MAX_LIFECYCLE_MINUTES, rosterChanged, settingsChanged, type RosterChange, type SettingsChange } from '../workflows/conversation/definitions';
import {
  WEBSITE_CHANGES_WORKFLOW_TYPE,
  websiteChanged,
  websiteChangesWorkflowId,
  type ToldRevisions,
  type WebsiteChangeActivities,
  type WebsiteChangeKind,
  type WebsiteChangesInput,
} from '../workflows/website/definitions';
import type { SignalWithStartEngine } from './ai/routing';
import { loadRoster, loadWorkflowSettings } from './lifecycle-settings';
import type { Store } from './store';

/** The website changes workflow's own retry policy's longest pause (workflows/website/website-changes-workflow.ts). */
const MAX_RETRY_DELAY_MS = 60_000;

/** Conversations signalled at once: enough to keep the engine busy, few enough to leave it room for chat. */
const CONCURRENCY = 8;
/** No conversation workflow still running started before this (nor knew anyone removed before it). */
export const longestRetentionAgo = (): string => new Date(Date.now() - MAX_LIFECYCLE_MINUTES * 60_000).toISOString();

export type WebsiteChangeStore = Pick<Store, 'listTeamMembers' | 'listFormerMembers' | 'teamRevision' | 'getSettingRecord'> & {
  conversationIdsActiveSince(websiteId: string, since: string, options?: { open?: boolean }): AsyncIterable<string>;
};

export interface WebsiteChangeDeps {
  store: WebsiteChangeStore;
  engine: SignalEngine;
  /** Tells the engine the activity is alive (Temporal's activity heartbeat), with how many it told so far. */
  heartbeat?: (told: number) => void;
  /** Whether the engine gave up on this attempt (it timed out or was cancelled): it then tells no one more, as a retry will. */
  abandoned?: () => boolean;
}

/** The one engine call the telling needs (the engine's `WorkflowEngine` has it). */
export interface SignalEngine {
  signal(o: { workflowId: string; signal: string; args: unknown[] }): Promise<void>;
}

export function createWebsiteChangeActivities({ store, engine, heartbeat, abandoned = () => false }: WebsiteChangeDeps): WebsiteChangeActivities {
  return {
    async tellConversations({ websiteId, actor, what, activeSince, toldRevisions }) {
      const roster = what.includes('roster') ? await rosterChange(store, websiteId, actor) : undefined;
      const settings: SettingsChange | undefined = what.includes('settings') ? { actor, ...(await loadWorkflowSettings(store, websiteId)) } : undefined;
      const signals = [...(roster ? [{ signal: rosterChanged.name, arg: roster }] : []), ...(settings ? [{ signal: settingsChanged.name, arg: settings }] : [])];
      // The late pass tells everyone after all when the round it follows told an older team or
      // settings than there are now: written after that round began, by an instance that then
      // stopped before telling of it (it tells before writing too, but the write may come late).
      const recentOnly = activeSince !== undefined && !(toldRevisions && movedOn(toldRevisions, { team: roster?.revision, settings: settings?.revision }));
      // Open conversations, and resolved ones whose workflow may still run for the longest retention there is; or the late pass's.
      const ids = recentOnly
        ? store.conversationIdsActiveSince(websiteId, activeSince)
        : store.conversationIdsActiveSince(websiteId, longestRetentionAgo(), { open: true });
      let told = 0;
      /** When each conversation whose workflow is set aside (runtime/engine-thread/set-aside.ts) may be told. */
      const setAside = new Map<string, Date>();
      const tell = async (conversationId: string) => {
        // An abandoned attempt's old team or settings must not overwrite what its retry sends.
        if (abandoned()) throw new Error('the engine gave up on this attempt');
        heartbeat?.(told);
        try {
          for (const { signal, arg } of signals) await engine.signal({ workflowId: conversationWorkflowId(conversationId), signal, args: [arg] });
          told += 1;
        } catch (err) {
          // One set aside refuses every call for a while: the others are told meanwhile, and it after (below).
          if (err instanceof WorkflowSetAsideError) return void setAside.set(conversationId, err.until);
          // A conversation whose workflow does not run gets the team and settings in its input when one starts.
          if ((err as { code?: unknown }).code !== 'ERR_WORKFLOW_NOT_FOUND') throw err;
        }
      };
      await forEachBounded(ids, CONCURRENCY, tell);
      if (setAside.size > 0) {
        // The retry, when the first of them may be told, tells everyone again (a repeat of the same
        // revision changes nothing); within a minute at most, as the workflow's retry policy has it,
        // for the workflow takes no later change before this one is told (a set-aside lasts an hour at most).
        const first = Math.min(...[...setAside.values()].map((until) => until.getTime()));
        throw ApplicationFailure.create({
          message: `Conversations set aside could not be told yet: ${[...setAside.keys()].join(', ')}`,
          type: 'WorkflowSetAside',
          nextRetryDelay: Math.min(MAX_RETRY_DELAY_MS, Math.max(1_000, first - Date.now())),
        });
      }
      return { told, revisions: { ...(roster ? { team: roster.revision } : {}), ...(settings?.revision === undefined ? {} : { settings: settings.revision }) } };
    },
  };
}

/** Whether the store holds a newer team or settings than a round told. */
function movedOn(told: ToldRevisions, now: ToldRevisions): boolean {
  const newer = (kind: keyof ToldRevisions) => told[kind] !== undefined && (now[kind] ?? 0) > told[kind];
  return newer('team') || newer('settings');
}

/**
 * The team as workflows are given it, with its revision, and who removed each person the team lost
 * within the longest retention (no running workflow knew anyone removed earlier).
 */
export async function rosterChange(store: Pick<WebsiteChangeStore, 'listTeamMembers' | 'listFormerMembers' | 'teamRevision'>, websiteId: string, actor: Author): Promise<RosterChange> {
  const { roster, revision } = await loadRoster(store, websiteId);
  const former = await store.listFormerMembers(websiteId, longestRetentionAgo());
  const departedBy = Object.fromEntries(former.flatMap(({ id, removedBy }) => (removedBy ? [[id, removedBy]] : [])));
  return { actor, roster, revision, departedBy };
}

/**
 * Runs `each` over the items, at most `limit` at once. The first failure stops it: no item is
 * started after it, the items' source is closed, and it is thrown once those under way have ended
 * (so a retry does not run beside them).
 */
async function forEachBounded<T>(items: AsyncIterable<T>, limit: number, each: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure) {
      const next = await iterator.next();
      if (next.done) return;
      await each(next.value).catch((error: unknown) => {
        failure ??= { error };
      });
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  if (failure) {
    await iterator.return?.();
    throw failure.error;
  }
}

/** Tells the website's changes workflow what changed, starting the workflow if it does not run. */
export function websiteChangeNotices(engine: SignalWithStartEngine) {
  return {
    changed: (websiteId: string, actor: Author, what: WebsiteChangeKind[]): Promise<void> => {
      const input: WebsiteChangesInput = { websiteId };
      return engine.signalWithStart({
        workflowType: WEBSITE_CHANGES_WORKFLOW_TYPE,
        workflowId: websiteChangesWorkflowId(websiteId),
        args: [input],
        signal: websiteChanged.name,
        signalArgs: [{ actor, what }],
      });
    },
  };
}
export type WebsiteChangeNotices = ReturnType<typeof websiteChangeNotices>;
