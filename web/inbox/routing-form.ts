/** The Settings page's form of the routing rules' simple value, the default team, saved with `PUT /v1/settings/routing`. */
import { taggedField, type ApiClient } from '../shared/api-client';
import { h } from '../shared/dom';
import type { RoutingRules } from '../shared/wire';
import { inputField } from './settings-fields';
import type { SettingsSource } from './settings-form';
import type { FormValues } from './settings-values';

function routingFields(values: FormValues, routing: RoutingRules): HTMLElement[] {
  const count = routing.rules.length;
  return [
    inputField('Default team', 'defaultTeam', String(values.defaultTeam ?? ''), {
      hint: 'Where an escalated conversation goes when no rule matches it. Someone on the team must belong to it.',
      attributes: { required: true },
    }),
    h(
      'p',
      { class: 'settings-hint muted' },
      `${count === 0 ? 'No rules send' : count === 1 ? '1 rule sends' : `${count} rules send`} conversations to teams by tag and priority; they are changed over the API: `,
      h('code', {}, 'PUT /v1/settings/routing'),
      '.',
    ),
  ];
}

export const routingSource = (api: ApiClient): SettingsSource<RoutingRules> => ({
  read: async () => taggedField(await api.routing(), 'routing'),
  values: (routing) => ({ defaultTeam: routing.defaultTeam }),
  // A PUT replaces them whole: the rules as the server has them at the revision it holds to.
  save: async (current, values) => taggedField(await api.putRouting({ rules: current.value.rules, defaultTeam: String(values.defaultTeam).trim() }, current.etag), 'routing'),
  fields: routingFields,
});
