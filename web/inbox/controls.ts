/** The side panel of an open conversation: the AI's state, people, priority, tags and lifecycle buttons, and where the visitor was. */
import { PRIORITIES, type Priority } from '../../domain/conversation';
import { choiceAsOf, h, isMounting, openMenuIn } from '../shared/dom';
import { timeLabel } from '../shared/format';
import { memberLabels } from '../shared/member-labels';
import type { Conversation, TeamMemberInfo } from '../shared/wire';
import { writtenList } from '../shared/words';
import { showWords, written } from '../shared/written';
import { aiStateOf, handedOffText } from './ai-state';
import { section } from './controls-section';
import { visitorSection, type VisitorNow } from './visitor-section';

export interface ControlActions {
  join(): void;
  /** As of the assignee the panel shows (`null`: nobody): a colleague's choice made meanwhile is not silently overwritten. */
  assign(userId: string, asOf: string | null): void;
  /** As of the assignee the panel shows, so that one a colleague chose meanwhile is not taken off. */
  unassign(asOf: string): void;
  escalate(reason: string): void;
  pauseAi(): void;
  resumeAi(): void;
  handBack(): void;
  /** As of the priority the agent saw as they chose (`choiceAsOf`). */
  setPriority(priority: Priority, asOf: Priority): void;
  addTag(tag: string): void;
  removeTag(tag: string): void;
  resolve(): void;
  reopen(): void;
}

/** Form listeners that keep the page from navigating. */
export const onSubmit = (handle: () => void) => ({
  submit: (event: SubmitEvent) => {
    event.preventDefault();
    handle();
  },
});

function aiSection(c: Conversation, team: readonly TeamMemberInfo[], nameOf: (id: string) => string, actions: ControlActions): HTMLElement {
  const state = aiStateOf(c);
  const reason = h('input', { type: 'text', name: 'escalationReason', placeholder: 'Reason', value: 'Needs a person' });
  const text =
    state.kind === 'answering'
      ? ['The AI assistant is answering.']
      : state.kind === 'paused'
        ? // A <time> the pages keep current (keepTimesCurrent): it gains its day after midnight.
          ['The AI assistant is paused until ', timeLabel(state.until, 'ai-state-until'), '.']
        : showWords(handedOffText(c, nameOf));
  return section(
    'AI assistant',
    h('p', { class: `ai-state ai-state-${state.kind}`, data: { testid: 'ai-state' } }, ...text),
    state.kind !== 'handed_off' &&
      h(
        'form',
        { class: 'inline-form', on: onSubmit(() => actions.escalate(reason.value.trim() || 'Needs a person')) },
        reason,
        h('button', { type: 'submit', class: 'btn', data: { focusKey: 'escalate' } }, 'Escalate'),
      ),
    state.kind === 'answering' && h('button', { type: 'button', class: 'btn', data: { focusKey: 'ai-action' }, on: { click: actions.pauseAi } }, 'Pause AI for 1 hour'),
    state.kind === 'paused' && h('button', { type: 'button', class: 'btn', data: { focusKey: 'ai-action' }, on: { click: actions.resumeAi } }, 'Resume AI'),
    // The team has an assistant to take it: a resolved conversation is reopened first (the server says so).
    state.kind === 'handed_off' &&
      c.status === 'open' &&
      team.some((member) => member.kind === 'ai') &&
      h('button', { type: 'button', class: 'btn', data: { action: 'hand-back', focusKey: 'ai-action' }, on: { click: actions.handBack } }, 'Hand back to AI'),
  );
}

function peopleSection(c: Conversation, team: readonly TeamMemberInfo[], nameOf: (id: string) => string, me: string, actions: ControlActions): HTMLElement {
  const active = c.participants.filter((p) => !p.leftAt);
  const humans = team.filter((m) => m.kind === 'human');
  const assigneeId = c.assigneeId;
  const assignee = h(
    'select',
    { name: 'assignee', 'aria-label': 'Assignee' },
    // defaultSelected (the attribute), not selected: editsIn tells a choice not sent yet from the one drawn by it.
    h('option', { value: '', disabled: true, defaultSelected: !c.assigneeId }, 'Choose…'),
    ...humans.map((m) => h('option', { value: m.id, defaultSelected: m.id === c.assigneeId }, m.id === me ? `${nameOf(m.id)} (me)` : nameOf(m.id))),
  );
  return section(
    'People',
    h('p', { class: 'muted' }, ...(active.length ? showWords(writtenList(active.map((p) => nameOf(p.id)), ', ')) : ['Nobody has joined yet.'])),
    !active.some((p) => p.id === me) && h('button', { type: 'button', class: 'btn btn-primary', data: { focusKey: 'join' }, on: { click: actions.join } }, 'Join conversation'),
    h(
      'form',
      { class: 'inline-form assign-form', on: onSubmit(() => assignee.value && actions.assign(assignee.value, choiceAsOf(assignee) || null)) },
      assignee,
      h('button', { type: 'submit', class: 'btn', data: { focusKey: 'assign' } }, 'Assign'),
    ),
    assigneeId !== undefined &&
      h('button', { type: 'button', class: 'btn', data: { action: 'unassign', focusKey: 'unassign' }, on: { click: () => actions.unassign(assigneeId) } }, 'Unassign ', written('span', {}, nameOf(assigneeId))),
  );
}

