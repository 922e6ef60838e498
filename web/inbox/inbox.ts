/**
 * The agent inbox: filtered conversation list and the open conversation with its controls, kept
 * live over the agent socket (which hears every event of the website).
 */
import type { Priority } from '../../domain/conversation';
import { isEvent } from '../../domain/timeline';
import { placeholderValues } from '../../domain/saved-reply-placeholders';
import type { AgentSession } from '../shared/agent-session';
import { ApiError, type NewItem } from '../shared/api-client';
import { agentApi, announceSignOut, clearAgentSession, memberTokenIdOf, noteSignedOut } from '../shared/agent-session';
import { withUpdates } from '../shared/conversation-collection';
import { focusLost, h, mount } from '../shared/dom';
import { deliverDraft } from '../shared/draft-item';
import { FileSources } from '../shared/file-sources';
import { formatTime, keepTimesCurrent } from '../shared/format';
import type { ReaderContext } from '../shared/item-view';
import { LiveConversations, type LiveChange } from '../shared/live-conversations';
import { Outboxes } from '../shared/outboxes';
import { retryFailedFiles } from '../shared/render-item';
import { RealtimeSocket, type SocketStatus } from '../shared/socket';
import { loadOlder, loadTimeline, refreshRecent } from '../shared/timeline-loader';
import { showError, showNote } from '../shared/toast';
import type { Conversation, MemberStatus, ServerFrame, TeamMemberInfo, TimelineItem } from '../shared/wire';
import { written } from '../shared/written';
import { alertForChange, alertForItem, alertForUnheldChange, ASSIGNMENT_EVENT_KINDS, isVisitorMessage, stillHolds, type Alert } from './alerts';
import { alreadyDoneNote, assignmentRefusal, priorityRefusal, type AskedAssignment, type AskedPriority, type AskedStatus } from './already-done';
import { ConversationList } from './conversation-list';
import { ConversationPanel, NARROW_PANEL } from './conversation-panel';
import type { ControlActions } from './controls';
import { DesktopAlerts } from './desktop-alerts';
import { StatusToggle } from './status-toggle';
import { renderFilterBar } from './filter-bar';
import { DEFAULT_FILTERS, matchesFilters, toQuery, type InboxFilters } from './filters';
import { HeldAlerts } from './held-alerts';
import { addressedPlace, sameFilters, showPlace } from './inbox-address';
import { inListOrder } from './list-order';
import { ListEnd } from './list-end';
import { ListPages } from './list-pages';
import { OnlinePeople, type PresenceChange } from './online-people';
import { focusSearchOnSlash, searchCountText } from './search-keys';
import { SearchResults, searchTextOf } from './search-results';
import { tabTitle } from './tab-title';
import { SavedReplies } from './saved-replies';
import { VisitorPages } from './visitor-pages';
import { SettingsPanel } from './settings-panel';
import { teamChangeErrorText } from './team-errors';
import { TeamPanel } from './team-panel';

const SEEN_DEBOUNCE_MS = 300;
/** Conversations the list reads at once: first, and then each time the agent comes to its end. */
const LIST_PAGE_SIZE = 100;

/**
 * How a control's call is followed up. `taken`: what the control's field sent was taken; `asks`: the
 * status it asks for, which someone else may have brought about first; `assigns`: the assignment
 * (or unassignment) it asks for, as of an assignee someone else may have changed first;
 * `prioritizes`: the priority it asks for, as of one someone else may have changed first.
 */
interface RunOptions {
  taken?: () => void;
  asks?: AskedStatus;
  assigns?: AskedAssignment;
  prioritizes?: AskedPriority;
}

