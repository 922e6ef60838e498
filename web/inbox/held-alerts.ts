/**
 * Holds the alerts of a change for a moment before showing them, and shows them then only if they
 * still hold: with routing on, an escalation is assigned within a second or so, and notifying the
 * whole team of it would be noise; and the event saying who made an assignment may come just after
 * the change, and the agent is not told of their own.
 */
import type { Alert } from './alerts';

/** How long each kind waits: a visitor's message is shown at once. */
export const ALERT_HOLD_MS: Readonly<Record<Alert['kind'], number>> = { message: 0, assigned: 1_500, waiting: 5_000 };

export class HeldAlerts {
  private readonly held = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly show: (alert: Alert) => void,
    private readonly stillHolds: (alert: Alert) => boolean,
  ) {}

  take(alert: Alert): void {
    const hold = ALERT_HOLD_MS[alert.kind];
    if (hold === 0) return this.show(alert);
    // The hold starts again with the latest of a kind for a conversation.
    const key = `${alert.kind}:${alert.conversationId}`;
    clearTimeout(this.held.get(key));
    const timer = setTimeout(() => {
      this.held.delete(key);
      if (this.stillHolds(alert)) this.show(alert);
    }, hold);
    this.held.set(key, timer);
  }
}
