/**
 * The lifecycle settings (`/v1/settings/lifecycle`) as form values, and the `PUT` body that saves
 * them: every field, since a `PUT` replaces them whole. Minutes are texts, as number fields hold
 * them; an empty one is "never" (or "no target") where the setting may be `null`.
 */
import { PRIORITIES } from '../../domain/conversation';
import type { LifecycleSettings } from '../shared/wire';
import type { FormValues } from './settings-values';

type MinutesField = 'autoResolveAfterMinutes' | 'retentionAfterResolveMinutes' | 'defaultAiPauseMinutes' | 'releaseOfflineAssigneesAfterMinutes';
type SwitchField = 'bumpPriorityOnSlaBreach' | 'aiTakesReopened' | 'assignOnReply';

export const MINUTES_FIELDS: readonly MinutesField[] = ['autoResolveAfterMinutes', 'retentionAfterResolveMinutes', 'defaultAiPauseMinutes', 'releaseOfflineAssigneesAfterMinutes'];
export const SWITCH_FIELDS: readonly SwitchField[] = ['bumpPriorityOnSlaBreach', 'aiTakesReopened', 'assignOnReply'];

export const targetKey = (priority: string): string => `firstResponseMinutes.${priority}`;

const minutesText = (minutes: number | null): string => (minutes === null ? '' : String(minutes));

export function lifecycleValues(settings: LifecycleSettings): FormValues {
  return {
    ...Object.fromEntries(PRIORITIES.map((priority) => [targetKey(priority), minutesText(settings.firstResponseMinutes[priority])])),
    ...Object.fromEntries(MINUTES_FIELDS.map((field) => [field, minutesText(settings[field])])),
    ...Object.fromEntries(SWITCH_FIELDS.map((field) => [field, settings[field]])),
  };
}

/** A minutes field's text as the body says it: empty is `null` (the server refuses it where a number is needed, naming the field). */
const minutesOf = (value: string | boolean | undefined): number | null => (typeof value !== 'string' || value.trim() === '' ? null : Number(value));

export function lifecycleBody(values: FormValues): LifecycleSettings {
  return {
    firstResponseMinutes: Object.fromEntries(PRIORITIES.map((priority) => [priority, minutesOf(values[targetKey(priority)])])) as LifecycleSettings['firstResponseMinutes'],
    ...(Object.fromEntries(MINUTES_FIELDS.map((field) => [field, minutesOf(values[field])])) as Pick<LifecycleSettings, MinutesField>),
    ...(Object.fromEntries(SWITCH_FIELDS.map((field) => [field, values[field] === true])) as Pick<LifecycleSettings, SwitchField>),
  };
}
