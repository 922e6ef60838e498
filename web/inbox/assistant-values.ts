/**
 * The AI assistant's fields a team edits on the Settings page, as form values, and the
 * `PATCH /v1/ai-agents/:id` body that saves a change of them.
 */
import type { AssistantConfig, BusinessHours } from '../../domain/assistant';
import type { FormValues } from './settings-values';

/** The days of the week as the configuration numbers them (0 = Sunday), in the order the page shows them. */
export const WEEK_DAYS = [
  { day: 1, name: 'Monday' },
  { day: 2, name: 'Tuesday' },
  { day: 3, name: 'Wednesday' },
  { day: 4, name: 'Thursday' },
  { day: 5, name: 'Friday' },
  { day: 6, name: 'Saturday' },
  { day: 0, name: 'Sunday' },
] as const;

/** What the fields show while an assistant has no business hours: the server's defaults, ready for when they are switched on. */
const DEFAULT_HOURS: BusinessHours = { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

/** Welcome messages are edited as paragraphs: one blank line between two messages. */
const MESSAGE_BREAK = /\n\s*\n/;

export const dayKey = (day: number): string => `businessHours.days.${day}`;

export function assistantValues(config: AssistantConfig): FormValues {
  const hours = config.businessHours ?? DEFAULT_HOURS;
  return {
    name: config.name,
    enabled: config.enabled,
    instructions: config.instructions,
    welcomeMessages: (config.welcomeMessages ?? []).join('\n\n'),
    'escalation.handoffMessage': config.escalation.handoffMessage,
    'escalation.awayMessage': config.escalation.awayMessage,
    businessHours: config.businessHours !== undefined,
    'businessHours.timeZone': hours.timeZone,
    ...Object.fromEntries(WEEK_DAYS.map(({ day }) => [dayKey(day), hours.days.includes(day)])),
    'businessHours.start': hours.start,
    'businessHours.end': hours.end,
    onlyOutsideBusinessHours: config.onlyOutsideBusinessHours,
  };
}

/** The texts of the welcome messages field, none for an empty field (`null` takes them off). */
const welcomeMessagesOf = (text: string): string[] | null => {
  const messages = text
    .split(MESSAGE_BREAK)
    .map((message) => message.trim())
    .filter((message) => message !== '');
  return messages.length === 0 ? null : messages;
};

const text = (values: FormValues, key: string): string => String(values[key] ?? '');

/**
 * The PATCH body for the `changed` keys of `values`: each field they touch. The server merges an
 * object into the stored one, so of the escalation rules only the two messages the page shows are
 * sent: the phrases and tags someone set over the API meanwhile stay theirs. The business hours
 * are all on the page, and sent whole.
 */
export function assistantPatch(values: FormValues, changed: readonly string[]): Record<string, unknown> {
  const touched = new Set(changed.map((key) => key.split('.')[0]));
  const body: Record<string, unknown> = {};
  if (touched.has('name')) body.name = text(values, 'name').trim();
  if (touched.has('enabled')) body.enabled = values.enabled === true;
  if (touched.has('instructions')) body.instructions = text(values, 'instructions');
  if (touched.has('welcomeMessages')) body.welcomeMessages = welcomeMessagesOf(text(values, 'welcomeMessages'));
  if (touched.has('escalation')) {
    body.escalation = { handoffMessage: text(values, 'escalation.handoffMessage'), awayMessage: text(values, 'escalation.awayMessage') };
  }
  if (touched.has('businessHours')) {
    body.businessHours =
      values.businessHours === true
        ? {
            timeZone: text(values, 'businessHours.timeZone').trim(),
            days: WEEK_DAYS.map(({ day }) => day)
              .filter((day) => values[dayKey(day)] === true)
              .sort((a, b) => a - b),
            start: text(values, 'businessHours.start'),
            end: text(values, 'businessHours.end'),
          }
        : null;
  }
  if (touched.has('onlyOutsideBusinessHours')) body.onlyOutsideBusinessHours = values.onlyOutsideBusinessHours === true;
  return body;
}