export class Inbox {
  private readonly api;
  private readonly files: FileSources;
  private readonly live: LiveConversations;
  private readonly pages: ListPages;
  private readonly listEnd: ListEnd;
  private readonly socket: RealtimeSocket;
  /** What the agent writes and sends, per conversation, kept while another is open and across a reload. */
  private readonly outboxes: Outboxes;
  /** The composer's saved replies and the Settings page's list of them. */
  private readonly savedReplies: SavedReplies;
  private team: TeamMemberInfo[] = [];
  private readonly online = new OnlinePeople();
  /** Where visitors are now, for the open conversation's side panel. */
  private readonly visitorPages: VisitorPages;
  /** People no longer on the team, whom older timelines still name. */
  private formerMembers: Array<Pick<TeamMemberInfo, 'id' | 'name'>> = [];
  private filters: InboxFilters = DEFAULT_FILTERS;
  private selectedId: string | undefined;
  private panel: ConversationPanel | undefined;
  private teamPanel: TeamPanel | undefined;
  private seenTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly alerts: DesktopAlerts;
  private readonly statusToggle: StatusToggle;
  private readonly heldAlerts: HeldAlerts;
  /** What came for a conversation the page did not hold: whether it calls for a notification is known once the conversation is read. */
  private readonly unheldNews = new Map<string, { item?: TimelineItem; updates?: Partial<Conversation> }>();
  /**
   * Reads under way of conversations the page did not hold, each with the news of the frames that
   * named it: one read serves them all (a visitor's message and the wait it starts come as two
   * frames), and their news is applied to the copy read, which may predate it (or not: what is
   * older than the copy is left out, conversation-collection.ts takenOf).
   */
  private readonly unheldReads = new Map<string, Array<() => void>>();
  /** Who made each conversation's last assignment event (assigned, unassigned, joined, left): the agent is not notified of their own. */
  private readonly assignmentActors = new Map<string, string>();
  /** How many filter bars were drawn, so that only the latest one's changes count. */
  private filterBarsDrawn = 0;

  /** A live region: a screen reader says when the connection is lost and when it is back. */
  private readonly status = h('span', { class: 'connection', role: 'status', data: { testid: 'connection' } });
  private readonly brand = h('h1', { class: 'brand', tabindex: '-1' }, '◆ Support inbox');
  private readonly filterSlot = h('div');
  private readonly searchResults = new SearchResults();
  /** How many conversations a search found, read out politely as it changes (a live region, not a second `status` beside the connection's). */
  private readonly searchCount = h('p', { class: 'search-count muted', 'aria-live': 'polite', 'aria-atomic': 'true', data: { testid: 'search-count' } });
  private readonly list = new ConversationList((id, byKeyboard) => void this.select(id, byKeyboard));
  private readonly teamButton = h('button', { type: 'button', class: 'btn', data: { action: 'team' }, on: { click: () => this.openTeam() } }, 'Team');
  private readonly settingsButton = h('button', { type: 'button', class: 'btn', data: { action: 'settings' }, on: { click: () => this.openSettings() } }, 'Settings');
  /** The Settings page, while the main area shows it (focus goes back to its button as it closes). */
  private settingsPanel: SettingsPanel | undefined;
  private readonly mainSlot = h('section', { class: 'inbox-main' });
  private readonly root: HTMLElement;
  /** The title the page was served with, which the count of unread conversations goes before. */
  private readonly pageTitle = document.title;

  constructor(private readonly session: AgentSession) {
    this.api = agentApi(session);
    this.alerts = new DesktopAlerts(`support-inbox:notifications:${session.agentId}`, (id) => {
      if (id !== this.selectedId) void this.select(id, true);
    });
    this.statusToggle = new StatusToggle((status) => this.api.setMyStatus(status));
    this.heldAlerts = new HeldAlerts(
      (alert) => this.alerts.show(alert),
      (alert) => stillHolds(alert, this.live.conversations.get(alert.conversationId), this.me, this.assignmentActors.get(alert.conversationId)),
    );
    this.files = new FileSources(this.api);
    this.savedReplies = new SavedReplies(this.api);
    this.visitorPages = new VisitorPages(this.api, (visitorId) => this.visitorPageChanged(visitorId));
    // One listener for the page's life, not one per conversation opened (each would keep its panel alive).
    const narrow = matchMedia(NARROW_PANEL);
    narrow.addEventListener('change', () => this.panel?.widthChanged(narrow.matches));
    this.outboxes = new Outboxes({
      storageKey: `support-inbox:outboxes:${session.agentId}`,
      deliver: (id, draft, keep) => deliverDraft(this.api, id, draft, keep, (itemFor) => this.postItem(id, itemFor)),
    });
    this.live = new LiveConversations({
      isOwn: this.context.isOwn,
      isReading: (id) => id === this.selectedId && this.timelineInSight(),
      onChange: (change) => this.onChange(change),
      onUnknownConversation: (id, replay) => this.readUnheld(id, replay),
    });
    this.pages = new ListPages({
      read: (cursor) => this.api.listConversations({ ...toQuery(this.filters, this.me), limit: LIST_PAGE_SIZE, cursor }),
      changeMark: () => this.live.conversations.changeMark(),
      replace: (conversations, readFrom) => {
        this.searchResults.replace(this.filters.search, conversations);
        this.live.conversations.reset(conversations, readFrom);
      },
      add: (conversations) => {
        this.searchResults.add(conversations);
        for (const conversation of conversations) this.live.conversations.put(conversation);
        this.renderList();
      },
      onChange: () => this.listEnd.render(),
    });
    this.listEnd = new ListEnd(this.pages, (id) => {
      const row = this.list.rowOf(id);
      row?.focus();
      return row !== undefined;
    });
    this.socket = new RealtimeSocket({
      url: this.api.socketUrl(),
      protocols: this.api.socketProtocols(),
      // For an instance of a version that does not take the key from a subprotocol (a rolling deploy).
      urlWithKey: this.api.socketUrl(location.href, { withKey: true }),
      onFrame: (frame) => this.onFrame(frame),
      resumePoints: () => this.live.resumePoints(),
      onReconnect: () => void this.afterReconnect(),
      onStatus: (status) => this.showStatus(status),
      // Removed from the team, or the key no longer works: back to signing in, which says why (the socket stopped already).
      onRevoked: (reason) => void this.signOut(reason || 'the server refused this sign-in'),
    });
    this.root = h(
      'div',
      { class: 'inbox' },
      h(
        'header',
        { class: 'topbar' },
        this.brand,
        this.status,
        written('span', { class: 'topbar-me', title: session.agentName }, session.agentName), // Its whole name when cut.
        this.statusToggle.button,
        this.alerts.button,
        this.teamButton,
        this.settingsButton,
        h('button', { type: 'button', class: 'btn', on: { click: () => void this.signOut() } }, 'Sign out'),
      ),
      h('div', { class: 'inbox-body' }, h('nav', { class: 'inbox-list' }, this.filterSlot, this.searchCount, h('div', { class: 'list-scroll' }, this.list.element, this.listEnd.element)), this.mainSlot),
    );
  }

