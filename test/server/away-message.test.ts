/**
 * What a visitor asking for a person is told, over the wire: that someone will reply shortly only
 * while someone of the team is online; otherwise the assistant's away message, naming when the
 * team opens next when the assistant has business hours and it is outside them.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_AWAY_MESSAGE, DEFAULT_HANDOFF_MESSAGE } from '../../activities/ai/config';
import type { AssistantConfig } from '../../domain/assistant';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';
import { askForPerson } from './support/ask-for-person';
import { queueSlotOf } from './support/teams';

const t = useTestApp();
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const assistantConfig = async (): Promise<AssistantConfig> => (await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent;
const patchAssistant = (fields: Record<string, unknown>) => t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, fields);

/** Whether the queue of the team the default routing sends a conversation to has the agent online. */
const agentOnline = async () => (await queueSlotOf(t.app, 'support', AGENT.agent))?.online === true;

describe('the hand-off message a visitor asking for a person gets', () => {
  it('is the away message while nobody of the team is online, not a promise of a reply shortly', async () => {
    expect(await agentOnline()).toBe(false);
    expect(await askForPerson(t, 'away-nobody')).toBe(DEFAULT_AWAY_MESSAGE);
  });

  it('is the usual hand-off message while someone of the team is online', async () => {
    const inbox = await t.open(AGENT);
    try {
      await expect.poll(agentOnline, { timeout: 10_000 }).toBe(true);
      expect(await askForPerson(t, 'away-someone')).toBe(DEFAULT_HANDOFF_MESSAGE);
    } finally {
      await inbox.close();
    }
    await expect.poll(agentOnline, { timeout: 10_000 }).toBe(false);
  });

  it("is the team's own away message, then when they open next, in their time zone, outside business hours", async () => {
    const before = await assistantConfig();
    // The one working day three days after today in UTC: today or tomorrow in Tokyo, so outside the hours now, and named.
    const workday = (new Date().getUTCDay() + 3) % 7;
    const awayMessage = 'We are out of the office.';
    try {
      const changed = await patchAssistant({
        escalation: { ...before.escalation, awayMessage },
        businessHours: { timeZone: 'Asia/Tokyo', days: [workday], start: '09:00', end: '10:00' },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.agent.escalation.awayMessage).toBe(awayMessage);
      const said = await askForPerson(t, 'away-hours');
      // That working day's date is three days after today's in UTC, whichever of the two days it is in Tokyo.
      const now = new Date();
      const opening = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 3));
      const date = opening.toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long' });
      expect(said).toBe(`We are out of the office. We open again on ${DAY_NAMES[workday]} ${date} at 09:00 (Asia/Tokyo time).`);
    } finally {
      expect((await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before)).status).toBe(200);
    }
  });

  it('saves the away message given, and refuses an empty or too long one, naming it, changing nothing', async () => {
    const before = await assistantConfig();
    expect(before.escalation.awayMessage).toMatch(/^Our team is away right now/);
    const refusals: Array<[string, RegExp]> = [
      ['  ', /empty/],
      ['x'.repeat(2_001), /2,?000/],
    ];
    for (const [awayMessage, says] of refusals) {
      const refused = await patchAssistant({ escalation: { ...before.escalation, awayMessage } });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('ERR_INVALID_INPUT');
      expect(refused.body.error.details.fields).toEqual([{ path: 'body.escalation.awayMessage', message: expect.stringMatching(says) }]);
    }
    expect(await assistantConfig()).toEqual(before);
    try {
      expect((await patchAssistant({ escalation: { ...before.escalation, awayMessage: 'x'.repeat(2_000) } })).status).toBe(200);
      expect((await assistantConfig()).escalation.awayMessage).toBe('x'.repeat(2_000));
    } finally {
      expect((await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before)).status).toBe(200);
    }
  });
});

describe("what the widget's bootstrap tells a visitor of the team before they write", () => {
  const availability = async () => (await t.api.call('GET', '/v1/websites', { visitorId: await t.api.newVisitor() })).body.availability;

  it('says whether someone of the team is online, as presence has it', async () => {
    expect(await availability()).toEqual({ teamOnline: false, assistantAnswers: true });
    const inbox = await t.open(AGENT);
    try {
      await expect.poll(async () => (await availability()).teamOnline).toBe(true);
    } finally {
      await inbox.close();
    }
    await expect.poll(async () => (await availability()).teamOnline).toBe(false);
  });

  it('says the assistant does not answer while it is switched off, or kept to the hours outside business hours while inside them', async () => {
    const before = await assistantConfig();
    // From this hour to two hours later (past midnight, it counts for today): inside them for the test's while.
    const hour = (offset: number) => `${String((new Date().getUTCHours() + offset) % 24).padStart(2, '0')}:00`;
    const allWeek = { timeZone: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], start: hour(0), end: hour(2) };
    try {
      expect((await patchAssistant({ enabled: false })).status).toBe(200);
      expect(await availability()).toMatchObject({ assistantAnswers: false });
      expect((await patchAssistant({ enabled: true, onlyOutsideBusinessHours: true, businessHours: allWeek })).status).toBe(200);
      expect(await availability()).toEqual({ teamOnline: false, assistantAnswers: false });
    } finally {
      expect((await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before)).status).toBe(200);
    }
  });

  it('names when the team opens next while nobody is online outside business hours', async () => {
    const before = await assistantConfig();
    const workday = (new Date().getUTCDay() + 3) % 7;
    try {
      expect((await patchAssistant({ businessHours: { timeZone: 'Asia/Tokyo', days: [workday], start: '09:00', end: '10:00' } })).status).toBe(200);
      expect(await availability()).toEqual({ teamOnline: false, assistantAnswers: true, nextOpening: expect.stringMatching(new RegExp(`^on ${DAY_NAMES[workday]} \\d+ \\w+ at 09:00 \\(Asia/Tokyo time\\)$`)) });
    } finally {
      expect((await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before)).status).toBe(200);
    }
  });
});
