/**
 * The team, as the inbox shows it in place of a conversation: everyone on it, and for each person
 * whether they are online and away, their routing teams and capacity to change, their status to
 * set (an admin sets anyone's), or a button to remove them; a form adds a person.
 * AI assistants are listed, with a way to their settings (settings-panel.ts). Someone the server
 * would refuse (an `agent` token) sees the team as it is, and is told who changes it.
 */
import { editsIn, h, mount, placeChildren, type Edits } from '../shared/dom';
import { formatFullTime, timeLabel } from '../shared/format';
import type { MemberChange, MemberFields, TeamMemberInfo } from '../shared/wire';
import { written } from '../shared/written';
import { onSubmit } from './controls';
import { unroutedWarning } from './unrouted-warning';

/** Each tells the server; a failure is shown to the reader and answered false. */
export interface TeamActions {
  add(fields: MemberFields): Promise<boolean>;
  change(id: string, fields: MemberChange): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /** Opens the Settings page at the assistant's section. */
  openAssistantSettings(id: string): void;
  onBack(): void;
}

/** Teams as the form takes them: names separated by commas. */
const teamsOf = (text: string): string[] => [...new Set(text.split(',').map((team) => team.trim()).filter((team) => team !== ''))];
/** A field with its name shown above it (the field's aria-label, if any, says more for screen readers). */
const labelled = (text: string, field: HTMLInputElement, kind = 'text') => h('label', { class: `team-field team-field-${kind}` }, h('span', { class: 'team-field-name' }, text), field);

/** A person's teams and capacity as their fields show them. */
const teamsText = (member: TeamMemberInfo): string => (member.teams ?? []).join(', ');
const capacityText = (member: TeamMemberInfo): string => String(member.capacity ?? 10);

/** `away`, and since when, a time the page keeps current (it gains its day after midnight); a server before `statusSince` says only that they are. */
const awayPill = (since: string | undefined): HTMLElement =>
  h(
    'span',
    { class: 'pill pill-away', title: since ? `Away since ${formatFullTime(since)}: routing gives them nothing new` : 'Away: routing gives them nothing new' },
    since ? 'away since ' : 'away',
    since && timeLabel(since, 'away-since'),
  );

export class TeamPanel {
  private readonly list = h('ul', { class: 'team-list' });
  /** Each person's row, with the record it shows. */
  private rows = new Map<string, { shown: string; element: HTMLElement }>();
  private team: readonly TeamMemberInfo[] = [];
  /** Until the caller's role is known (allowChanges), no control is offered: none the server may refuse. */
  private canChange = false;
  /** Below the list: the form adding a person, or the sentence saying who changes the team. */
  private readonly footer = h('div', { class: 'team-footer' });
  readonly element: HTMLElement;

  constructor(
    private readonly me: string,
    private readonly actions: TeamActions,
  ) {
    this.element = h(
      'div',
      { class: 'team-panel' },
      h(
        'header',
        { class: 'panel-header' },
        h('button', { type: 'button', class: 'panel-back', 'aria-label': 'Back to the list', on: { click: actions.onBack } }, '‹'),
        h('h2', {}, 'Team'),
      ),
      this.list,
      this.footer,
    );
  }

  /** Offers the changes (an admin, or a server that does not say the role) or shows the team read-only; rows are drawn again to match. */
  allowChanges(canChange: boolean): void {
    this.canChange = canChange;
    mount(
      this.footer,
      canChange ? this.addForm() : h('p', { class: 'settings-read-only', data: { testid: 'team-read-only' } }, 'Only an admin changes the team: you see it as it is.'),
    );
    this.rows.clear();
    this.render(this.team);
  }

  /**
   * Shows the team. A person whose record did not change keeps their row as it is, so an edit in
   * progress there survives someone else's change to the team, and keyboard focus stays in it
   * (placeChildren does not take it out); a row drawn anew gets the edit and the focus back.
   */
  render(team: readonly TeamMemberInfo[]): void {
    this.team = team;
    const rows = new Map<string, { shown: string; element: HTMLElement }>();
    const redrawn: Array<{ edits: Edits; element: HTMLElement }> = [];
    for (const member of team) {
      const shown = JSON.stringify(member);
      const kept = this.rows.get(member.id);
      if (kept?.shown === shown) {
        rows.set(member.id, kept);
        continue;
      }
      const element = this.row(member);
      rows.set(member.id, { shown, element });
      // Changed while being edited (the server's copy of a person just added, say): the edit stays.
      if (kept) redrawn.push({ edits: editsIn(kept.element), element });
    }
    this.rows = rows;
    placeChildren(this.list, [...rows.values()].map((row) => row.element));
    for (const { edits, element } of redrawn) edits.restoreIn(element);
  }