  async mount(host: HTMLElement): Promise<void> {
    // The place the address names (a reload, a link), written back in the inbox's own form: the
    // entries it adds compare with it, and anything else in it (a fragment) goes.
    const place = addressedPlace();
    this.filters = place.filters;
    showPlace(place, 'replace');
    window.addEventListener('popstate', () => this.followAddress());
    focusSearchOnSlash(
      () => this.filterSlot.querySelector<HTMLInputElement>('input[name="search"]'),
      () => this.closeConversation(),
    );
    // Focus on what the host showed (the sign-in's button just chosen) would fall to the page's start: it goes to the inbox's heading.
    const signedInHere = document.activeElement !== document.body && host.contains(document.activeElement);
    mount(host, this.root);
    if (signedInHere) this.brand.focus();
    this.renderFilters();
    mount(this.mainSlot, h('p', { class: 'inbox-empty muted' }, 'Choose a conversation.'));
    // What arrived in the open conversation while the tab was hidden stayed unread: read now that the tab is shown.
    document.addEventListener('visibilitychange', () => this.markSeen());
    this.socket.start();
    // The list's ages and the open timeline's times; a new day redraws what tells a moment in words
    // (an AI pause's event, in the timeline, and as the preview of a conversation nothing was said in yet).
    keepTimesCurrent(this.root, () => {
      this.renderList();
      this.renderTimeline();
    });
    void this.loadSavedReplies();
    await this.loadTeam();
    if (place.conversationId) await this.openAddressed(place.conversationId);
    await this.refreshList();
  }

  /** Back or Forward to another entry of the inbox's: it shows the place that entry names. */
  private followAddress(): void {
    const place = addressedPlace();
    if (!sameFilters(place.filters, this.filters)) {
      this.filters = place.filters;
      this.renderFilters();
      void this.refreshList();
    }
    if (place.conversationId === this.selectedId) return;
    if (place.conversationId) void this.openAddressed(place.conversationId, true);
    else this.closeConversation();
  }

  /**
   * Whether focus goes along to the conversation Back or Forward opens, as to a page of its own: it
   * was lost, or on the list or in the main area, which the entry changes (on a narrow screen the
   * row it was on is hidden as the conversation shows, and focus would fall to the page's start).
   */
  private focusFollowsHistory(): boolean {
    const focused = document.activeElement;
    return focusLost() || this.list.element.contains(focused) || this.mainSlot.contains(focused);
  }

