/**
 * The person's status in the top bar: Away pressed, routing offers them nothing new while the inbox
 * stays open (a look at the queue, a break); released, they are available again. The status is the
 * server's, kept with the person: the button shows what the server last said (the team's answer,
 * or a `userStatusChanged` for them, set in another tab or by an admin), and a press is shown only
 * once the server took it.
 */
import { h } from '../shared/dom';
import { showError } from '../shared/toast';
import type { MemberStatus, TeamMemberInfo } from '../shared/wire';

const HINTS: Record<MemberStatus, string> = {
  available: 'You are available: routing gives you waiting conversations. Press to be away.',
  away: 'You are away: routing gives you nothing new, and what is yours stays yours. Press to be available.',
};

export class StatusToggle {
  readonly button = h('button', { type: 'button', class: 'btn status-toggle', data: { action: 'away' }, on: { click: () => void this.toggle() } }, 'Away');
  private status: MemberStatus = 'available';

  /** `set`: tells the server the person's new status, answering the person as it has them. */
  constructor(private readonly set: (status: MemberStatus) => Promise<{ member: TeamMemberInfo }>) {
    this.render();
  }

  /** What the server says of the person's status now. */
  show(status: MemberStatus | undefined): void {
    this.status = status ?? 'available';
    this.render();
  }

  private async toggle(): Promise<void> {
    try {
      this.show((await this.set(this.status === 'away' ? 'available' : 'away')).member.status);
    } catch (error) {
      showError(error);
    }
  }

  /** A toggle button, as Notifications: its name stays, its pressed state says whether the person is away. */
  private render(): void {
    this.button.setAttribute('aria-pressed', String(this.status === 'away'));
    this.button.title = HINTS[this.status];
  }
}
