/**
 * The support widget: launcher, the visitor's conversations and a chat view, kept live over the
 * socket. Uses only the public API (public key + visitor id).
 */
import { clientId, refusedFields, type NewItem } from '../shared/api-client';
import { h, mount, mountKeepingFocus } from '../shared/dom';
import { deliverDraft } from '../shared/draft-item';
import { FileSources } from '../shared/file-sources';
import { formatTime, keepTimesCurrent } from '../shared/format';
import type { ReaderContext } from '../shared/item-view';
import { LiveConversations, type LiveChange } from '../shared/live-conversations';
import { Outboxes } from '../shared/outboxes';
import { retryFailedFiles } from '../shared/render-item';
import { RealtimeSocket } from '../shared/socket';
import { loadOlder, loadTimeline, refreshRecent } from '../shared/timeline-loader';
import { showError } from '../shared/toast';
import { ChatView } from './chat-view';
import { availabilityText } from './availability-text';
import { renderConversationList } from './conversation-list-view';
import type { EmbedSettings } from './embed-settings';
import { isEscapeToClose } from './escape-to-close';
import { createLauncher } from './launcher';
import { NewConversation } from './new-conversation';
import { currentPageFacts, pageContext } from './page-context';
import { PageFollower } from './page-follower';
import { TeamNames } from './team-names';
import type { VisitorSession } from './visitor-session';
import type { WebsiteInfo } from '../shared/wire';
import { keepTabIn } from './tab-trap';

/** How old the bootstrap (the team's availability) may be when the visitor opens the panel before it is read again; as often it is read while the panel stays open. */
const WEBSITE_MAX_AGE_MS = 60_000;

/** Marking seen waits for a burst of items to settle. */
const SEEN_DEBOUNCE_MS = 300;

/** Where the open panel fills the screen (widget.css's phone layout): the page behind it is out of reach. */
const fillsScreen = () => matchMedia('(max-width: 480px)').matches;

