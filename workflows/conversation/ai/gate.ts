/** Whether a new item should start an AI turn. Pure; split so the cheap check runs before the debounce. */
import type { AssistantPolicy } from '../../../domain/assistant';
import type { ConversationLifecycle } from '../../../domain/conversation';
import type { ItemArrival } from '../../../domain/operations';
import { isWithinBusinessHours } from './business-hours';

/**
 * A public visitor message in an open conversation the AI owns (handler `ai`, or `unassigned` and
 * never escalated) and has not been paused on.
 */
export function isAiTurnTrigger(arrival: ItemArrival, lifecycle: ConversationLifecycle): boolean {
  if (arrival.type !== 'message' || arrival.author.kind !== 'visitor' || arrival.visibility !== 'public') return false;
  if (lifecycle.status !== 'open') return false;
  const aiOwns = lifecycle.handler === 'ai' || (lifecycle.handler === 'unassigned' && lifecycle.escalatedAt === undefined);
  if (!aiOwns) return false;
  return lifecycle.aiPausedUntil === undefined || lifecycle.aiPausedUntil <= arrival.createdAt;
}

/**
 * The assistant's own settings: enabled, and (if so configured) only outside business hours.
 * `overnight` as isWithinBusinessHours takes it.
 */
export function policyAllowsAnswer(policy: AssistantPolicy, arrival: ItemArrival, { overnight = true } = {}): boolean {
  if (!policy.enabled) return false;
  if (policy.onlyOutsideBusinessHours && policy.businessHours) return !isWithinBusinessHours(policy.businessHours, arrival.createdAt, { overnight });
  return true;
}
