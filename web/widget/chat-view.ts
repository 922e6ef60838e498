/** One conversation inside the widget: header, timeline, typing line, rating stars and composer. */
import { createComposer, type Composer } from '../shared/composer';
import type { FileLimits } from '../shared/file-limits';
import { focusedElementIn, h, mount, mountKeepingFocus } from '../shared/dom';
import type { ReaderContext } from '../shared/item-view';
import type { Outbox } from '../shared/outbox';
import { TimelineView } from '../shared/timeline-view';
import { renderTypingIndicator } from '../shared/typing-indicator';
import type { Conversation, TimelineItem } from '../shared/wire';
import type { Words } from '../shared/words';
import { showWords } from '../shared/written';
import { renderRatingPrompt } from './rating-prompt';
import { shouldAskForRating } from './rating-state';

export interface ChatViewOptions {
  context: ReaderContext;
  onBack(): void;
  /** The conversation's outbox: what the visitor writes and sends there. */
  outbox: Outbox;
  onTyping(isTyping: boolean): void;
  onChooseReply(itemId: string, optionId: string): void;
  fileSource(url: string, again?: boolean): Promise<string>;
  /** Reads and draws the items before the first one shown (the visitor scrolled up to it); rejects when the read failed. */
  loadOlder(): Promise<void>;
  onRate(score: number): void;
  fileLimits?: FileLimits;
}

export interface ChatState {
  conversation?: Conversation;
  items: readonly TimelineItem[];
  typists: readonly string[];
}

function statusLine(conversation: Conversation | undefined, nameOf: (id: string) => string | undefined): Words {
  if (!conversation) return ['Our assistant replies in seconds'];
  if (conversation.status === 'resolved') return ['Resolved: write again any time'];
  if (conversation.handler === 'ai') return ['AI assistant · ask for a person any time'];
  const human = conversation.assigneeId ?? conversation.participants.find((p) => p.kind === 'human' && !p.leftAt)?.id;
  const name = human && nameOf(human);
  return human ? ["You're talking with ", name ? { written: name } : 'the team'] : ['Waiting for a person from the team'];
}

export class ChatView {
  private readonly timeline: TimelineView;
  private readonly composer: Composer;
  private readonly status = h('span', { class: 'sw-status' });
  /** Drawn again in place, so a keyboard user on a rating star stays on it. */
  private readonly footer = h('div', { class: 'tl-footer' });
  readonly element: HTMLElement;

  constructor(private readonly options: ChatViewOptions) {
    this.timeline = new TimelineView(options.context, { onChooseReply: options.onChooseReply, fileSource: options.fileSource }, options.loadOlder);
    this.composer = createComposer({ placeholder: 'Write a message…', outbox: options.outbox, onTyping: options.onTyping, ...(options.fileLimits ? { fileLimits: options.fileLimits } : {}) });
    this.element = h(
      'section',
      { class: 'sw-chat' },
      h(
        'header',
        { class: 'sw-chat-header' },
        h('button', { type: 'button', class: 'sw-back', 'aria-label': 'Back to conversations', on: { click: options.onBack } }, '‹'),
        h('div', { class: 'sw-chat-title' }, h('strong', {}, 'Support'), this.status),
      ),
      this.timeline.element,
      this.composer.element,
    );
  }

  render({ conversation, items, typists }: ChatState): void {
    const hadFocus = this.holdsFocus();
    mount(this.status, ...showWords(statusLine(conversation, this.options.context.nameOf)));
    mountKeepingFocus(this.footer, renderTypingIndicator(typists), shouldAskForRating(conversation?.status, items) && renderRatingPrompt(this.options.onRate));
    this.timeline.render(items, this.footer.childElementCount > 0 ? this.footer : undefined);
    // What the visitor used is gone (the stars once rated, a quick reply once answered): focus goes to the composer, not to the page.
    if (hadFocus && !this.holdsFocus()) this.composer.focus();
  }

  private holdsFocus(): boolean {
    return this.element.contains(focusedElementIn(this.element));
  }

  /** The items the conversation opened with are drawn: those that arrive from now on are read out. */
  timelineOpened(): void {
    this.timeline.opened();
  }

  focus(): void {
    this.composer.focus();
    this.scrollToEnd();
  }

  scrollToEnd(): void {
    this.timeline.scrollToEnd();
  }
}
