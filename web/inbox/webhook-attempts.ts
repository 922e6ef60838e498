/**
 * An endpoint's recent delivery attempts, as the Settings page shows them under it: when, which
 * event, the endpoint's answer, and what became of the event; each event can be sent again (from
 * its latest attempt's row), and so can all the endpoint missed this past week, after an outage
 * once it is mended (asking first: it sends at once what was waiting for its next retry too).
 */
import type { ApiClient } from '../shared/api-client';
import { confirmingButton } from '../shared/confirm-button';
import { h, mount } from '../shared/dom';
import { formatTime, timeLabel } from '../shared/format';
import { errorText, showError, showNote } from '../shared/toast';
import type { WebhookAttemptInfo } from '../shared/wire';

/** How far back "Send again what it missed" reaches: as long as finished deliveries are kept. */
const KEPT_MS = 7 * 24 * 3_600_000;
/** When the list is read again after a redelivery, for its attempt to show (it is sent at once by the instance asked). */
const RELOAD_AFTER_MS = 1_500;

const outcomeText = ({ outcome, retryAt }: WebhookAttemptInfo): string =>
  outcome === 'delivered' ? 'Delivered' : outcome === 'failed' ? 'Given up' : outcome === 'retrying' ? (retryAt ? `Retrying at ${formatTime(retryAt)}` : 'Retrying') : '';

export function webhookAttempts(api: ApiClient, endpointId: string): HTMLElement {
  const rows = h('tbody');
  const table = h(
    'table',
    { class: 'webhook-attempts', hidden: true },
    h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Event'), h('th', {}, 'Attempt'), h('th', {}, 'Answer'), h('th', {}, 'Outcome'), h('th', {}, h('span', { class: 'sr-only' }, 'Actions')))),
    rows,
  );
  const status = h('p', { class: 'muted' }, 'Loading the attempts…');

  const sendAgain = async (request: () => Promise<{ redelivered: number }>, done: (count: number) => string) => {
    try {
      showNote(done((await request()).redelivered));
      setTimeout(() => void load(), RELOAD_AFTER_MS);
    } catch (error) {
      showError(new Error(`Couldn't send it again: ${errorText(error)}`));
    }
  };
  /** `latest`: the newest attempt of its event, whose row offers to send it again. */
  const row = (attempt: WebhookAttemptInfo, latest: boolean) =>
    h(
      'tr',
      { data: { eventId: attempt.eventId, outcome: attempt.outcome ?? '' } },
      h('td', {}, timeLabel(attempt.at, 'webhook-attempt-time')),
      h('td', {}, h('code', {}, attempt.type)),
      h('td', {}, attempt.attempt),
      h('td', {}, attempt.statusCode ?? attempt.error ?? ''),
      h('td', {}, outcomeText(attempt)),
      h(
        'td',
        {},
        latest &&
          h(
            'button',
            {
              type: 'button',
              class: 'btn',
              'aria-label': `Send again: ${attempt.type} ${attempt.eventId}`,
              on: { click: () => void sendAgain(() => api.redeliverWebhookEvent(endpointId, attempt.eventId), () => `${attempt.type} is being sent again.`) },
            },
            'Send again',
          ),
      ),
    );
  async function load(): Promise<void> {
    try {
      const { deliveries } = await api.webhookAttempts(endpointId);
      const offered = new Set<string>();
      const latest = ({ eventId }: WebhookAttemptInfo) => !offered.has(eventId) && Boolean(offered.add(eventId));
      mount(rows, ...deliveries.map((attempt) => row(attempt, latest(attempt))));
      table.hidden = deliveries.length === 0;
      mount(status, deliveries.length === 0 ? 'Nothing was sent to it this past week.' : `The latest ${deliveries.length} attempts, newest first.`);
    } catch (error) {
      mount(status, `Couldn't read the attempts: ${errorText(error)}`);
    }
  }
  const missed = () =>
    sendAgain(
      () => api.redeliverWebhook(endpointId, new Date(Date.now() - KEPT_MS).toISOString()),
      (count) => (count === 0 ? 'It has taken everything it was sent this past week.' : `${count} ${count === 1 ? 'event is' : 'events are'} being sent again.`),
    );
  void load();
  return h(
    'div',
    { class: 'webhook-attempts-view', data: { testid: `webhook-attempts-${endpointId}` } },
    h('div', { class: 'settings-actions' }, h('button', { type: 'button', class: 'btn', on: { click: () => void load() } }, 'Refresh'), confirmingButton('Send again what it missed', 'this week', missed)),
    status,
    table,
  );
}
