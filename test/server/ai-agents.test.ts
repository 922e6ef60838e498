/**
 * `/v1/ai-agents`: the website's AI assistant over the wire. A configuration is saved only with a
 * model this server can run; one stored earlier that cannot run hands the visitor to the team,
 * saying why to the team only. The team deletes the assistant (its conversations go to the team
 * when the visitor writes again) and creates one when the website has none.
 */
import { describe, expect, it } from 'vitest';
import { assistantSettingKey } from '../../activities/ai';
import type { AssistantConfig } from '../../domain/assistant';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { AGENT, sleep, waitUntil } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();
const OPENAI_MODEL = 'openai:gpt-4o-mini';

const assistantConfig = async (id: string): Promise<AssistantConfig> => (await t.api.call('GET', `/v1/ai-agents/${id}`, AGENT)).body.agent;
const conversationOf = async (id: string) => (await t.api.call('GET', `/v1/conversations/${id}`, AGENT)).body.conversation;
const aiMessages = async (conversationId: string) =>
  ((await t.api.call('GET', `/v1/conversations/${conversationId}/timeline?limit=100`, AGENT)).body.items as Array<{ type: string; author: { kind: string; id: string }; text?: string }>).filter(
    (item) => item.type === 'message' && item.author.kind === 'ai',
  );

/** A new visitor's conversation with a first message (or the visitor's next one). */
async function visitorWrites(conversationId: string, text: string, visitor?: { visitorId: string }) {
  const who = visitor ?? { visitorId: await t.api.newVisitor() };
  if (!visitor) expect((await t.api.call('POST', '/v1/conversations', who, { conversationId })).status).toBe(201);
  expect((await t.api.call('POST', '/v1/messages', who, { conversationId, item: { type: 'message', text } })).status).toBe(201);
  return who;
}

