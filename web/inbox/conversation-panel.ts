/**
 * The open conversation: header with its state, the full timeline (private notes and AI tool calls
 * included, styled apart), the composer with its note switch and saved replies, and the controls beside it.
 */
import type { PlaceholderValues } from '../../domain/saved-reply-placeholders';
import { createComposer } from '../shared/composer';
import { h, mountKeepingEdits, mountKeepingFocus } from '../shared/dom';
import { HeldDraws } from '../shared/held-draws';
import type { ReaderContext } from '../shared/item-view';
import type { Outbox } from '../shared/outbox';
import { TimelineView } from '../shared/timeline-view';
import { renderTypingIndicator } from '../shared/typing-indicator';
import type { Conversation, TeamMemberInfo, TimelineItem } from '../shared/wire';
import { showWords, written } from '../shared/written';
import { renderControls, type ControlActions } from './controls';
import { conversationTitle, statePills, visitorDetails } from './labels';
import type { SavedReplies } from './saved-replies';
import { savedReplyPicker } from './saved-reply-picker';
import { unfilledPlaceholderCheck } from './unfilled-placeholders';
import type { VisitorNow } from './visitor-section';

export interface ConversationPanelOptions {
  context: ReaderContext;
  me: string;
  actions: ControlActions;
  /** The conversation's outbox: what the agent writes and sends there. */
  outbox: Outbox;
  /** What `/` in the composer offers, and what its placeholders stand for in this conversation now. */
  savedReplies: SavedReplies;
  placeholderValues(): PlaceholderValues;
  fileSource(url: string, again?: boolean): Promise<string>;
  /** Reads and draws the items before the first one shown (the agent scrolled up to it); rejects when the read failed. */
  loadOlder(): Promise<void>;
  onTyping(isTyping: boolean): void;
  onBack(): void;
  /** Escape pressed in the panel (and not taken by what had focus). */
  onEscape(): void;
  /** The timeline is in sight again, the details it gave its place to closed: what came meanwhile is read now. */
  onTimelineShown(): void;
}

/** Where the controls take the timeline's place behind Details (inbox.css), rather than stand beside it. */
export const NARROW_PANEL = '(max-width: 1100px)';
/** A conversation's header shows this many of its tags; the Tags section has them all. */
const HEADER_TAGS = 5;

/** The first tags, and how many more the Tags section lists: eighty would push the timeline off the screen. */
function tagPills(tags: readonly string[]): HTMLElement[] {
  const shown = tags.slice(0, HEADER_TAGS).map((tag) => h('span', { class: 'pill pill-muted pill-tag', title: `#${tag}` }, '#', written('span', {}, tag)));
  const more = tags.length - shown.length;
  return more > 0 ? [...shown, h('span', { class: 'pill pill-muted', title: tags.slice(HEADER_TAGS).map((tag) => `#${tag}`).join(' ') }, `+${more} more`)] : shown;
}

export class ConversationPanel {
  private readonly timeline: TimelineView;
  private readonly header = h('header', { class: 'panel-header' });
  private readonly controls = h('div', { class: 'panel-controls', id: 'conversation-details' });
  /** On a narrow screen the controls take the conversation's place while shown (else it would scroll inside a scrolling page). */
  private detailsShown = false;
  /** The header and the controls are drawn anew as the conversation changes: not under a click, a key or a menu the agent is using there. */
  private readonly headerDraws = new HeldDraws(this.header);
  private readonly controlsDraws = new HeldDraws(this.controls);
  readonly element: HTMLElement;

