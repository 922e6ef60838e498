/** The Settings page's form of an AI assistant: the fields a team edits, saved with `PATCH /v1/ai-agents/:id`. */
import { taggedField, type ApiClient } from '../shared/api-client';
import { h } from '../shared/dom';
import type { AssistantConfig } from '../shared/wire';
import { assistantPatch, assistantValues, dayKey, WEEK_DAYS } from './assistant-values';
import { fieldGroup, inputField, switchField, textField } from './settings-fields';
import type { SettingsSource } from './settings-form';
import type { FormValues } from './settings-values';

const text = (values: FormValues, key: string): string => String(values[key] ?? '');

/** Whether the team keeps hours, then the hours: taken only while it does, so they cannot be edited in vain (a save would drop them). */
function businessHoursFields(values: FormValues): HTMLElement[] {
  const keeps = values.businessHours === true;
  const hours = h(
    'fieldset',
    { class: 'settings-subgroup', disabled: !keeps },
    inputField('Time zone', 'businessHours.timeZone', text(values, 'businessHours.timeZone'), { hint: 'As the IANA names it, e.g. Europe/Paris.' }),
    fieldGroup('Days', 'businessHours.days', ...WEEK_DAYS.map(({ day, name }) => switchField(name, dayKey(day), values[dayKey(day)] === true, { slot: false }))),
    inputField('Opens at', 'businessHours.start', text(values, 'businessHours.start'), { type: 'time' }),
    inputField('Closes at', 'businessHours.end', text(values, 'businessHours.end'), { type: 'time' }),
  );
  const keepsHours = switchField('The team keeps business hours', 'businessHours', keeps, { slot: false });
  keepsHours.querySelector('input')?.addEventListener('change', (event) => (hours.disabled = !(event.target as HTMLInputElement).checked));
  return [keepsHours, hours];
}

function assistantFields(values: FormValues, config: AssistantConfig): HTMLElement[] {
  return [
    inputField('Name', 'name', text(values, 'name'), { hint: 'How visitors and the team see it.', attributes: { required: true, maxlength: '200' } }),
    switchField('Answers visitors', 'enabled', values.enabled === true, { hint: 'Switched off, every message goes to the team at once.' }),
    textField('Instructions', 'instructions', text(values, 'instructions'), { hint: 'What the assistant is told before every answer.', attributes: { rows: 4 } }),
    textField('Welcome messages', 'welcomeMessages', text(values, 'welcomeMessages'), {
      hint: 'What a new conversation opens with, said by the assistant: up to 5, with a blank line between two. Empty: none.',
    }),
    textField('Hand-off message', 'escalation.handoffMessage', text(values, 'escalation.handoffMessage'), { hint: 'Said to the visitor when the assistant hands the conversation to the team.' }),
    textField('Away message', 'escalation.awayMessage', text(values, 'escalation.awayMessage'), {
      hint: 'Said instead when nobody of the team is online; outside business hours, when the team opens next follows it.',
    }),
    fieldGroup('Business hours', 'businessHours', ...businessHoursFields(values)),
    switchField('Answers only outside business hours', 'onlyOutsideBusinessHours', values.onlyOutsideBusinessHours === true, {
      hint: 'During them, the team answers.',
    }),
    // A page is no place to edit dozens of articles or matching rules: those stay with the API.
    h(
      'p',
      { class: 'settings-hint muted' },
      `Its knowledge base (${config.knowledge.length} ${config.knowledge.length === 1 ? 'article' : 'articles'}), model, permissions, keyword rules and when it hands a conversation over are changed over the API: `,
      h('code', {}, `PATCH /v1/ai-agents/${config.id}`),
      '.',
    ),
  ];
}

export const assistantSource = (api: ApiClient, id: string): SettingsSource<AssistantConfig> => ({
  read: async () => taggedField(await api.assistant(id), 'agent'),
  values: assistantValues,
  save: async (current, values, changed) => taggedField(await api.changeAssistant(id, assistantPatch(values, changed), current.etag), 'agent'),
  fields: assistantFields,
});
