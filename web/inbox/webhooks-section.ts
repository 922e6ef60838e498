/**
 * The Settings page's webhooks, for admins: the endpoints the server posts signed events to, a form
 * to add one, and for each its recent attempts, a new signing secret and Delete. A secret is shown
 * once, in the answer that makes or renews it, as the server gives it nowhere else; it stays until
 * hidden or its endpoint is deleted.
 */
import type { ApiClient } from '../shared/api-client';
import { confirmingButton } from '../shared/confirm-button';
import { focusLost, h, mount } from '../shared/dom';
import { KeptRows } from '../shared/kept-rows';
import { errorText, showError } from '../shared/toast';
import type { WebhookEndpointInfo, WebhookEventType } from '../shared/wire';
import { written } from '../shared/written';
import { NewestAnswer } from '../../domain/newest-answer';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks';
import { webhookAttempts } from './webhook-attempts';

export interface WebhooksSection {
  element: HTMLElement;
  /** Reads the endpoints again (another admin changed them). */
  readAgain(): void;
}

export function webhooksSection(api: ApiClient): WebhooksSection {
  const heading = h('h3', { tabindex: '-1' }, 'Webhooks');
  const list = h('ul', { class: 'webhook-rows' });
  const readError = h('p', { role: 'alert' });
  /** Where a new secret shows, and whose it is. */
  const secretNote = h('div', { class: 'webhook-secret', tabindex: '-1', hidden: true });
  let secretOf: string | undefined;
  const url = h('input', { name: 'url', type: 'url', required: true, maxlength: '2048', placeholder: 'https://example.com/hooks/support', autocomplete: 'off' });
  const description = h('input', { name: 'description', maxlength: '500', autocomplete: 'off' });
  // Checked as an attribute, so the form's reset after an endpoint is made checks it again.
  const boxes = WEBHOOK_EVENT_TYPES.map((type) => h('input', { type: 'checkbox', name: 'events', value: type, checked: type === 'message.created' && '' }));
  const add = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add endpoint');
  const form = h(
    'form',
    { class: 'webhook-form', 'aria-label': 'New webhook endpoint' },
    h('label', {}, 'URL', url),
    h('fieldset', { class: 'webhook-events' }, h('legend', {}, 'Events'), ...boxes.map((box) => h('label', {}, box, h('code', {}, box.value)))),
    h('label', {}, 'Description (optional)', description),
    h('div', { class: 'settings-actions' }, add),
  );

  const hideSecret = () => {
    secretOf = undefined;
    secretNote.hidden = true;
    mount(secretNote);
  };
  const showSecret = ({ webhook, secret }: { webhook: WebhookEndpointInfo; secret: string }) => {
    secretOf = webhook.id;
    secretNote.hidden = false;
    mount(
      secretNote,
      `Signing secret of ${webhook.url}, shown this once: copy it to your receiver now. `,
      h('code', { data: { testid: 'webhook-secret' } }, secret),
      ' ',
      h('button', { type: 'button', class: 'btn', on: { click: () => (hideSecret(), heading.focus()) } }, 'Hide'),
    );
    secretNote.focus();
  };
  /** Sends a change (`what` it does, for a failure's words), then reads the endpoints again; the answer, or undefined when it failed (said in a toast). */
  const change = async <T>(what: string, request: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await request();
    } catch (error) {
      showError(new Error(`Couldn't ${what}: ${errorText(error)}`));
      return undefined;
    } finally {
      await load();
    }
  };
  const remove = async (endpoint: WebhookEndpointInfo) => {
    await change('delete the endpoint', () => api.removeWebhook(endpoint.id));
    // Its row gone, the focus went with it (unless the reader moved on meanwhile).
    if (focusLost()) heading.focus();
  };
  const row = (endpoint: WebhookEndpointInfo) => {
    const attempts = h('div', { class: 'webhook-attempts-holder' });
    const toggle = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'aria-label': `Deliveries to ${endpoint.url}` }, 'Deliveries');
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      mount(attempts, open && webhookAttempts(api, endpoint.id));
    });
    const renew = async () => {
      const renewed = await change('make a new secret', () => api.renewWebhookSecret(endpoint.id));
      if (renewed) showSecret(renewed);
    };
    return h(
      'li',
      { class: 'webhook-row', data: { webhookId: endpoint.id } },
      h('span', { class: 'webhook-url' }, endpoint.url),
      h('span', { class: 'webhook-types muted' }, endpoint.events.join(', ')),
      endpoint.description && written('span', { class: 'webhook-description' }, endpoint.description),
      h('span', { class: 'settings-actions' }, toggle, confirmingButton('New secret', `for ${endpoint.url}`, renew), confirmingButton('Delete', endpoint.url, () => remove(endpoint))),
      attempts,
    );
  };
  /** Kept across redraws while what they show is unchanged (a new secret is not shown there): an endpoint's open deliveries stay open. */
  const rows = new KeptRows(row, ({ url, events, description }: WebhookEndpointInfo) => [url, events, description]);
  // A change's read and one another admin's change asked for may cross: the later asked is kept.
  const reads = new NewestAnswer();
  async function load(): Promise<void> {
    const newest = reads.ask();
    try {
      const { webhooks } = await api.webhooks();
      if (!newest()) return;
      rows.place(list, webhooks, h('li', { class: 'muted' }, 'No endpoints: the server posts events nowhere.'));
      mount(readError);
      if (secretOf !== undefined && !rows.has(secretOf)) hideSecret();
    } catch (error) {
      if (!newest()) return;
      // Beside the rows, not for them: an open deliveries view stays (it stops only once its row is gone).
      mount(readError, `Couldn't read the webhooks: ${errorText(error)}`);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const events = boxes.filter((box) => box.checked).map((box) => box.value as WebhookEventType);
    if (events.length === 0) return showError(new Error('Pick at least one event for the endpoint.'));
    const fields = { url: url.value.trim(), events, ...(description.value.trim() ? { description: description.value.trim() } : {}) };
    // One endpoint per click: a second click while the first is on its way would make another, whose secret nobody saw.
    add.disabled = true;
    const made = await change('add the endpoint', () => api.addWebhook(fields)).finally(() => (add.disabled = false));
    if (!made) return;
    form.reset();
    showSecret(made);
  });

  void load();
  const element = h(
    'section',
    { class: 'settings-section', data: { testid: 'webhooks' } },
    heading,
    h('p', { class: 'muted' }, 'Endpoints the server posts a signed event to for each thing they ask for. A failed delivery is retried for a day; after that, or to have one again, send it again from its deliveries.'),
    readError,
    list,
    secretNote,
    form,
  );
  /** Another admin's change may take the row or the secret that held the focus: it goes to the heading, not the page's start. */
  const readAgain = async () => {
    const hadFocus = element.contains(document.activeElement);
    await load();
    if (hadFocus && focusLost()) heading.focus();
  };
  return { element, readAgain: () => void readAgain() };
}