  /**
   * Opens the conversation an address names (a reload, a link, Back), read on its own when the list
   * does not hold it (not on its first page, or left out by the filters). One that does not exist,
   * or that the agent may not see, is said so, and the list is shown. `fromHistory` (Back,
   * Forward): focus goes to its heading if it `focusFollowsHistory` once the conversation is there
   * to open, not as the read began: the agent may have gone on to another control meanwhile.
   */
  private async openAddressed(id: string, fromHistory = false): Promise<void> {
    if (!this.live.conversations.get(id)) {
      try {
        this.live.conversations.put((await this.api.getConversation(id)).conversation);
      } catch (error) {
        if (error instanceof ApiError && [400, 403, 404].includes(error.status)) {
          showError(new Error(`Couldn't open conversation ${id}: it does not exist, or you do not have access to it.`));
          if (addressedPlace().conversationId === id) this.closeConversation('replace');
          return;
        }
        showError(error); // Unreachable, say: it opens all the same, and is read again with the list.
      }
    }
    // The agent may have gone elsewhere (Back again) while it was read.
    if (addressedPlace().conversationId === id) void this.select(id, fromHistory && this.focusFollowsHistory());
  }

  private onFrame(frame: ServerFrame): void {
    if (frame.type === 'teamUpdated') return void this.loadTeam();
    if (frame.type === 'savedRepliesUpdated') return void this.loadSavedReplies();
    if (frame.type === 'webhooksUpdated') return this.settingsPanel?.webhooksChanged();
    if (frame.type === 'userStatusChanged') return this.showStatusOf(frame.payload);
    if (frame.type === 'visitorPageViewed') {
      const { visitorId, pageUrl, pageTitle, at } = frame.payload;
      // Held for the visitors of the conversations held only (every chatting visitor's page changes come): one
      // whose conversation left the list is forgotten, and read afresh if it is shown again.
      if (!this.live.conversations.hasVisitor(visitorId)) return this.visitorPages.forget(visitorId);
      if (this.visitorPages.take(visitorId, { pageUrl, ...(pageTitle === undefined ? {} : { pageTitle }), at })) this.visitorPageChanged(visitorId);
      return;
    }
    const presence = this.online.take(frame);
    if (presence) this.showPresence(presence);
    // Judged against the conversation as the page held it before the frame changes it.
    const alert = this.alertFor(frame);
    this.live.handleFrame(frame);
    if (alert) this.heldAlerts.take(alert);
  }

