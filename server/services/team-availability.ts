/**
 * What the widget tells a visitor before they write: whether a person of the team is there, whether
 * the assistant answers, and, when nobody is there outside business hours, when the team opens. The
 * widget's fixed "our assistant answers right away" was wrong on a website without one (or with it
 * switched off), and its "we usually answer in a few minutes" wrong at night. Pure.
 */
import { nextOpening } from '../../activities/ai/next-opening';
import type { AssistantConfig } from '../../domain/assistant';
import type { TeamAvailability } from '../../domain/team-availability';
import { isWithinBusinessHours } from '../../workflows/conversation/ai/business-hours';

/** Of the website's assistant (undefined: it has none) and its team's presence, at the moment `at`. */
export function teamAvailability(assistant: Pick<AssistantConfig, 'enabled' | 'businessHours' | 'onlyOutsideBusinessHours'> | undefined, teamOnline: boolean, at: Date): TeamAvailability {
  const hours = assistant?.businessHours;
  const withinHours = hours === undefined || isWithinBusinessHours(hours, at.toISOString());
  const assistantAnswers = assistant?.enabled === true && !(assistant.onlyOutsideBusinessHours && withinHours);
  const opening = teamOnline || withinHours ? undefined : nextOpening(hours, at);
  return { teamOnline, assistantAnswers, ...(opening === undefined ? {} : { nextOpening: opening }) };
}
