/**
 * An endpoint's recent delivery attempts, as the Settings page shows them under it: when, which
 * event, the endpoint's answer, and what became of the event; each event can be sent again (from
 * its latest attempt's row), and so can all the endpoint missed this past week, after an outage
 * once it is mended (asking first: it sends at once what was waiting for its next retry too). The
 * list is read again every few seconds while it is open and the page is seen, so a retry made
 * meanwhile shows by itself; rows whose attempt is unchanged are kept, with the focus in them.
 */
import { NewestAnswer } from '../../domain/newest-answer';
import type { ApiClient } from '../shared/api-client';
import { confirmingButton } from '../shared/confirm-button';
import { focusLost, h, mount } from '../shared/dom';
import { formatTime, timeLabel } from '../shared/format';
import { KeptRows } from '../shared/kept-rows';
import { errorText, showError, showNote } from '../shared/toast';
import type { WebhookAttemptInfo } from '../shared/wire';

/** How far back "Send again what it missed" reaches: as long as finished deliveries are kept. */
const KEPT_MS = 7 * 24 * 3_600_000;
/** When the list is read again after a redelivery, for its attempt to show (it is sent at once by the instance asked). */
const RELOAD_AFTER_MS = 1_500;
/** How often the open list is read again: a retry is due minutes apart, a first attempt within seconds of its event. */
const LIVE_READ_MS = 5_000;

/** An attempt as a row: `latest`, the newest attempt of its event, offers to send it again. */
type AttemptRow = { id: string; attempt: WebhookAttemptInfo; latest: boolean };

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
  const row = ({ attempt, latest }: AttemptRow) =>
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
  // An attempt is one moment of one event: what it shows changes only as its outcome is written.
  const kept = new KeptRows(row, ({ attempt, latest }: AttemptRow) => [attempt.outcome, attempt.retryAt, attempt.statusCode, attempt.error, latest]);
  /** The timer's read and a button's may overlap. */
  const reads = new NewestAnswer();
  let reading = 0;
  async function load(): Promise<void> {
    const take = reads.ask();
    reading++;
    try {
      const { deliveries } = await api.webhookAttempts(endpointId);
      if (!take()) return;
      const offered = new Set<string>();
      const latest = ({ eventId }: WebhookAttemptInfo) => !offered.has(eventId) && Boolean(offered.add(eventId));
      // A Send again pressed moves to its event's new latest row: the one pressed is drawn without it.
      const focusedEvent = rows.contains(document.activeElement) ? document.activeElement?.closest('tr')?.dataset.eventId : undefined;
      kept.place(rows, deliveries.map((attempt) => ({ id: `${attempt.eventId} ${attempt.attempt} ${attempt.at}`, attempt, latest: latest(attempt) })), h('tr'));
      if (focusedEvent !== undefined && focusLost()) rows.querySelector<HTMLElement>(`tr[data-event-id="${CSS.escape(focusedEvent)}"] button`)?.focus();
      table.hidden = deliveries.length === 0;
      mount(status, deliveries.length === 0 ? 'Nothing was sent to it this past week.' : deliveries.length === 1 ? 'One attempt.' : `The latest ${deliveries.length} attempts, newest first.`);
    } catch (error) {
      if (take()) mount(status, `Couldn't read the attempts: ${errorText(error)}`);
    } finally {
      reading--;
    }
  }
  const missed = () =>
    sendAgain(
      () => api.redeliverWebhook(endpointId, new Date(Date.now() - KEPT_MS).toISOString()),
      (count) => (count === 0 ? 'It has taken everything it was sent this past week.' : `${count} ${count === 1 ? 'event is' : 'events are'} being sent again.`),
    );
  const view = h(
    'div',
    { class: 'webhook-attempts-view', data: { testid: `webhook-attempts-${endpointId}` } },
    h('div', { class: 'settings-actions' }, h('button', { type: 'button', class: 'btn', on: { click: () => void load() } }, 'Refresh'), confirmingButton('Send again what it missed', 'this week', missed)),
    status,
    table,
  );
  void load();
  // Read while seen, not while a read is on its way (a slow server is not asked again and again),
  // and at once when the page is seen again; until the view is closed (or its page left).
  const seen = () => document.visibilityState === 'visible';
  const live = setInterval(() => {
    if (!view.isConnected) stop();
    else if (seen() && reading === 0) void load();
  }, LIVE_READ_MS);
  const seenAgain = () => {
    if (!view.isConnected) stop();
    else if (seen()) void load();
  };
  const stop = () => {
    clearInterval(live);
    document.removeEventListener('visibilitychange', seenAgain);
  };
  document.addEventListener('visibilitychange', seenAgain);
  return view;
}
