/** What the visitor is told as the conversation goes to the team. Pure. */
import type { AssistantConfig } from '../../domain/assistant';
import { isWithinBusinessHours } from '../../workflows/conversation/ai/business-hours';
import { nextOpening } from './next-opening';

/**
 * The hand-off message while someone of the team the conversation goes to is online; otherwise
 * the away message, which outside business hours (when the assistant has them) says when they open.
 */
export function handOffMessage(config: Pick<AssistantConfig, 'escalation' | 'businessHours'>, { teamOnline, at }: { teamOnline: boolean; at: Date }): string {
  const { handoffMessage, awayMessage } = config.escalation;
  if (teamOnline) return handoffMessage;
  const hours = config.businessHours;
  const opening = hours && !isWithinBusinessHours(hours, at.toISOString()) ? nextOpening(hours, at) : undefined;
  return opening === undefined ? awayMessage : `${awayMessage} We open again ${opening}.`;
}