/**
 * The priority as the agent sets it. Chosen in the select's menu (a click, or Enter there), it
 * applies at once; but the arrow keys on the closed select change it at every key, and each change
 * would be a priority change of its own (an event, and perhaps an SLA's clock): a choice made so is
 * held until Enter, or until focus leaves the select. In a form, so that a choice held stays
 * while the panel is drawn again (editsIn), as the assignee's does.
 */
function prioritySection(c: Conversation, actions: ControlActions): HTMLElement {
  /** A key on the select is being handled: the change it makes, if any, is held. */
  let keyed = false;
  const apply = () => {
    const asOf = choiceAsOf(select);
    if (select.value === asOf) return;
    // The agent's next choice is made as of this one.
    select.dataset.asOf = select.value;
    actions.setPriority(select.value as Priority, asOf as Priority);
  };
  const select = h(
    'select',
    {
      name: 'conversationPriority',
      'aria-label': 'Conversation priority',
      on: {
        keydown: (event) => {
          if (event.key === 'Enter') {
            // In the open menu, it chooses, which applies at once (change).
            if (openMenuIn(select)) return;
            // On the closed select it applies the choice held, and does not open the menu too (Chromium's would).
            event.preventDefault();
            return apply();
          }
          // The change a key makes comes with its default action, right after this: held until then.
          keyed = true;
          setTimeout(() => (keyed = false));
        },
        change: () => {
          if (!keyed) apply();
        },
        blur: () => {
          // Not when the panel drawn again takes the select away (Chromium blurs it as it goes): the
          // agent did not leave it, and the choice held moves to the select drawn in its place.
          if (!isMounting()) apply();
        },
      },
    },
    ...PRIORITIES.map((p) => h('option', { value: p, defaultSelected: p === c.priority }, p)),
  );
  return section('Priority', h('form', { on: onSubmit(apply) }, select));
}

function tagsSection(c: Conversation, actions: ControlActions): HTMLElement {
  const input = h('input', { type: 'text', name: 'newTag', placeholder: 'Add a tag', 'aria-label': 'Add a tag' });
  return section(
    'Tags',
    h(
      'div',
      { class: 'tags' },
      ...c.tags.map((tag) =>
        h('span', { class: 'tag' }, written('span', {}, tag), h('button', { type: 'button', 'aria-label': `Remove tag ${tag}`, data: { focusKey: `remove-tag:${tag}` }, on: { click: () => actions.removeTag(tag) } }, '×')),
      ),
    ),
    h(
      'form',
      {
        class: 'inline-form',
        // What is typed stays through the panel drawn again (mountKeepingEdits) until the tag is
        // taken, when the inbox empties the field; refused, it stays to be put right.
        on: onSubmit(() => input.value.trim() && actions.addTag(input.value.trim())),
      },
      input,
      h('button', { type: 'submit', class: 'btn', data: { focusKey: 'add-tag' } }, 'Add'),
    ),
  );
}

export function renderControls(c: Conversation, team: readonly TeamMemberInfo[], me: string, actions: ControlActions, visitor: VisitorNow): HTMLElement {
  const labels = memberLabels(team.filter((m) => m.kind === 'human'));
  const nameOf = (id: string) => labels.get(id) ?? team.find((m) => m.id === id)?.name ?? id;
  return h(
    'aside',
    { class: 'controls' },
    // Resolve and Reopen take each other's place, as the AI's Pause, Resume and Hand back do: one key, so focus goes from one to the other.
    section(
      'Status',
      c.status === 'open'
        ? h('button', { type: 'button', class: 'btn btn-primary', data: { action: 'resolve', focusKey: 'status' }, on: { click: actions.resolve } }, 'Resolve')
        : h('button', { type: 'button', class: 'btn', data: { action: 'reopen', focusKey: 'status' }, on: { click: actions.reopen } }, 'Reopen'),
    ),
    aiSection(c, team, nameOf, actions),
    peopleSection(c, team, nameOf, me, actions),
    prioritySection(c, actions),
    tagsSection(c, actions),
    visitorSection(c.metadata, visitor),
  );
}