  private alertFor(frame: ServerFrame): Alert | undefined {
    switch (frame.type) {
      case 'conversationCreated':
        return alertForChange(undefined, frame.payload.conversation, this.me, this.context);
      case 'conversationUpdated': {
        const { conversationId, updates } = frame.payload;
        const before = this.live.conversations.get(conversationId);
        if (before) return alertForChange(before, withUpdates(before, updates), this.me, this.context);
        const news = this.unheldNews.get(conversationId);
        this.unheldNews.set(conversationId, { ...news, updates: { ...news?.updates, ...updates } });
        return undefined;
      }
      case 'timelineItemCreated': {
        const { item } = frame.payload;
        const event = isEvent(item) ? item.event : undefined;
        if (event && 'actorId' in event && event.actorId !== undefined && ASSIGNMENT_EVENT_KINDS.has(event.kind)) this.assignmentActors.set(item.conversationId, event.actorId);
        const conversation = this.live.conversations.get(item.conversationId);
        if (conversation) return alertForItem(item, conversation, this.me, this.context);
        // Their message only: the reopen it brings is the visitor's item too, and comes next, often before the conversation is read.
        if (isVisitorMessage(item)) this.unheldNews.set(item.conversationId, { ...this.unheldNews.get(item.conversationId), item });
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** The news that came for a conversation before the page held it, now that it is read. */
  private alertForUnheld(conversation: Conversation): void {
    const news = this.unheldNews.get(conversation.id);
    if (!news) return;
    this.unheldNews.delete(conversation.id);
    const alerts = [news.updates && alertForUnheldChange(news.updates, conversation, this.me, this.context), news.item && alertForItem(news.item, conversation, this.me, this.context)];
    for (const alert of alerts) if (alert) this.heldAlerts.take(alert);
  }

  /**
   * Draws again only what shows the presence that changed: visitors come and go all day, and the
   * open conversation's controls are not drawn again for them (a choice not yet sent would go).
   */
  private showPresence(change: PresenceChange): void {
    if (change.kind === 'user') return this.renderTeam();
    const open = this.selectedId ? this.live.conversations.get(this.selectedId) : undefined;
    if (change.kind === 'everyone' || this.live.conversations.hasVisitor(change.id)) this.renderList();
    if (open && (change.kind === 'everyone' || open.visitorId === change.id)) {
      // The side panel's "Now on" becomes "Last seen on" as they leave, and back.
      if (this.visitorPages.get(open.visitorId)) this.renderConversation();
      else this.panel?.renderHeader(open, this.online.isVisitorOnline(open.visitorId));
    }
    if (change.kind === 'everyone') this.renderTeam();
  }

  /** The saved replies as the server has them now (at start, and whenever anyone changes them). */
  private loadSavedReplies(): Promise<void> {
    return this.savedReplies.load().catch(showError);
  }

  /** The team as the server has it now (at start, and whenever anyone changes it), shown wherever it appears. */
  private async loadTeam(): Promise<void> {
    try {
      ({ members: this.team, formerMembers: this.formerMembers } = await this.api.team());
    } catch (error) {
      showError(error);
      return;
    }
    this.renderTeam();
    this.renderConversation();
  }

  /**
   * A person's status as the socket tells it, and since when, before the team is read again
   * (`teamUpdated` follows). A server from before `statusSince` says only the status: a changed one
   * drops the old time rather than show it under the new status.
   */
  private showStatusOf({ userId, status, statusSince }: { userId: string; status: MemberStatus; statusSince?: string }): void {
    const since = (member: TeamMemberInfo) => statusSince ?? (member.status === status ? member.statusSince : undefined);
    this.team = this.team.map((member) => (member.id === userId ? { ...member, status, statusSince: since(member) } : member));
    this.renderTeam();
  }

  /** Who is online as the socket tells it, once it has (the team's answer says who was when it was read); the agent's own status in the top bar. */
  private renderTeam(): void {
    this.statusToggle.show(this.team.find((member) => member.id === this.me)?.status);
    this.teamPanel?.render(this.team.map((member) => (member.kind === 'human' && this.online.snapshotTaken ? { ...member, online: this.online.isUserOnline(member.id) } : member)));
  }

  private get me(): string {
    return this.session.agentId;
  }

  private nameOf = (id: string): string | undefined => (this.team.find((m) => m.id === id) ?? this.formerMembers.find((m) => m.id === id))?.name;
  private readonly context: ReaderContext = { reader: 'agent', nameOf: this.nameOf, isOwn: (actor) => actor.kind === 'human' && actor.id === this.me, formatTime };

  // List

  private renderFilters(): void {
    const drawn = ++this.filterBarsDrawn;
    mount(
      this.filterSlot,
      renderFilterBar(this.filters, (filters) => {
        // A bar drawn since (Back, to other filters) has the say, not this one's tag applied late or as its field is taken away.
        if (drawn !== this.filterBarsDrawn) return;
        this.filters = filters;
        this.showPlace('replace');
        void this.refreshList();
      }),
    );
  }

  /** Picks up what a resume does not bring: the list, changes to the open conversation's newest items, images that failed; sends again what failed to send. */
  private async afterReconnect(): Promise<void> {
    const id = this.selectedId;
    retryFailedFiles(this.mainSlot);
    this.outboxes.retryStalled();
    // A change of the saved replies or the webhooks, or a visitor's move to another page, while the socket was down was not heard.
    void this.loadSavedReplies();
    this.settingsPanel?.webhooksChanged();
    this.visitorPages.readAgain();
    this.live.keepOnlyTimeline(id);
    if (id && (await refreshRecent(this.api, this.live.timelineOf(id)).catch(showError))) this.renderTimeline();
    await this.refreshList();
  }

  private async refreshList(): Promise<void> {
    try {
      await this.pages.readFirst();
    } catch (error) {
      showError(error);
    }
    this.markSeen(); // The listing may predate the last look at the open conversation.
    this.renderList();
    this.renderConversation();
    // The open conversation no longer matches the filter (resolved while the page was away, say): read it on its own, or it shows as it was.
    const open = this.selectedId;
    if (open && !this.live.conversations.get(open)) await this.fetchConversation(open);
  }

  private readUnheld(id: string, replay: () => void): void {
    const replays = this.unheldReads.get(id);
    if (replays) return void replays.push(replay);
    // This frame's news too: its item may be stored before the conversation's write that records it.
    const news = [replay];
    this.unheldReads.set(id, news);
    void this.fetchConversation(id).then(() => {
      this.unheldReads.delete(id);
      // Not read (refused, gone): the next frame that names it asks again.
      if (this.live.conversations.get(id)) for (const apply of news) apply();
    });
  }

  private async fetchConversation(id: string): Promise<void> {
    try {
      const { conversation } = await this.api.getConversation(id);
      this.live.conversations.put(conversation);
      this.alertForUnheld(conversation);
      // The one on screen is being read: the server's count may predate the mark of seen under way.
      if (id === this.selectedId) this.markSeen();
      this.renderList();
      this.renderConversation();
    } catch (error) {
      showError(error);
    }
  }

  private renderList(): void {
    const filtered = inListOrder(this.live.conversations.sorted(), this.filters.sort).filter((c) => matchesFilters(c, this.filters, this.me));
    const entries = this.searchResults.shown(filtered, this.filters.search);
    const search = searchTextOf(this.filters.search);
    const searching = search !== '' && this.pages.searching;
    this.list.render(entries, { context: this.context, selectedId: this.selectedId, isVisitorOnline: (id) => this.online.isVisitorOnline(id), search, searching, showWaiting: this.filters.sort === 'waiting' });
    // Written only when it says something new: a live region read out again at every frame would drown the reader.
    const count = search ? searchCountText(entries.length, this.pages.hasMore, searching) : '';
    if (this.searchCount.textContent !== count) this.searchCount.textContent = count;
    document.title = tabTitle(this.pageTitle, entries.filter((entry) => entry.unreadCount > 0).length);
  }

  private showStatus(status: SocketStatus): void {
    this.status.textContent = { connecting: 'Connecting…', open: 'Live', offline: 'Reconnecting…' }[status];
    this.status.dataset.status = status;
  }

  // Conversation

  /**
   * Opens a conversation. Chosen by keyboard, or by Back or Forward (`focusHeading`), focus goes to
   * its heading: a screen reader says which conversation opened, the timeline follows it in reading
   * order and the composer after that, where focus left on the row would make the agent Tab through
   * every row below it. Escape there goes back to the row.
   */
  private async select(id: string, focusHeading = false): Promise<void> {
    this.selectedId = id;
    this.showPlace('push');
    this.teamPanel = undefined;
    this.settingsPanel = undefined;
    this.root.classList.add('inbox-conversation-open');
    const panel = new ConversationPanel({
      context: this.context,
      me: this.me,
      actions: this.controlActions(id),
      outbox: this.outboxes.of(id),
      savedReplies: this.savedReplies,
      // The name signed in with, should the team not have been read.
      placeholderValues: () => placeholderValues(this.live.conversations.get(id)?.contact, this.team.find((member) => member.id === this.me)?.name ?? this.session.agentName),
      onTyping: (isTyping) => this.socket.send({ type: 'conversationTyping', payload: { conversationId: id, isTyping } }),
      fileSource: (url, again) => this.files.sourceOf(url, again),
      loadOlder: () => this.showOlder(id),
      onBack: () => this.closeConversation(),
      onEscape: () => this.backToList(id),
      onTimelineShown: () => this.markSeen(),
    });
    this.panel = panel;
    mount(this.mainSlot, panel.element);
    this.renderList();
    this.renderConversation();
    if (focusHeading) panel.focusTitle();
    try {
      const timeline = this.live.timelineOf(id);
      await loadTimeline(this.api, timeline);
      this.live.resumeOnSocket(id, (point) => this.socket.resume(point));
      this.outboxes.of(id).forgetStored(timeline.items());
    } catch (error) {
      showError(error);
    }
    this.renderTimeline();
    panel.timelineOpened(); // This panel's: another conversation may have been opened meanwhile.
    this.markSeen();
  }

  private async postItem(id: string, itemFor: () => Promise<NewItem>): Promise<void> {
    const { item } = await this.api.postItem(id, await itemFor());
    this.live.receiveItem(item);
    // What the agent just sent is shown, also when they had scrolled up to read.
    if (this.selectedId === id) this.panel?.scrollToEnd();
  }

  // Team

  private openTeam(): void {
    this.closeConversation();
    /** Runs a change, then reads the team again (the socket's `teamUpdated` will say so too, to every inbox). */
    const change = (request: () => Promise<unknown>) =>
      request().then(
        async () => {
          await this.loadTeam();
          return true;
        },
        (error: unknown) => {
          showError(new Error(teamChangeErrorText(error)));
          return false;
        },
      );
    this.teamPanel = new TeamPanel(this.me, {
      add: (fields) => change(() => this.api.addMember(fields)),
      change: (id, fields) => change(() => this.api.changeMember(id, fields)),
      remove: (id) => change(() => this.api.removeMember(id)),
      openAssistantSettings: (id) => this.openSettings(id),
      onBack: () => this.closeConversation(),
    });
    this.root.classList.add('inbox-conversation-open');
    mount(this.mainSlot, this.teamPanel.element);
    this.renderTeam();
    const panel = this.teamPanel;
    // As the Settings page: an `agent` token sees the team read-only; a server that does not say (or a failed read) gets the controls, and still decides.
    void this.api.me().then(
      ({ role }) => panel.allowChanges(role !== 'agent'),
      () => panel.allowChanges(true),
    );
  }

  /** The Settings page; `assistantId`: opened from that assistant's row on the Team page, at its section. */
  private openSettings(assistantId?: string): void {
    this.closeConversation();
    const panel = new SettingsPanel(this.api, this.savedReplies, () => this.closeConversation());
    this.settingsPanel = panel;
    this.root.classList.add('inbox-conversation-open');
    mount(this.mainSlot, panel.element);
    void panel.load(assistantId);
  }

  /** Escape in the open conversation: to its row beside it, or, where the list is hidden (a narrow screen), back to the list. */
  private backToList(id: string): void {
    const row = this.list.rowOf(id);
    if (row?.checkVisibility()) row.focus();
    else this.closeConversation();
  }

  /**
   * Back to the list (the address following as `how` says: a new entry, or over one naming a
   * conversation that could not be opened). Focus that was in what closes (its Back button, say)
   * or was lost goes to the row of the conversation that was open, or to Team or Settings when
   * that page closes, instead of the page's start.
   */
  private closeConversation(how: 'push' | 'replace' = 'push'): void {
    const closed = this.selectedId;
    const focused = document.activeElement;
    const hadFocus = !focused || focused === document.body || this.mainSlot.contains(focused);
    this.selectedId = undefined;
    this.showPlace(how);
    const settingsClosed = this.settingsPanel !== undefined;
    this.panel = undefined;
    this.teamPanel = undefined;
    this.settingsPanel = undefined;
    this.root.classList.remove('inbox-conversation-open');
    mount(this.mainSlot, h('p', { class: 'inbox-empty muted' }, 'Choose a conversation.'));
    this.renderList();
    if (hadFocus) (closed !== undefined ? this.list.rowOf(closed) : settingsClosed ? this.settingsButton : this.teamButton)?.focus();
  }

  /** The address names the open conversation and the filters (inbox-address.ts). */
  private showPlace(how: 'push' | 'replace'): void {
    showPlace({ conversationId: this.selectedId, filters: this.filters }, how);
  }

  private renderConversation(): void {
    const conversation = this.selectedId && this.live.conversations.get(this.selectedId);
    if (!this.panel || !conversation) return;
    const { visitorId } = conversation;
    this.visitorPages.want(visitorId);
    const { visitorPages } = this;
    this.panel.renderConversation(conversation, this.team, { online: this.online.isVisitorOnline(visitorId), lastPage: visitorPages.get(visitorId), recentPages: visitorPages.recent(visitorId) });
  }

  private visitorPageChanged(visitorId: string): void {
    const open = this.selectedId && this.live.conversations.get(this.selectedId);
    if (open && open.visitorId === visitorId) this.renderConversation();
  }

  /** The items before those the conversation holds, drawn once read (a failed read is the timeline's to show). */
  private async showOlder(id: string): Promise<void> {
    if (await loadOlder(this.api, this.live.timelineOf(id))) this.renderTimeline();
  }

  private renderTimeline(): void {
    const id = this.selectedId;
    if (!this.panel || !id) return;
    const typists = this.live.typing.typing(id).map((t) => (t.actorType === 'visitor' ? 'Visitor' : (this.nameOf(t.actorId) ?? 'Someone')));
    this.panel.renderTimeline(this.live.timelineOf(id).items(), typists);
  }

  private onChange(change: LiveChange): void {
    if (change.kind === 'list') return this.renderList();
    if (change.conversationId !== this.selectedId) return;
    if (change.kind === 'conversation') return this.renderConversation();
    this.renderTimeline();
    if (change.kind === 'timeline' && change.fromOthers) this.markSeen();
  }

  /** Whether the open conversation's timeline is on the screen: the page in view, and no details in its place. */
  private timelineInSight(): boolean {
    return document.visibilityState === 'visible' && this.panel?.timelineShown !== false;
  }

  /** The open conversation is read: at once on screen, and (after a burst settles) on the server. */
  private markSeen(): void {
    const id = this.selectedId;
    if (!id || !this.timelineInSight()) return;
    this.live.conversations.markRead(id);
    this.renderList();
    clearTimeout(this.seenTimer);
    // Seen up to the newest item shown, not one stored since that is still on its way here (none shown: nothing to mark).
    const seq = this.live.timelineOf(id).lastSeq;
    if (seq > 0) this.seenTimer = setTimeout(() => this.api.markSeen(id, seq).catch(() => undefined), SEEN_DEBOUNCE_MS); // Best effort: the next look marks it again.
  }

  /** Every control calls the API and shows the conversation it answers (the socket confirms it too). */
  private controlActions(id: string): ControlActions {
    /**
     * The agent's priority changes of this conversation, sent one after another: each is made as of
     * the one before, so it must reach the server after that one (two requests at once may not).
     */
    let prioritiesSent: Promise<void> = Promise.resolve();
    const run = (operation: () => Promise<Conversation>, { taken, asks, assigns, prioritizes }: RunOptions = {}) => async () => {
      try {
        this.live.conversations.put(await operation());
        if (this.selectedId === id) taken?.();
        this.renderConversation();
        this.renderList();
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 409)) return showError(error);
        // Someone else changed it first (resolved it from another tab, say): show it as it is now.
        await this.fetchConversation(id);
        const now = this.live.conversations.get(id);
        const note = asks && now && alreadyDoneNote(asks, now, this.me, this.nameOf);
        const refusal = (assigns && now && assignmentRefusal(assigns, now, this.me, this.nameOf)) || (prioritizes && now && priorityRefusal(prioritizes, now.priority));
        if (prioritizes) {
          // Not applied: the select shows the priority the conversation has, not the choice.
          this.panel?.forgetChoice('conversationPriority');
          this.renderConversation();
        }
        if (note) showNote(note);
        else if (refusal && refusal.done) showNote(refusal.text);
        else showError(refusal ? refusal.text : error);
      }
    };
    return {
      join: run(() => this.api.join(id, this.me)),
      assign: (userId, asOf) => void run(() => this.api.assign(id, userId, asOf), { assigns: { userId, asOf } })(),
      unassign: (asOf) => void run(() => this.api.unassign(id, asOf), { assigns: { userId: null, asOf } })(),
      escalate: (reason) => void run(() => this.api.escalate(id, reason))(),
      pauseAi: run(() => this.api.pauseAi(id, 60)),
      resumeAi: run(() => this.api.resumeAi(id)),
      handBack: run(() => this.api.handBack(id)),
      // As of the priority the agent saw: one a colleague set meanwhile is not silently overwritten (the server refuses, and the agent is told).
      setPriority: (chosen: Priority, asOf: Priority) => {
        prioritiesSent = prioritiesSent.then(run(() => this.api.setPriority(id, chosen, asOf), { prioritizes: { chosen, asOf } }));
      },
      addTag: (tag) => void run(() => this.api.changeTags(id, { add: [tag] }), { taken: () => this.panel?.taken('newTag', tag) })(),
      removeTag: (tag) => void run(() => this.api.changeTags(id, { remove: [tag] }))(),
      // As of what the agent has on screen: a visitor's message on its way refuses it, and shows.
      resolve: run(() => this.api.resolve(id, this.live.timelineOf(id).lastSeq || undefined), { asks: 'resolved' }),
      reopen: run(() => this.api.reopen(id), { asks: 'open' }),
    };
  }

  /**
   * Signed in with a member token, signing out revokes it (best effort: it expires anyway). Signed
   * out by the server (`refused`, its reason), what the agent had not sent stays, kept for them alone
   * (their outboxes are theirs by id): it comes back if they sign in as themselves again in this tab.
   */
  private async signOut(refused?: string): Promise<void> {
    this.socket.stop();
    if (refused === undefined) {
      this.outboxes.clear(); // Nothing of theirs is left for whoever signs in next in this tab, nor sent any more.
      const tokenId = memberTokenIdOf(this.session);
      if (tokenId) await this.api.revokeMemberToken(this.session.agentId, tokenId).catch(() => undefined);
      announceSignOut(this.session);
    } else {
      noteSignedOut(`You were signed out: ${refused}. What you had not sent is kept in this tab, for when you sign in as ${this.session.agentName} again.`);
    }
    clearAgentSession();
    location.reload();
  }
}