  private row(member: TeamMemberInfo): HTMLElement {
    const summary = h(
      'div',
      { class: 'team-who' },
      written('strong', {}, member.name),
      member.kind === 'ai' ? h('span', { class: 'pill' }, 'AI') : member.online && h('span', { class: 'pill pill-online' }, 'online'),
      // Connected or not: routing offers them nothing new.
      member.status === 'away' && awayPill(member.statusSince),
      member.id === this.me && h('span', { class: 'muted' }, '(you)'),
    );
    if (member.kind === 'ai') {
      const open = () => this.actions.openAssistantSettings(member.id);
      return h(
        'li',
        { class: 'team-row', data: { memberId: member.id } },
        summary,
        h('button', { type: 'button', class: 'btn', 'aria-label': `Assistant settings: ${member.name}`, data: { focusKey: 'settings' }, on: { click: open } }, 'Assistant settings'),
      );
    }
    const readOnly = !this.canChange;
    const teams = h('input', { type: 'text', name: 'teams', value: teamsText(member), disabled: readOnly, 'aria-label': `Teams of ${member.name}` });
    const capacity = h('input', { type: 'number', name: 'capacity', min: '1', max: '100', value: capacityText(member), disabled: readOnly, 'aria-label': `Capacity of ${member.name}` });
    const save = async () => {
      // Sent: the row drawn with the answer (before it comes back) shows the server's record, not this text.
      teams.defaultValue = teams.value;
      capacity.defaultValue = capacity.value;
      if (await this.actions.change(member.id, { teams: teamsOf(teams.value), capacity: Number(capacity.value) })) return;
      // Refused: the record did not change, so the row is not drawn again; show it as the server has it.
      teams.value = teams.defaultValue = teamsText(member);
      capacity.value = capacity.defaultValue = capacityText(member);
    };
    const remove = () => {
      if (confirm(`Remove ${member.name} from the team? They leave their open conversations.`)) void this.actions.remove(member.id);
    };
    const away = member.status === 'away';
    const setStatus = () => void this.actions.change(member.id, { status: away ? 'available' : 'away' });
    const warning = unroutedWarning(member);
    return h(
      'li',
      { class: 'team-row', data: { memberId: member.id } },
      summary,
      warning && h('p', { class: 'team-warning', role: 'note' }, warning),
      h(
        'form',
        { class: 'inline-form team-fields', on: onSubmit(() => void save()) },
        labelled('Teams', teams),
        labelled('Capacity', capacity, 'number'),
        // Named with whose row they are: a screen reader moving by buttons hears no row around them.
        !readOnly && h('button', { type: 'submit', class: 'btn', 'aria-label': `Save changes to ${member.name}`, data: { focusKey: 'save' } }, 'Save'),
        !readOnly &&
          h('button', { type: 'button', class: 'btn', 'aria-label': `${away ? 'Set available' : 'Set away'}: ${member.name}`, data: { action: 'status', focusKey: 'status' }, on: { click: setStatus } }, away ? 'Set available' : 'Set away'),
        !readOnly &&
          h('button', { type: 'button', class: 'btn btn-danger', 'aria-label': `Remove ${member.name} from the team`, data: { action: 'remove', focusKey: 'remove' }, on: { click: remove } }, 'Remove'),
      ),
    );
  }

  private addForm(): HTMLElement {
    // `required` takes spaces for a name, which the server refuses in words meant for developers: the browser says it here instead.
    const checkName = (event: Event) => {
      const field = event.currentTarget as HTMLInputElement;
      field.setCustomValidity(field.value !== '' && field.value.trim() === '' ? 'Enter a name: spaces alone are not one.' : '');
    };
    const name = h('input', { type: 'text', name: 'name', required: true, maxlength: '200', on: { input: checkName } });
    const teams = h('input', { type: 'text', name: 'teams', placeholder: 'e.g. support, billing' });
    const capacity = h('input', { type: 'number', name: 'capacity', min: '1', max: '100', value: '10' });
    const add = async () => {
      if (!(await this.actions.add({ name: name.value.trim(), teams: teamsOf(teams.value), capacity: Number(capacity.value) }))) return;
      name.value = '';
      teams.value = '';
    };
    return h(
      'section',
      { class: 'controls-section team-add' },
      h('h3', {}, 'Add a person'),
      h(
        'form',
        { class: 'inline-form team-fields', on: onSubmit(() => void add()) },
        labelled('Name', name),
        labelled('Teams', teams),
        labelled('Capacity', capacity, 'number'),
        h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add'),
      ),
    );
  }
}