describe('/v1/ai-agents', () => {
  describe('PUT /:id', () => {
    it('renames the assistant as the team and the widget read it, not only in its configuration', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      const nameOnTeam = async () =>
        ((await t.api.call('GET', '/v1/team', AGENT)).body.members as Array<{ id: string; name: string }>).find((m) => m.id === DEFAULT_ASSISTANT_ID)?.name;
      const nameInWidget = async () =>
        ((await t.api.call('GET', '/v1/websites', { visitorId: await t.api.newVisitor() })).body.availableAIAgents as Array<{ id: string; name: string }>).find((a) => a.id === DEFAULT_ASSISTANT_ID)?.name;
      try {
        expect((await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, name: 'Ada from Acme' })).status).toBe(200);
        expect(await nameOnTeam()).toBe('Ada from Acme');
        expect(await nameInWidget()).toBe('Ada from Acme');
        // A name the team could not show is refused, as a person's would be.
        const bidi = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, name: 'Ada\u202Eevil' });
        expect(bidi.status).toBe(400);
      } finally {
        await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before);
      }
      expect(await nameOnTeam()).toBe(before.name);
    });

    it('refuses an OpenAI model while the server has no OPENAI_API_KEY, naming it, and replaces nothing', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      const put = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, model: OPENAI_MODEL });
      expect(put.status).toBe(400);
      expect(put.body.error.details.fields).toEqual([{ path: 'body.model', message: expect.stringContaining('needs OPENAI_API_KEY') }]);
      expect(await assistantConfig(DEFAULT_ASSISTANT_ID)).toEqual(before);
    });
    it('refuses business hours that could never apply, naming the field, and replaces nothing', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      const refusal = async (change: Partial<AssistantConfig>) => {
        const put = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, ...change });
        expect(put.status).toBe(400);
        return put.body.error.details.fields.map((f: { path: string }) => f.path);
      };
      const hours = { timeZone: 'Europe/Paris', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
      expect(await refusal({ businessHours: { ...hours, days: [] } })).toEqual(['body.businessHours.days']);
      expect(await refusal({ businessHours: { ...hours, end: '09:00' } })).toEqual(['body.businessHours.end']);
      const { businessHours: _none, ...withoutHours } = before;
      const put = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...withoutHours, onlyOutsideBusinessHours: true });
      expect(put.status).toBe(400);
      expect(put.body.error.details.fields).toEqual([{ path: 'body.onlyOutsideBusinessHours', message: expect.stringContaining('businessHours') }]);
      const { id: _id, ...created } = { ...withoutHours, name: 'Night Owl', onlyOutsideBusinessHours: true };
      expect((await t.api.call('POST', '/v1/ai-agents', AGENT, created)).status).toBe(400);
      expect(await assistantConfig(DEFAULT_ASSISTANT_ID)).toEqual(before);
    });

    it('refuses a step budget with no room for a reply after tagging, naming it', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      const put = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, stepBudget: 1 });
      expect(put.status).toBe(400);
      expect(put.body.error.details.fields).toEqual([{ path: 'body.stepBudget', message: expect.stringContaining('at least 2') }]);
      expect(await assistantConfig(DEFAULT_ASSISTANT_ID)).toEqual(before);
    });

    it('takes the tags its rules name as tags are stored (composed, one line), so a rule matches the tag another rule added', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      const decomposed = 'fu\u0308r-spa\u0308ter';
      const rules = { keywordRules: [{ keywords: ['lieferung'], tags: [decomposed] }], escalation: { ...before.escalation, tags: [decomposed] } };
      try {
        expect((await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, ...rules, debounceMs: 0 })).status).toBe(200);
        const saved = await assistantConfig(DEFAULT_ASSISTANT_ID);
        expect([saved.keywordRules[0]?.tags, saved.escalation.tags]).toEqual([['für-später'], ['für-später']]);
        await visitorWrites('composed-tags', 'Wo ist meine Lieferung?');
        const escalated = await waitUntil(() => conversationOf('composed-tags'), (c) => c.handler !== 'ai');
        expect(escalated).toMatchObject({ tags: ['für-später'], handler: 'human' });
        const tab = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, keywordRules: [{ keywords: ['x'], tags: ['two\tparts'] }] });
        expect(tab.status).toBe(400);
        expect(tab.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.keywordRules.0.tags.0']);
      } finally {
        await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before);
      }
    });

    it('keeps business hours that run past midnight', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      const overnight = { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '18:00', end: '09:00' };
      try {
        const put = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, businessHours: overnight, onlyOutsideBusinessHours: true });
        expect(put.status).toBe(200);
        expect((await assistantConfig(DEFAULT_ASSISTANT_ID)).businessHours).toEqual(overnight);
      } finally {
        await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before);
      }
    });
  });

  describe('PATCH /:id', () => {
    const patch = (fields: unknown) => t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, fields);

    it('changes one escalation field and keeps the others as stored', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      try {
        const custom = { ...before.escalation, maxVisitorTurns: 2, handoffMessage: 'One moment, a colleague takes over.', tags: ['vip'] };
        expect((await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, escalation: custom })).status).toBe(200);
        const patched = await patch({ escalation: { humanRequestPhrases: ['a human please'] } });
        expect(patched.status).toBe(200);
        expect(patched.body.agent).toEqual({ ...before, escalation: { ...custom, humanRequestPhrases: ['a human please'] } });
        expect(await assistantConfig(DEFAULT_ASSISTANT_ID)).toEqual(patched.body.agent);
      } finally {
        await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before);
      }
    });

    it('changes one business-hours field and keeps the others as stored', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      const hours = { timeZone: 'Europe/Paris', days: [1, 2, 3], start: '08:00', end: '12:00' };
      try {
        expect((await patch({ businessHours: hours })).status).toBe(200);
        const patched = await patch({ businessHours: { end: '13:30' } });
        expect(patched.status).toBe(200);
        expect(patched.body.agent.businessHours).toEqual({ ...hours, end: '13:30' });
        expect(await assistantConfig(DEFAULT_ASSISTANT_ID)).toEqual({ ...before, businessHours: { ...hours, end: '13:30' } });
      } finally {
        await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before);
      }
    });

    it('refuses a part that makes the stored whole invalid, naming the field sent, and changes nothing', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      const hours = { timeZone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '12:00' };
      try {
        expect((await patch({ businessHours: hours })).status).toBe(200);
        // Valid alone (the default end is 17:00), not with the stored end.
        const sameAsEnd = await patch({ businessHours: { start: '12:00' } });
        expect([sameAsEnd.status, sameAsEnd.body.error.details.fields.map((f: { path: string }) => f.path)]).toEqual([400, ['body.businessHours.end']]);
        const badTurns = await patch({ escalation: { maxVisitorTurns: -1 } });
        expect([badTurns.status, badTurns.body.error.details.fields.map((f: { path: string }) => f.path)]).toEqual([400, ['body.escalation.maxVisitorTurns']]);
        const typo = await patch({ escalation: { handoffMesage: 'Hi' } });
        expect([typo.status, typo.body.error.details.fields]).toEqual([400, [{ path: 'body.escalation.handoffMesage', message: 'unknown field' }]]);
        expect(await assistantConfig(DEFAULT_ASSISTANT_ID)).toEqual({ ...before, businessHours: hours });
      } finally {
        await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before);
      }
    });

    it('replaces a list whole and keeps PUT a whole replacement', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      try {
        const patched = await patch({ escalation: { tags: ['vip'] } });
        expect(patched.body.agent.escalation.tags).toEqual(['vip']);
        expect((await patch({ escalation: { tags: ['legal'] } })).body.agent.escalation.tags).toEqual(['legal']);
        // A PUT naming one escalation field leaves the others at their defaults, not at what was stored.
        const put = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, escalation: { maxVisitorTurns: 3 } });
        expect(put.status).toBe(200);
        expect(put.body.agent.escalation.tags).toEqual([]);
      } finally {
        await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before);
      }
    });
  });

  describe('asking for a person', () => {
    it('answers visitors who only mention a person or a human in passing, also with the phrases an earlier version stored as its defaults', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      // The earlier defaults, as the seed and every PUT that left them out stored them.
      const formerDefaults = ['human', 'real person', 'a person', 'talk to someone', 'speak to someone', 'speak with someone', 'live agent', 'an agent', 'representative', 'operator', 'customer service'];
      await t.app.store.putSetting(t.app.websiteId, assistantSettingKey(DEFAULT_ASSISTANT_ID), { ...before, debounceMs: 0, escalation: { ...before.escalation, humanRequestPhrases: formerDefaults } });
      try {
        expect((await assistantConfig(DEFAULT_ASSISTANT_ID)).escalation.humanRequestPhrases).toEqual(before.escalation.humanRequestPhrases);
        const questions = {
          'in-passing-1': 'Is the export human-readable?',
          'in-passing-2': 'How do I share a notebook with a person outside my company?',
          'in-passing-3': 'I do not want a human, just tell me how to export my notes',
        };
        for (const [id, text] of Object.entries(questions)) await visitorWrites(id, text);
        for (const id of Object.keys(questions)) {
          expect(await waitUntil(() => aiMessages(id), (messages) => messages.length > 0)).toHaveLength(1);
          expect(await conversationOf(id)).toMatchObject({ handler: 'ai' });
        }
        // Not a request for a person: the model reads it, and finds nothing in the knowledge to answer with.
        await visitorWrites('in-passing-4', 'Is there an agent for that?');
        const unanswered = await waitUntil(() => conversationOf('in-passing-4'), (c) => c.escalationReason !== undefined);
        expect(unanswered.escalationReason).toMatch(/knowledge base/);
        // Asking for one still hands over at once.
        await visitorWrites('asks-for-one', 'Can I speak to a person please?');
        expect((await waitUntil(() => conversationOf('asks-for-one'), (c) => c.handler === 'human')).escalationReason).toBe('Visitor asked for a human ("speak to a person")');
      } finally {
        await t.app.store.putSetting(t.app.websiteId, assistantSettingKey(DEFAULT_ASSISTANT_ID), before);
      }
    });
  });

  describe('a configuration stored earlier whose model cannot run', () => {
    it('hands the visitor to the team at once, the team told which setting is missing, the visitor only that someone will reply', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      // As an earlier version, or a server that had the key, stored it.
      await t.app.store.putSetting(t.app.websiteId, assistantSettingKey(DEFAULT_ASSISTANT_ID), { ...before, model: OPENAI_MODEL, debounceMs: 0 });
      try {
        const visitor = await visitorWrites('no-key', 'How do I reset my password?');

        const escalated = await waitUntil(() => conversationOf('no-key'), (c) => c.handler === 'human');
        expect(escalated.escalationReason).toMatch(/needs OPENAI_API_KEY/);
        await waitUntil(() => aiMessages('no-key'), (messages) => messages.length > 0);
        const team = (await t.api.call('GET', '/v1/conversations/no-key/timeline?limit=100', AGENT)).body.items;
        expect(team).toContainEqual(expect.objectContaining({ type: 'note', visibility: 'private', text: expect.stringMatching(/needs OPENAI_API_KEY.*handed to the team/) }));
        // The visitor hears the hand-off message (the away one: nobody is online), from the assistant, and nothing of the setting.
        const seen = (await t.api.call('GET', '/v1/conversations/no-key/timeline?limit=100', visitor)).body.items;
        expect(seen).toContainEqual(expect.objectContaining({ type: 'message', author: expect.objectContaining({ kind: 'ai' }), text: before.escalation.awayMessage }));
        expect(JSON.stringify(seen)).not.toMatch(/OPENAI_API_KEY/);
        expect(JSON.stringify((await t.api.call('GET', '/v1/conversations/no-key', visitor)).body)).not.toMatch(/OPENAI_API_KEY/);
      } finally {
        await t.app.store.putSetting(t.app.websiteId, assistantSettingKey(DEFAULT_ASSISTANT_ID), before);
      }
    });
  });

  describe('DELETE /:id', () => {
    it('removes the assistant: new conversations start with the team, those it held go to the team when the visitor writes again; POST with its id brings it back', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, debounceMs: 0 });
      const visitor = await visitorWrites('held', 'How do I reset my password?');
      await waitUntil(() => aiMessages('held'), (messages) => messages.length > 0, 20_000);

      const deleted = await t.api.call('DELETE', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT);
      expect(deleted.status).toBe(204);
      expect((await t.api.call('GET', '/v1/ai-agents', AGENT)).body.agents).toEqual([]);
      expect((await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).status).toBe(404);
      const team = (await t.api.call('GET', '/v1/team', AGENT)).body;
      expect(team.members.map((m: { kind: string }) => m.kind)).not.toContain('ai');
      // Older timelines still name it.
      expect(team.formerMembers).toContainEqual({ id: DEFAULT_ASSISTANT_ID, name: before.name });
      // A retry is answered the same.
      expect((await t.api.call('DELETE', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).status).toBe(204);
      // Its id stays its own: adding a person under it does not bring it back as someone else.
      expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: DEFAULT_ASSISTANT_ID, name: 'Impostor' })).status).toBe(409);

      await visitorWrites('held', 'And how do I export my notes?', visitor);
      const handedOver = await waitUntil(() => conversationOf('held'), (c) => c.handler === 'human', 20_000);
      expect(handedOver.escalationReason).toContain(DEFAULT_ASSISTANT_ID);
      // The visitor is told as on any hand-over to the team (an agent's escalation, an assistant switched
      // off): a person was requested, not why; the deleted assistant says nothing more.
      const told = (await t.api.call('GET', '/v1/conversations/held/timeline?limit=100', visitor)).body.items as Array<{ type: string; event?: { kind: string; data: object } }>;
      expect(told.filter((item) => item.type === 'event').map((item) => item.event)).toEqual([{ kind: 'participant_requested', actorId: DEFAULT_ASSISTANT_ID, data: {} }]);
      expect(await aiMessages('held')).toHaveLength(1);
      await visitorWrites('after', 'How do I reset my password?');
      await sleep(1_000);
      expect(await conversationOf('after')).toMatchObject({ handler: 'unassigned', participants: [] });
      expect(await aiMessages('after')).toEqual([]);

      const back = await t.api.call('POST', '/v1/ai-agents', AGENT, { ...before, id: DEFAULT_ASSISTANT_ID });
      expect(back.status).toBe(201);
      expect(back.body.agent).toEqual(before);
      expect((await t.api.call('GET', '/v1/ai-agents', AGENT)).body.agents).toEqual([before]);
      await visitorWrites('back', 'How do I reset my password?');
      const [answer] = await waitUntil(() => aiMessages('back'), (messages) => messages.length > 0, 20_000);
      expect(answer).toMatchObject({ author: { kind: 'ai', id: DEFAULT_ASSISTANT_ID }, text: expect.stringMatching(/Forgot password/) });
    });

    it('refuses callers who may not change the team (401, 403) and ids that are no assistant of the website (404)', async () => {
      const path = `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`;
      expect((await fetch(`${t.app.url}${path}`, { method: 'DELETE' })).status).toBe(401);
      expect((await t.api.call('DELETE', path, { visitorId: await t.api.newVisitor() })).status).toBe(403);
      expect((await t.api.call('DELETE', path, { agent: null })).status).toBe(403);
      // An assistant acting through the API may not remove itself.
      expect((await t.api.call('DELETE', path, { agent: DEFAULT_ASSISTANT_ID })).status).toBe(403);
      expect((await t.api.call('DELETE', '/v1/ai-agents/ai_nobody', AGENT)).status).toBe(404);
      // A person is not an AI assistant: removed with /v1/team/members, not here.
      expect((await t.api.call('DELETE', `/v1/ai-agents/${AGENT.agent}`, AGENT)).status).toBe(404);
      expect((await t.api.call('GET', '/v1/team', AGENT)).body.members.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining([AGENT.agent, DEFAULT_ASSISTANT_ID]));
    });
  });

  describe('POST /', () => {
    const knowledge = [
      { id: 'hours', title: 'Opening hours', text: 'Our office opens at 9 and closes at 17, Monday to Friday.' },
      { id: 'parking', title: 'Parking', text: 'Visitors park in the garage under the building.' },
      { id: 'wifi', title: 'Guest wifi', text: 'The guest network is called Lobby; ask the front desk for its password.' },
    ];

    it('creates the assistant of a website that has none (201), which new conversations start with; a retry answers 200 with it', async () => {
      const original = await assistantConfig(DEFAULT_ASSISTANT_ID);
      expect((await t.api.call('DELETE', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).status).toBe(204);
      const body = { name: 'Hours Bot', knowledge, debounceMs: 0 };
      const created = await t.api.call('POST', '/v1/ai-agents', AGENT, body);
      expect(created.status).toBe(201);
      const agent = created.body.agent as AssistantConfig;
      // What the body leaves out takes its default, as with PUT.
      expect(agent).toMatchObject({ id: expect.stringMatching(/^ai_/), name: 'Hours Bot', model: 'builtin:rules', knowledge, enabled: true, stepBudget: 4 });
      expect((await t.api.call('POST', '/v1/ai-agents', AGENT, body)).body).toEqual({ agent });
      expect((await t.api.call('POST', '/v1/ai-agents', AGENT, body)).status).toBe(200);
      expect(await assistantConfig(agent.id)).toEqual(agent);
      expect((await t.api.call('GET', '/v1/team', AGENT)).body.members).toContainEqual(expect.objectContaining({ id: agent.id, name: 'Hours Bot', kind: 'ai' }));

      await visitorWrites('hours', 'What are the opening hours of your office?');
      const [answer] = await waitUntil(() => aiMessages('hours'), (messages) => messages.length > 0, 20_000);
      expect(answer).toMatchObject({ author: { kind: 'ai', id: agent.id }, text: expect.stringMatching(/opens at 9/) });

      expect((await t.api.call('DELETE', `/v1/ai-agents/${agent.id}`, AGENT)).status).toBe(204);
      expect((await t.api.call('POST', '/v1/ai-agents', AGENT, original)).status).toBe(201);
    });

    it('refuses what PUT refuses (400), callers who may not change the team (401, 403), and a second assistant or a taken id (409)', async () => {
      const invalid = await t.api.call('POST', '/v1/ai-agents', AGENT, { instruction: 'Be brief', model: 'gpt-4', stepBudget: 0, id: 'backend' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.id', 'body.instruction', 'body.model', 'body.name', 'body.stepBudget']);
      expect((await t.api.call('POST', '/v1/ai-agents', AGENT, { name: 'Line\u202eBot' })).body.error.details.fields).toEqual([{ path: 'body.name', message: expect.stringContaining('control') }]);
      const openai = await t.api.call('POST', '/v1/ai-agents', AGENT, { name: 'GPT Bot', model: OPENAI_MODEL });
      expect(openai.status).toBe(400);
      expect(openai.body.error.details.fields).toEqual([{ path: 'body.model', message: expect.stringContaining('needs OPENAI_API_KEY') }]);

      expect((await fetch(`${t.app.url}/v1/ai-agents`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(401);
      expect((await t.api.call('POST', '/v1/ai-agents', { visitorId: await t.api.newVisitor() }, { name: 'Bot' })).status).toBe(403);
      expect((await t.api.call('POST', '/v1/ai-agents', { agent: null }, { name: 'Bot' })).status).toBe(403);
      expect((await t.api.call('POST', '/v1/ai-agents', { agent: DEFAULT_ASSISTANT_ID }, { name: 'Bot' })).status).toBe(403);

      // The website has its assistant: a second would leave which one answers to chance.
      const second = await t.api.call('POST', '/v1/ai-agents', AGENT, { name: 'Second Bot' });
      expect(second.status).toBe(409);
      expect(second.body.error).toMatchObject({ code: 'ERR_CONFLICT', details: { assistantId: DEFAULT_ASSISTANT_ID } });
      const original = await assistantConfig(DEFAULT_ASSISTANT_ID);
      expect((await t.api.call('DELETE', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).status).toBe(204);
      // A person's id is theirs.
      const taken = await t.api.call('POST', '/v1/ai-agents', AGENT, { id: AGENT.agent, name: 'Bot' });
      expect(taken.status).toBe(409);
      expect(taken.body.error.message).toContain(`${AGENT.agent} is taken`);
      expect((await t.api.call('GET', '/v1/ai-agents', AGENT)).body.agents).toEqual([]);
      expect((await t.api.call('POST', '/v1/ai-agents', AGENT, original)).status).toBe(201);
    });
  });
});
