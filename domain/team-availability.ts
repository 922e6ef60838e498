/** Who answers a message a visitor writes now, as the widget's bootstrap (`GET /v1/websites`) says it. */
export interface TeamAvailability {
  /** Someone of the team has a socket open in the website now (presence, every instance's). */
  teamOnline: boolean;
  /** The website's assistant answers a message written now: switched on, and not kept to the hours outside business hours while inside them. */
  assistantAnswers: boolean;
  /** With nobody online outside the assistant's business hours: "on Tuesday 7 January at 09:00 (Europe/Paris time)". */
  nextOpening?: string;
}
