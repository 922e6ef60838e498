/**
 * The team's settings, as the inbox shows them in place of a conversation: the AI assistant's,
 * the conversation lifecycle's and the routing's default team, each a form saved on its own.
 * Someone the server would refuse (an `agent` token) sees them read-only, and is told who changes them.
 * Then the team's saved replies, which anyone on the team adds to, and for admins the webhooks.
 */
import type { ApiClient, Tagged } from '../shared/api-client';
import { h, mount } from '../shared/dom';
import { errorText } from '../shared/toast';
import { assistantSource } from './assistant-form';
import { lifecycleSource } from './lifecycle-form';
import { routingSource } from './routing-form';
import type { SavedReplies } from './saved-replies';
import { savedRepliesSection } from './saved-replies-section';
import { SettingsForm, type SettingsSource } from './settings-form';
import { webhooksSection, type WebhooksSection } from './webhooks-section';

/** A section of the page: its heading (focusable by script, for the Team page's link to land on) and its form. */
function section<T>(title: string, source: SettingsSource<T>, record: Tagged<T>, readOnly: boolean, testid: string): HTMLElement {
  const form = new SettingsForm(source, record, { readOnly, saveLabel: `Save ${title}` });
  return h('section', { class: 'settings-section', data: { testid } }, h('h3', { tabindex: '-1' }, title), form.element);
}

export class SettingsPanel {
  private readonly body = h('div', { class: 'settings-body' }, h('p', { class: 'muted' }, 'Loading the settings…'));
  /** Shown to admins once the settings are read. */
  private webhooks: WebhooksSection | undefined;
  readonly element: HTMLElement;

  constructor(
    private readonly api: ApiClient,
    private readonly savedReplies: SavedReplies,
    onBack: () => void,
  ) {
    this.element = h(
      'div',
      { class: 'settings-panel' },
      h(
        'header',
        { class: 'panel-header' },
        h('button', { type: 'button', class: 'panel-back', 'aria-label': 'Back to the list', on: { click: onBack } }, '‹'),
        h('h2', {}, 'Settings'),
      ),
      this.body,
    );
  }

  /** Reads the settings and draws them; `assistantId`: the assistant whose section focus goes to (from its row on the Team page). */
  async load(assistantId?: string): Promise<void> {
    const api = this.api;
    try {
      const [lifecycle, routing] = [lifecycleSource(api), routingSource(api)];
      const [{ member, role }, assistants, settings, rules] = await Promise.all([api.me(), this.assistants(), lifecycle.read(), routing.read()]);
      // A server before `role` said nothing: the page offers the forms, and the server still decides.
      const readOnly = role === 'agent';
      this.webhooks = readOnly ? undefined : webhooksSection(api);
      mount(
        this.body,
        readOnly && h('p', { class: 'settings-read-only', data: { testid: 'settings-read-only' } }, 'Only an admin changes the assistant, lifecycle and routing settings: you see them as they are. Saved replies, below, are yours to add to.'),
        ...assistants.map(({ source, record }) => section('AI assistant', source, record, readOnly, `assistant-${record.value.id}`)),
        assistants.length === 0 && h('p', { class: 'muted' }, 'This website has no AI assistant.'),
        section('Conversation lifecycle', lifecycle, settings, readOnly, 'lifecycle'),
        section('Routing', routing, rules, readOnly, 'routing'),
        savedRepliesSection(api, this.savedReplies, { me: member.id, admin: !readOnly }),
        this.webhooks?.element,
      );
      if (assistantId) this.body.querySelector<HTMLElement>(`[data-testid="assistant-${CSS.escape(assistantId)}"] h3`)?.focus();
    } catch (error) {
      mount(this.body, h('p', { class: 'settings-read-only', role: 'alert' }, `Couldn't read the settings: ${errorText(error)}`));
    }
  }

  /** Someone changed the webhooks (`webhooksUpdated`), or the socket was down: the section reads them again. */
  webhooksChanged(): void {
    this.webhooks?.readAgain();
  }

  /** The website's assistants, each read on its own: the list has no revision (`ETag`) a save could hold to. */
  private async assistants() {
    const { agents } = await this.api.assistants();
    return Promise.all(
      agents.map(async ({ id }) => {
        const source = assistantSource(this.api, id);
        return { source, record: await source.read() };
      }),
    );
  }
}