export class SupportWidget {
  private readonly live: LiveConversations;
  private readonly socket: RealtimeSocket;
  /** Tells the team the page the visitor is on, unless the website turned page context off. */
  private readonly pages: PageFollower | undefined;
  private readonly launcher = createLauncher(() => this.toggle());
  private readonly body = h('div', { class: 'sw-body' });
  /** Says the connection is down, above the list and the chat alike; a live region, so it is read out as it changes. */
  private readonly connection = h('p', { class: 'sw-connection', role: 'status' });
  /** Who answers now, under the greeting (availability-text.ts). */
  private readonly status = h('span', { class: 'sw-availability' });
  /** The bootstrap as last read: again as the panel opens once it is WEBSITE_MAX_AGE_MS old, and before a new conversation is created. */
  private website: WebsiteInfo;
  private websiteReadAt = Date.now();
  /** Reads the bootstrap again while the panel is open, so "the team is away" does not outlast the team's return. */
  private websiteTimer?: ReturnType<typeof setInterval>;
  private readonly panel = h(
    'div',
    { class: 'sw-panel', role: 'dialog', 'aria-label': 'Support chat', hidden: true, on: { keydown: (event) => isEscapeToClose(event) && this.toggle() } },
    h('header', { class: 'sw-panel-header' }, h('strong', {}, 'Hi there 👋'), this.status),
    this.connection,
    this.body,
  );
  private readonly names: TeamNames;
  private readonly context: ReaderContext;
  private readonly files: FileSources;
  /** What the visitor writes and sends, per conversation, kept while they look elsewhere and across a reload. */
  private readonly outboxes: Outboxes;
  private readonly newConversation: NewConversation;
  private open = false;
  /** The conversation on screen; a new one is a draft until the visitor first writes. */
  private activeId: string | undefined;
  private chat: ChatView | undefined;
  private seenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly session: VisitorSession,
    private readonly options: Pick<EmbedSettings, 'pageContext'>,
  ) {
    const { website } = session;
    this.website = website;
    this.showAvailability();
    this.names = new TeamNames(website, {
      read: async (ids) => (await session.api.memberNames(ids)).members,
      onLearnt: () => {
        this.renderChat();
        this.renderList();
      },
    });
    this.context = { reader: 'visitor', nameOf: (id) => this.names.get(id), isOwn: (actor) => actor.kind === 'visitor', formatTime };
    this.files = new FileSources(session.api);
    this.outboxes = new Outboxes({
      storageKey: `support-widget:outboxes:${website.visitor.id}`,
      deliver: (conversationId, draft, keep) => deliverDraft(this.api, conversationId, draft, keep, (itemFor) => this.send(conversationId, itemFor)),
    });
    this.newConversation = new NewConversation(`support-widget:new-conversation:${website.visitor.id}`);
    this.live = new LiveConversations({
      isOwn: this.context.isOwn,
      isReading: (id) => this.isReading(id),
      onChange: (change) => this.onChange(change),
      onUnknownConversation: () => void this.refreshConversations(),
    });
    if (options.pageContext) {
      this.pages = new PageFollower({
        send: (frame) => this.socket.send(frame),
        wanted: () => this.live.conversations.hasOpen(),
        inView: () => document.visibilityState === 'visible',
        page: () => ({ href: location.href, title: document.title }),
      });
    }
    this.socket = new RealtimeSocket({
      url: session.api.socketUrl(),
      protocols: session.api.socketProtocols(),
      onFrame: (frame) => this.live.handleFrame(frame),
      resumePoints: () => this.live.resumePoints(),
      onReconnect: () => void this.afterReconnect(),
      onStatus: (status) => {
        this.showOffline(status === 'offline');
        if (status === 'open') this.pages?.tellAgain();
      },
      // Refused for good (the website's key changed): offline, without retrying for ever.
      onRevoked: () => this.showOffline(true),
    });
  }

  private readonly root = h('div', { class: 'sw-root' }, this.panel, this.launcher.element);
  private readonly onVisibility = () => {
    this.markSeenIfReading();
    if (document.visibilityState === 'visible') this.pages?.tellAgain();
  };
  private stopTimes: (() => void) | undefined;

  /** Puts the widget in `host` (the shadow root made for it) and connects. */
  async mount(host: ParentNode): Promise<void> {
    host.append(this.root);
    keepTabIn(this.root, () => this.open && fillsScreen());
    document.addEventListener('visibilitychange', this.onVisibility);
    this.socket.start();
    this.pages?.start();
    this.stopTimes = keepTimesCurrent(this.body); // Visitors are told no moment within a sentence (an AI pause is the team's).
    await this.refreshConversations();
  }

  /** Takes the widget off the page for good (its visitor signed out): disconnects, and forgets what was not sent. */
  unmount(): void {
    this.socket.stop();
    this.pages?.stop();
    this.outboxes.clear();
    clearTimeout(this.seenTimer);
    clearInterval(this.websiteTimer);
    this.stopTimes?.();
    this.newConversation.stop();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.root.remove();
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Opens or closes the panel as the visitor's click would. */
  setOpen(open: boolean): void {
    if (open !== this.open) this.toggle();
  }

  /** Reads the conversation list again (the visitor was just identified: the contact's are theirs now). */
  refresh(): Promise<void> {
    return this.refreshConversations();
  }

  private get api() {
    return this.session.api;
  }

  /**
   * Opens or closes the panel, taking keyboard focus with it: into the panel as it opens (the panel
   * comes before the launcher in the page, so Tab from the launcher would leave the widget), back to
   * the launcher as it closes (Escape closes it too).
   */
  private toggle(): void {
    this.open = !this.open;
    this.panel.hidden = !this.open;
    this.panel.setAttribute('aria-modal', String(this.open && fillsScreen()));
    this.launcher.setOpen(this.open);
    clearInterval(this.websiteTimer);
    if (!this.open) return this.launcher.element.focus();
    if (Date.now() - this.websiteReadAt >= WEBSITE_MAX_AGE_MS) void this.readWebsite();
    // Not while the page is out of sight: it is read as the panel is next used anyway.
    this.websiteTimer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.readWebsite();
    }, WEBSITE_MAX_AGE_MS);
    if (this.chat) this.chat.focus();
    else {
      this.showHome();
      this.focusHome();
    }
    this.markSeenIfReading();
  }

  /**
   * The team's presence and settings change while the page stays open: read as the visitor opens
   * the panel (presence is not pushed to every visitor), and before a conversation is created, whose
   * welcome messages must be the website's now (an old one would be stored as the visitor's words).
   */
  private async readWebsite(): Promise<void> {
    this.websiteReadAt = Date.now();
    try {
      this.website = await this.api.website();
    } catch {
      return; // Kept as it was: the connection line says when the server cannot be reached.
    }
    this.showAvailability();
    if (this.open && !this.chat) this.showHome();
  }

  private showAvailability(): void {
    this.status.textContent = availabilityText(this.website.availability).status;
    this.status.dataset.online = String(this.website.availability?.teamOnline ?? true);
  }

  private showOffline(offline: boolean): void {
    this.panel.classList.toggle('sw-offline', offline);
    this.connection.textContent = offline ? 'Reconnecting…' : '';
  }

  // Views

  private showHome(): void {
    this.activeId = undefined;
    this.chat = undefined;
    mountKeepingFocus(
      this.body,
      renderConversationList(this.live.conversations.sorted(), this.context, availabilityText(this.website.availability).intro, {
        open: (id) => void this.openConversation(id),
        // Not created yet, it has nothing to read: what it gets from now on is news.
        startNew: () => this.showChat(this.newConversation.id((id) => this.live.conversations.get(id) !== undefined)).timelineOpened(),
      }),
    );
  }

  /** Keyboard focus into the list: on the row of `from` (the conversation the visitor came back from), else on New conversation. */
  private focusHome(from?: string): void {
    const row = from === undefined ? null : this.body.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(from)}"]`);
    (row ?? this.body.querySelector<HTMLElement>('.sw-new'))?.focus();
  }

  private async openConversation(conversationId: string): Promise<void> {
    const chat = this.showChat(conversationId);
    try {
      const timeline = this.live.timelineOf(conversationId);
      await loadTimeline(this.api, timeline);
      this.live.resumeOnSocket(conversationId, (point) => this.socket.resume(point));
      this.outboxes.of(conversationId).forgetStored(timeline.items());
    } catch (error) {
      showError(error);
    }
    this.renderChat();
    chat.timelineOpened(); // This chat's: the visitor may have opened another meanwhile.
    this.markSeenIfReading();
  }

  private showChat(conversationId: string): ChatView {
    this.activeId = conversationId;
    this.live.timelineOf(conversationId);
    const chat = new ChatView({
      context: this.context,
      onBack: () => {
        this.showHome();
        this.focusHome(conversationId);
      },
      outbox: this.outboxes.of(conversationId),
      onTyping: (isTyping) => this.sendTyping(conversationId, isTyping),
      onChooseReply: (itemId, optionId) => void this.chooseReply(conversationId, itemId, optionId),
      fileSource: (url, again) => this.files.sourceOf(url, again),
      loadOlder: () => this.showOlder(conversationId),
      onRate: (score) => void this.send(conversationId, () => ({ id: clientId('item'), type: 'rating', score })).catch(showError),
      ...(this.website.files ? { fileLimits: this.website.files } : {}),
    });
    this.chat = chat;
    mount(this.body, chat.element);
    this.renderChat();
    chat.focus();
    return chat;
  }

  /** The items before those the conversation holds, drawn once read (a failed read is the timeline's to show). */
  private async showOlder(conversationId: string): Promise<void> {
    if (await loadOlder(this.api, this.live.timelineOf(conversationId))) this.renderChat();
  }

  private renderChat(): void {
    const id = this.activeId;
    if (!this.chat || !id) return;
    const typists = this.live.typing.typing(id).map((t) => this.names.get(t.actorId) ?? (t.actorType === 'ai' ? 'AI assistant' : 'Support'));
    this.chat.render({ conversation: this.live.conversations.get(id), items: this.live.timelineOf(id).items(), typists });
  }

  private renderList(): void {
    this.launcher.setUnread(this.live.conversations.unreadConversations());
    if (this.open && !this.chat) this.showHome();
  }

  private onChange(change: LiveChange): void {
    if (change.kind === 'list') return this.renderList();
    if (change.conversationId !== this.activeId) return;
    this.renderChat();
    if (change.kind === 'timeline' && change.fromOthers) this.markSeenIfReading();
  }

  // Actions

  /** Posts an item, made once the conversation exists (a new one is created by its first item; files are uploaded to it). */
  private async send(conversationId: string, itemFor: () => NewItem | Promise<NewItem>): Promise<void> {
    if (!this.live.conversations.get(conversationId)) {
      // The website's welcome messages open it, stored as its assistant's words.
      await this.readWebsite();
      const welcome = (this.website.welcomeMessages ?? []).map((text): NewItem => ({ type: 'message', text }));
      const { conversation, initialTimelineItems } = await this.createConversation(conversationId, welcome);
      this.newConversation.created(conversationId);
      this.live.conversations.put(conversation);
      for (const item of initialTimelineItems) this.live.receiveItem(item);
      this.live.resumeOnSocket(conversationId, (point) => this.socket.resume(point));
      this.pages?.look(); // The team may look at them from now on.
    }
    const { item: stored } = await this.api.postItem(conversationId, await itemFor());
    this.live.receiveItem(stored);
    // What the visitor just sent is shown, also when they had scrolled up to read.
    if (this.activeId === conversationId) this.chat?.scrollToEnd();
  }

  /**
   * Creates the conversation with where the visitor is, for the team (shown beside it in the
   * inbox), unless the website turned that off; without it when the server refuses it (a time zone
   * its runtime does not know yet, say): the conversation matters more.
   */
  private async createConversation(conversationId: string, welcome: NewItem[]) {
    if (!this.options.pageContext) return this.api.createConversation(conversationId, welcome);
    try {
      return await this.api.createConversation(conversationId, welcome, { widget: pageContext(currentPageFacts()) });
    } catch (error) {
      if (!refusedFields(error).some((path) => path.startsWith('body.metadata.'))) throw error;
      return this.api.createConversation(conversationId, welcome);
    }
  }

  private sendTyping(conversationId: string, isTyping: boolean): void {
    // A draft does not exist on the server yet: nobody to tell.
    if (this.live.conversations.get(conversationId)) this.socket.send({ type: 'conversationTyping', payload: { conversationId, isTyping } });
  }

  private async chooseReply(conversationId: string, itemId: string, optionId: string): Promise<void> {
    try {
      const { item } = await this.api.answer(conversationId, itemId, 'choose', { optionId });
      this.live.receiveItem(item);
    } catch (error) {
      showError(error);
    }
  }

  /** Picks up what a resume does not bring: the list, changes to the open conversation's newest items, images that failed; sends again what failed to send. */
  private async afterReconnect(): Promise<void> {
    const id = this.activeId;
    retryFailedFiles(this.body);
    this.outboxes.retryStalled();
    this.live.keepOnlyTimeline(id);
    if (id && this.live.conversations.get(id)) await refreshRecent(this.api, this.live.timelineOf(id)).catch(showError);
    await this.refreshConversations();
  }

  private async refreshConversations(): Promise<void> {
    try {
      const readFrom = this.live.conversations.changeMark();
      const { conversations } = await this.api.listConversations({ limit: 50 });
      this.live.conversations.reset(conversations, readFrom);
    } catch (error) {
      showError(error);
    }
    this.markSeenIfReading(); // The listing may predate the last look at the open conversation.
    this.renderList();
    this.renderChat();
  }

  // Seen

  private isReading(conversationId: string): boolean {
    return this.open && this.activeId === conversationId && document.visibilityState === 'visible';
  }

  private markSeenIfReading(): void {
    const id = this.activeId;
    if (!id || !this.isReading(id) || !this.live.conversations.get(id)) return;
    this.live.conversations.markRead(id);
    this.launcher.setUnread(this.live.conversations.unreadConversations());
    clearTimeout(this.seenTimer);
    // Seen up to the newest item shown, not one stored since that is still on its way here (none shown: nothing to mark).
    const seq = this.live.timelineOf(id).lastSeq;
    if (seq > 0) this.seenTimer = setTimeout(() => this.api.markSeen(id, seq).catch(() => undefined), SEEN_DEBOUNCE_MS); // Best effort: the next look marks it again.
  }
}
