/** The Settings page's form of the lifecycle settings, saved with `PUT /v1/settings/lifecycle`. */
import { PRIORITIES } from '../../domain/conversation';
import { taggedField, type ApiClient } from '../shared/api-client';
import type { LifecycleSettings } from '../shared/wire';
import { lifecycleBody, lifecycleValues, targetKey } from './lifecycle-values';
import { fieldGroup, inputField, switchField } from './settings-fields';
import type { SettingsSource } from './settings-form';
import type { FormValues } from './settings-values';

/** The API's ranges (docs/api.md): the browser says so before anything is sent. */
const YEAR_MINUTES = '525600';

/** A number of minutes; `nullable`: one that may be left empty ("never"). */
const minutes = (label: string, key: string, values: FormValues, { max = YEAR_MINUTES, nullable = false, hint }: { max?: string; nullable?: boolean; hint?: string } = {}) =>
  inputField(label, key, String(values[key] ?? ''), { type: 'number', hint, attributes: { min: '1', max, step: '1', required: !nullable } });

const capitalised = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

function lifecycleFields(values: FormValues): HTMLElement[] {
  const on = (key: string) => values[key] === true;
  return [
    fieldGroup(
      'First-response targets, in minutes (empty: no target)',
      'firstResponseMinutes',
      ...PRIORITIES.map((priority) => minutes(capitalised(priority), targetKey(priority), values, { nullable: true })),
    ),
    switchField('Raise the priority of a conversation that misses its target', 'bumpPriorityOnSlaBreach', on('bumpPriorityOnSlaBreach')),
    minutes('Resolve a quiet conversation after (minutes)', 'autoResolveAfterMinutes', values, { nullable: true, hint: 'Counted from the last reply. Empty: never.' }),
    minutes('Keep a resolved conversation for (minutes)', 'retentionAfterResolveMinutes', values),
    minutes('Pause the AI for (minutes), when an agent pauses it', 'defaultAiPauseMinutes', values, { max: String(7 * 24 * 60) }),
    switchField('The AI takes a reopened conversation back', 'aiTakesReopened', on('aiTakesReopened')),
    minutes('Give the conversations of someone offline back to the team after (minutes)', 'releaseOfflineAssigneesAfterMinutes', values, { max: String(24 * 60), nullable: true, hint: 'Empty: never.' }),
    switchField("Assign a conversation nobody has to the person who replies first", 'assignOnReply', on('assignOnReply')),
  ];
}

export const lifecycleSource = (api: ApiClient): SettingsSource<LifecycleSettings> => ({
  read: async () => taggedField(await api.lifecycleSettings(), 'settings'),
  values: lifecycleValues,
  // A PUT replaces them whole: every field, the server's now with the reader's changes.
  save: async (current, values) => taggedField(await api.putLifecycleSettings(lifecycleBody(values), current.etag), 'settings'),
  fields: lifecycleFields,
});
