/**
 * A website's lifecycle settings (first-response targets, auto-resolve, retention, AI pause): kept
 * in the website settings in the API's terms (minutes, every field filled in), given to each
 * conversation workflow when it starts.
 */
import type { Store } from '../../activities/store';
import { PRIORITIES, type Priority } from '../../domain/conversation';
import { DEFAULT_LIFECYCLE_SETTINGS, type LifecycleSettings } from '../../workflows/conversation/definitions';
import type { LifecycleSettingsBody } from '../schemas/settings';

export const LIFECYCLE_SETTINGS_KEY = 'lifecycleSettings';
const MINUTE_MS = 60_000;

export interface LifecycleSettingsView {
  firstResponseMinutes: Record<Priority, number | null>;
  bumpPriorityOnSlaBreach: boolean;
  autoResolveAfterMinutes: number | null;
  retentionAfterResolveMinutes: number;
  defaultAiPauseMinutes: number;
  aiTakesReopened: boolean;
}

const inMinutes = (ms: number): number => Math.round(ms / MINUTE_MS);

const inMinutesOrNull = (ms: number | undefined): number | null => (ms === undefined ? null : inMinutes(ms));

function viewOf(settings: LifecycleSettings): LifecycleSettingsView {
  return {
    firstResponseMinutes: Object.fromEntries(PRIORITIES.map((p) => [p, inMinutesOrNull(settings.firstResponseSlaMs[p])])) as Record<Priority, number | null>,
    bumpPriorityOnSlaBreach: settings.bumpPriorityOnSlaBreach,
    autoResolveAfterMinutes: inMinutesOrNull(settings.autoResolveAfterMs),
    retentionAfterResolveMinutes: inMinutes(settings.retentionAfterResolveMs),
    defaultAiPauseMinutes: inMinutes(settings.defaultAiPauseMs),
    aiTakesReopened: settings.aiTakesReopened ?? false,
  };
}

export const DEFAULT_LIFECYCLE_VIEW: LifecycleSettingsView = viewOf(DEFAULT_LIFECYCLE_SETTINGS);

/** A PUT's body with the defaults filled in. */
export function completeSettings(body: LifecycleSettingsBody): LifecycleSettingsView {
  return { ...DEFAULT_LIFECYCLE_VIEW, ...body, firstResponseMinutes: { ...DEFAULT_LIFECYCLE_VIEW.firstResponseMinutes, ...body.firstResponseMinutes } };
}

/** What a conversation workflow is given. */
export function workflowSettings(view: LifecycleSettingsView): LifecycleSettings {
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

export async function loadLifecycleSettings(store: Pick<Store, 'getSetting'>, websiteId: string): Promise<LifecycleSettingsView> {
  return (await store.getSetting<LifecycleSettingsView>(websiteId, LIFECYCLE_SETTINGS_KEY)) ?? DEFAULT_LIFECYCLE_VIEW;
}
