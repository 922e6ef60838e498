/** What the widget tells a visitor of who answers before they write. */
import { describe, expect, it } from 'vitest';
import { availabilityText } from '../../../web/widget/availability-text';

describe('availabilityText', () => {
  it('promises the assistant only when it answers, and a person only when one is online', () => {
    expect(availabilityText({ teamOnline: true, assistantAnswers: true })).toEqual({
      status: 'The team is online',
      intro: 'Ask us anything: our assistant answers right away, and a person from the team steps in whenever you need one.',
    });
    expect(availabilityText({ teamOnline: true, assistantAnswers: false }).intro).toBe('Ask us anything: someone from the team will reply here.');
    expect(availabilityText({ teamOnline: false, assistantAnswers: true })).toEqual({
      status: 'Our assistant is here; the team is away',
      intro: 'Ask us anything: our assistant answers right away. The team is away now; if you need a person, they will reply here as soon as they are back.',
    });
    expect(availabilityText({ teamOnline: false, assistantAnswers: false })).toEqual({
      status: 'The team is away',
      intro: 'Ask us anything: the team is away now and will reply here as soon as they are back. You can close this window: the answer will be waiting here.',
    });
  });

  it('says when the team is back when the server knows', () => {
    const opening = 'on Tuesday 7 January at 09:00 (Europe/Paris time)';
    expect(availabilityText({ teamOnline: false, assistantAnswers: false, nextOpening: opening }).intro).toBe(
      'Ask us anything: the team is away now and will reply here when they are back, on Tuesday 7 January at 09:00 (Europe/Paris time). You can close this window: the answer will be waiting here.',
    );
  });

  it("keeps the widget's former words against a server that does not say", () => {
    expect(availabilityText(undefined).status).toBe('We usually answer in a few minutes');
  });
});
