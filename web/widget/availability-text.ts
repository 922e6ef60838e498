/**
 * What the widget says, before the visitor writes, of who will answer: a person of the team, the
 * assistant, or nobody yet (and when the team is back). Pure.
 */
import type { TeamAvailability } from '../shared/wire';

export interface AvailabilityText {
  /** The header's line under the greeting. */
  status: string;
  /** The home's sentence above "New conversation". */
  intro: string;
}

/** What a server from before `availability` gets: the widget's old words. */
const UNKNOWN: AvailabilityText = {
  status: 'We usually answer in a few minutes',
  intro: 'Ask us anything: our assistant answers right away, and a person from the team steps in whenever you need one.',
};

export function availabilityText(availability: TeamAvailability | undefined): AvailabilityText {
  if (!availability) return UNKNOWN;
  const { teamOnline, assistantAnswers, nextOpening } = availability;
  if (teamOnline) {
    return {
      status: 'The team is online',
      intro: assistantAnswers ? UNKNOWN.intro : 'Ask us anything: someone from the team will reply here.',
    };
  }
  const back = nextOpening === undefined ? 'as soon as they are back' : `when they are back, ${nextOpening}`;
  return {
    status: assistantAnswers ? 'Our assistant is here; the team is away' : 'The team is away',
    intro: assistantAnswers
      ? `Ask us anything: our assistant answers right away. The team is away now; if you need a person, they will reply here ${back}.`
      : `Ask us anything: the team is away now and will reply here ${back}. You can close this window: the answer will be waiting here.`,
  };
}
