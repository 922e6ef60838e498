/**
 * A website's lifecycle settings (first-response targets, auto-resolve, retention, AI pause, when
 * an offline person's conversations go back to the team): kept in the website settings in the
 * API's terms (minutes, every field filled in), given to each conversation workflow when it starts
 * and told to those running when they change. With the team, what a conversation workflow is given
 * of its website. The offline release is the team queues' to time (they hear of presence), read
 * when they ask (`offlineReleaseAfterMs`), and the assignment on reply the server's: neither is
 * given to conversation workflows.
 */
import { PRIORITIES, type Priority } from '../domain/conversation';
import type { LifecycleSettingsView } from '../domain/lifecycle-settings';
import { DEFAULT_LIFECYCLE_SETTINGS, type LifecycleSettings, type RosterMember } from '../workflows/conversation/definitions';
import type { Store } from './store';

export type { LifecycleSettingsView };

export const LIFECYCLE_SETTINGS_KEY = 'lifecycleSettings';
const MINUTE_MS = 60_000;

/** A live-chat visitor waiting a day for someone offline is waiting for nobody: the longest grace allowed. */
export const MAX_OFFLINE_RELEASE_MINUTES = 24 * 60;

const inMinutes = (ms: number): number => Math.round(ms / MINUTE_MS);

const inMinutesOrNull = (ms: number | undefined): number | null => (ms === undefined ? null : inMinutes(ms));

/** The fields conversation workflows are given; the others are the server's and the team queues'. */
type WorkflowView = Omit<LifecycleSettingsView, 'releaseOfflineAssigneesAfterMinutes' | 'assignOnReply'>;

function viewOf(settings: LifecycleSettings): WorkflowView {
  return {
    firstResponseMinutes: Object.fromEntries(PRIORITIES.map((p) => [p, inMinutesOrNull(settings.firstResponseSlaMs[p])])) as Record<Priority, number | null>,
    bumpPriorityOnSlaBreach: settings.bumpPriorityOnSlaBreach,
    autoResolveAfterMinutes: inMinutesOrNull(settings.autoResolveAfterMs),
    retentionAfterResolveMinutes: inMinutes(settings.retentionAfterResolveMs),
    defaultAiPauseMinutes: inMinutes(settings.defaultAiPauseMs),
    aiTakesReopened: settings.aiTakesReopened ?? false,
  };
}

export const DEFAULT_LIFECYCLE_VIEW: LifecycleSettingsView = { ...viewOf(DEFAULT_LIFECYCLE_SETTINGS), releaseOfflineAssigneesAfterMinutes: 15, assignOnReply: true };

/** What a conversation workflow is given. */
function workflowSettings(view: LifecycleSettingsView): LifecycleSettings {
  const firstResponseSlaMs: LifecycleSettings['firstResponseSlaMs'] = {};
  for (const priority of PRIORITIES) {
    const target = view.firstResponseMinutes[priority];
    if (target !== null) firstResponseSlaMs[priority] = target * MINUTE_MS;
  }
  return {
    firstResponseSlaMs,
    bumpPriorityOnSlaBreach: view.bumpPriorityOnSlaBreach,
    ...(view.autoResolveAfterMinutes === null ? {} : { autoResolveAfterMs: view.autoResolveAfterMinutes * MINUTE_MS }),
    retentionAfterResolveMs: view.retentionAfterResolveMinutes * MINUTE_MS,
    defaultAiPauseMs: view.defaultAiPauseMinutes * MINUTE_MS,
    aiTakesReopened: view.aiTakesReopened,
  };
}

/** Settings as stored (none: the defaults), with the default of any field added since they were stored. */
export const withLifecycleDefaults = (stored: LifecycleSettingsView | undefined): LifecycleSettingsView => ({ ...DEFAULT_LIFECYCLE_VIEW, ...stored });

/** The stored settings, with the default of any field added since they were stored. */
export async function loadLifecycleSettings(store: Pick<Store, 'getSetting'>, websiteId: string): Promise<LifecycleSettingsView> {
  return withLifecycleDefaults(await store.getSetting<LifecycleSettingsView>(websiteId, LIFECYCLE_SETTINGS_KEY));
}

/** How long a person of the website may be offline before their conversations go back to the team; null: never. */
export async function offlineReleaseAfterMs(store: Pick<Store, 'getSetting'>, websiteId: string): Promise<number | null> {
  const minutes = (await loadLifecycleSettings(store, websiteId)).releaseOfflineAssigneesAfterMinutes;
  return minutes === null ? null : minutes * MINUTE_MS;
}

/**
 * The settings as conversation workflows are given them, with when they were stored and their
 * revision (both absent while the defaults hold): a conversation counts moved deadlines from then,
 * and takes no settings of a lower revision than those it has (signals may come out of order).
 */
export async function loadWorkflowSettings(
  store: Pick<Store, 'getSettingRecord'>,
  websiteId: string,
): Promise<{ settings: LifecycleSettings; changedAt?: string; revision?: number }> {
  const stored = await store.getSettingRecord<LifecycleSettingsView>(websiteId, LIFECYCLE_SETTINGS_KEY);
  return { settings: workflowSettings(stored?.value ?? DEFAULT_LIFECYCLE_VIEW), ...(stored ? { changedAt: stored.updatedAt, revision: stored.revision } : {}) };
}

/**
 * The team as conversation workflows are given it (who, and whether human or AI), with the team
 * revision read before it: the team read is at least that new, so a conversation takes no team of
 * a lower revision than the one it has (signals may come out of order).
 */
export async function loadRoster(store: Pick<Store, 'listTeamMembers' | 'teamRevision'>, websiteId: string): Promise<{ roster: RosterMember[]; revision: number }> {
  const revision = await store.teamRevision(websiteId);
  return { roster: (await store.listTeamMembers(websiteId)).map(({ id, kind }) => ({ id, kind })), revision };
}
