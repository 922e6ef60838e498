/**
 * Desktop notifications for the inbox. The agent turns them on with the top bar's button (the
 * browser asks for permission then: it only asks on a gesture); once on, what `alerts.ts` picks
 * shows as a system notification while the inbox is not in front (another tab, another window),
 * and choosing the notification brings the inbox forward with that conversation open. A
 * conversation has one notification at a time (its tag): a visitor writing five lines makes one,
 * showing the last, and the agent's other inbox tabs replace it rather than add theirs.
 */
import { h } from '../shared/dom';
import { showError, showNote } from '../shared/toast';
import type { Alert } from './alerts';

/** Whether the agent sees this page now: news shown on it needs no notification. */
const inFront = (): boolean => document.visibilityState === 'visible' && document.hasFocus();

const supported = (): boolean => typeof Notification !== 'undefined';

export class DesktopAlerts {
  readonly button = h('button', { type: 'button', class: 'btn', data: { action: 'notifications' }, on: { click: () => void this.toggle() } }, 'Notifications');

  /**
   * `storageKey`: where the agent's choice is kept, per agent (it outlives the session, as the
   * browser's permission does); `open`: shows a conversation.
   */
  constructor(
    private readonly storageKey: string,
    private readonly open: (conversationId: string) => void,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = localStorage,
  ) {
    this.render();
  }

  /** Wanted by the agent and allowed by the browser (which may withdraw it in its settings meanwhile). */
  get on(): boolean {
    return this.storage.getItem(this.storageKey) === 'on' && supported() && Notification.permission === 'granted';
  }

  show(alert: Alert): void {
    if (!this.on || inFront()) return;
    let notification: Notification;
    try {
      notification = new Notification(alert.title, { body: alert.body, tag: `conversation:${alert.conversationId}` });
    } catch {
      // Chrome on Android allows them, then shows them only from a service worker: said once, and turned off.
      this.storage.removeItem(this.storageKey);
      this.render();
      showError(new Error('This browser shows notifications only from an installed app: they are turned off here.'));
      return;
    }
    notification.onclick = () => {
      window.focus();
      this.open(alert.conversationId);
      notification.close();
    };
  }

  private async toggle(): Promise<void> {
    if (this.on) {
      this.storage.removeItem(this.storageKey);
    } else if (!supported()) {
      showError(new Error('This browser cannot show notifications.'));
    } else if ((Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission()) === 'granted') {
      this.storage.setItem(this.storageKey, 'on');
      showNote('Notifications are on: new messages in your conversations, conversations given to you and conversations waiting for the team show while the inbox is in the background.');
    } else {
      showError(new Error("The browser blocks notifications for this page: allow them in the site's settings, then turn them on here."));
    }
    this.render();
  }

  /** A toggle button: its name stays, its pressed state (shown with a tick) says whether they are on. */
  private render(): void {
    this.button.setAttribute('aria-pressed', String(this.on));
  }
}