  constructor(private readonly options: ConversationPanelOptions) {
    this.timeline = new TimelineView(options.context, { fileSource: options.fileSource }, options.loadOlder);
    const composer = createComposer({
      placeholder: 'Reply to the visitor…',
      outbox: options.outbox,
      onTyping: options.onTyping,
      noteToggle: true,
      helper: savedReplyPicker(options.savedReplies, options.placeholderValues),
      maySend: unfilledPlaceholderCheck(),
    });
    this.element = h(
      'div',
      { class: 'panel' },
      h('div', { class: 'panel-main' }, this.header, this.timeline.element, composer.element),
      this.controls,
    );
    this.element.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if (this.detailsShown) this.showDetails(false);
      else options.onEscape();
    });
  }

  /** Focus on the conversation's heading (by script only: it is no stop for Tab). */
  focusTitle(): void {
    this.header.querySelector<HTMLElement>('h2')?.focus();
  }

  /** What was sent from a control's field is taken: no longer typing, so emptied (unless something else was typed since). */
  taken(fieldName: string, value: string): void {
    const field = this.controls.querySelector<HTMLInputElement>(`input[name="${fieldName}"]`);
    if (field?.value.trim() === value) field.value = '';
  }

  /** A choice in a select of the controls that is not to be made: it shows what it was drawn with again. */
  forgetChoice(selectName: string): void {
    const select = this.controls.querySelector<HTMLSelectElement>(`select[name="${selectName}"]`);
    select?.form?.reset();
    if (select) delete select.dataset.asOf;
  }

  renderConversation(c: Conversation, team: readonly TeamMemberInfo[], visitor: VisitorNow): void {
    this.renderHeader(c, visitor.online);
    // Drawn again on every change of the conversation: what the agent was typing there stays.
    this.controlsDraws.draw(() => mountKeepingEdits(this.controls, renderControls(c, team, this.options.me, this.options.actions, visitor)));
  }

  /** The title, who the visitor is and whether they are online, the state pills. */
  renderHeader(c: Conversation, visitorOnline: boolean): void {
    this.headerDraws.draw(() => this.drawHeader(c, visitorOnline));
  }

  private drawHeader(c: Conversation, visitorOnline: boolean): void {
    mountKeepingFocus(
      this.header,
      h('button', { type: 'button', class: 'panel-back', 'aria-label': 'Back to the list', data: { focusKey: 'back' }, on: { click: this.options.onBack } }, '‹'),
      h(
        'div',
        { class: 'panel-title' },
        // Its direction from its own first letters: a title in Hebrew reads right to left.
        written('h2', { tabindex: '-1', data: { focusKey: 'title' } }, conversationTitle(c)),
        h('p', { class: 'panel-visitor muted', data: { testid: 'visitor-details' } }, ...showWords(visitorDetails(c))),
        h('div', { class: 'panel-pills' }, ...statePills(c, visitorOnline), ...tagPills(c.tags)),
      ),
      // A tab of its own, so the inbox stays as it is beside it; with an opener, as a tab opened so gets
      // a copy of this one's sessionStorage, which holds the sign-in (a noopener tab starts signed out).
      h('a', { class: 'btn', href: `/audit/${encodeURIComponent(c.id)}`, target: '_blank', rel: 'opener', data: { focusKey: 'audit' } }, 'Audit trail'),
      h('button', { type: 'button', class: 'btn panel-details', 'aria-controls': this.controls.id, 'aria-expanded': String(this.detailsShown), data: { focusKey: 'details' }, on: { click: () => this.showDetails(!this.detailsShown) } }, 'Details'),
    );
  }

  /** The screen's width crossed NARROW_PANEL: made wide, it shows both, the details no longer standing in the timeline's place. */
  widthChanged(narrow: boolean): void {
    if (!narrow) this.showDetails(false, { focus: false });
  }

  /** Whether the timeline is in sight: not while the details stand in its place. */
  get timelineShown(): boolean {
    return !this.detailsShown;
  }

  /** Shows the controls in the timeline's place, or the timeline again (narrow screens only: on a wide one both show). */
  private showDetails(shown: boolean, { focus = true } = {}): void {
    if (shown === this.detailsShown) return;
    if (shown) this.timeline.hide();
    this.detailsShown = shown;
    this.element.classList.toggle('panel-details-shown', shown);
    if (!shown) {
      this.timeline.show();
      this.options.onTimelineShown();
    }
    const button = this.header.querySelector<HTMLElement>('.panel-details');
    button?.setAttribute('aria-expanded', String(shown));
    if (focus) button?.focus();
  }

  renderTimeline(items: readonly TimelineItem[], typists: readonly string[]): void {
    this.timeline.render(items, renderTypingIndicator(typists));
  }

  /** The items the conversation opened with are drawn: those that arrive from now on are read out. */
  timelineOpened(): void {
    this.timeline.opened();
  }

  scrollToEnd(): void {
    this.timeline.scrollToEnd();
  }
}
