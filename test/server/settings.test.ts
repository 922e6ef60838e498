import { describe, expect, it } from 'vitest';
import { loadRoutingRules } from '../../activities/ai';
import { conversationWorkflowId, getState, type ConversationSnapshot } from '../../workflows/conversation/definitions';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

const DEFAULTS = {
  firstResponseMinutes: { low: 1440, medium: 240, high: 60, urgent: 15 },
  bumpPriorityOnSlaBreach: true,
  autoResolveAfterMinutes: 1440,
  retentionAfterResolveMinutes: 10080,
  defaultAiPauseMinutes: 60,
  aiTakesReopened: false,
  releaseOfflineAssigneesAfterMinutes: 15,
  assignOnReply: true,
};

describe('Lifecycle settings', () => {
  it('are the defaults until the team changes them; a PUT fills in what it leaves out', async () => {
    expect((await t.api.call('GET', '/v1/settings/lifecycle', AGENT)).body).toEqual({ settings: DEFAULTS });
    const put = await t.api.call('PUT', '/v1/settings/lifecycle', AGENT, { firstResponseMinutes: { urgent: 5, low: null }, autoResolveAfterMinutes: null });
    expect(put.status).toBe(200);
    const changed = { ...DEFAULTS, firstResponseMinutes: { ...DEFAULTS.firstResponseMinutes, urgent: 5, low: null }, autoResolveAfterMinutes: null };
    expect(put.body.settings).toEqual(changed);
    expect((await t.api.call('GET', '/v1/settings/lifecycle', AGENT)).body.settings).toEqual(changed);
  });

  it('start the workflows of conversations that begin afterwards', async () => {
    await t.api.call('PUT', '/v1/settings/lifecycle', AGENT, { firstResponseMinutes: { medium: 30 }, aiTakesReopened: true });
    const visitor = { visitorId: await t.api.newVisitor() };
    await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'settings-1', defaultTimelineItems: [{ id: 'settings-1-q', type: 'message', text: 'hello' }] });
    const started = async () => (await t.api.call('GET', '/v1/conversations/settings-1/audit', AGENT)).body.entries.find((e: { kind: string }) => e.kind === 'workflow_started');
    await expect.poll(started).toBeDefined();
    const { settings } = (await started()).details.args[0];
    expect(settings).toMatchObject({ firstResponseSlaMs: { medium: 30 * 60_000 }, aiTakesReopened: true, retentionAfterResolveMs: 10080 * 60_000 });
  });

  it('reach conversations already running: their deadlines follow at once', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    // Escalated before the visitor writes: a message the AI held would start its turn, which escalates
    // a question it cannot answer by itself 1.5 s on, and the team's escalation would then be refused.
    await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'settings-2' });
    expect((await t.api.call('POST', '/v1/conversations/settings-2/escalate', AGENT, { reason: 'wants a person' })).status).toBe(200);
    // The first-response clock runs from the visitor's message, the team's to answer.
    expect((await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'settings-2', item: { id: 'settings-2-q', type: 'message', text: 'hello' } })).status).toBe(201);
    const state = () => t.app.engine.query<ConversationSnapshot>({ workflowId: conversationWorkflowId('settings-2'), query: getState.name, args: [{ actor: { kind: 'system', id: 'test' } }] });
    // Sent to the workflow after the answer: its audit entry is when the clock started.
    const heard = async () => (await t.api.call('GET', '/v1/conversations/settings-2/audit', AGENT)).body.entries.find((e: { name?: string }) => e.name === 'itemAdded')?.time as string | undefined;
    await expect.poll(heard).toBeDefined();
    const startedAt = (await heard())!;
    const dueIn = async () => Math.round((Date.parse((await state()).firstResponseDueAt!) - Date.parse(startedAt)) / 60_000);
    await expect.poll(async () => (await state()).firstResponseDueAt).toBeDefined();
    const before = await dueIn();
    await t.api.call('PUT', '/v1/settings/lifecycle', AGENT, { firstResponseMinutes: { medium: before + 17 } });
    await expect.poll(dueIn, { timeout: 10_000 }).toBe(before + 17);
    const audit = (await t.api.call('GET', '/v1/conversations/settings-2/audit', AGENT)).body.entries;
    expect(audit).toContainEqual(expect.objectContaining({ kind: 'signal_received', name: 'settingsChanged', actor: { kind: 'human', id: AGENT.agent } }));
  });

  it('refuses what is not a setting, or out of range, naming the field; only the team may change them', async () => {
    const bad = await t.api.call('PUT', '/v1/settings/lifecycle', AGENT, { firstResponseMinutes: { urgent: 0 }, autoResolveAfter: 5, defaultAiPauseMinutes: 60 * 24 * 8 });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['body.autoResolveAfter', 'body.defaultAiPauseMinutes', 'body.firstResponseMinutes.urgent']);
    const visitor = { visitorId: await t.api.newVisitor() };
    expect((await t.api.call('GET', '/v1/settings/lifecycle', visitor)).status).toBe(403);
    expect((await t.api.call('PUT', '/v1/settings/lifecycle', { Authorization: `Bearer ${t.app.keys.secretKey}` }, {})).status).toBe(403);
    // Nor an AI assistant: a change reaches every running conversation.
    expect((await t.api.call('PUT', '/v1/settings/lifecycle', { agent: DEFAULT_ASSISTANT_ID }, {})).status).toBe(403);
    expect((await t.api.call('PUT', '/v1/settings/routing', { agent: DEFAULT_ASSISTANT_ID }, { rules: [], defaultTeam: 'support' })).status).toBe(403);
  });
});

describe('Lifecycle settings: releaseOfflineAssigneesAfterMinutes', () => {
  const put = (value: unknown) => t.api.call('PUT', '/v1/settings/lifecycle', AGENT, { releaseOfflineAssigneesAfterMinutes: value });

  it('takes 1 to 1440 minutes, or null for never', async () => {
    for (const value of [1, 1440, null]) {
      expect((await put(value)).body.settings.releaseOfflineAssigneesAfterMinutes).toBe(value);
      expect((await t.api.call('GET', '/v1/settings/lifecycle', AGENT)).body.settings.releaseOfflineAssigneesAfterMinutes).toBe(value);
    }
  });

  it('refuses 0, more than a day or a non-number, naming the field', async () => {
    for (const value of [0, 1441, 2.5, '15']) {
      const refused = await put(value);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('ERR_INVALID_INPUT');
      expect(refused.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.releaseOfflineAssigneesAfterMinutes']);
    }
  });
});

describe('Lifecycle settings: assignOnReply', () => {
  it('takes a boolean only, naming the field', async () => {
    const refused = await t.api.call('PUT', '/v1/settings/lifecycle', AGENT, { assignOnReply: 'yes' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.assignOnReply']);
  });
});

describe('Routing rules', () => {
  it('are the defaults until the team replaces them, and the next routing decision reads them', async () => {
    const defaults = (await t.api.call('GET', '/v1/settings/routing', AGENT)).body.routing;
    expect(defaults).toMatchObject({ defaultTeam: 'support', rules: expect.arrayContaining([{ team: 'billing', tags: ['billing'] }]) });
    const routing = { rules: [{ team: 'technical', priorities: ['urgent'] }, { team: 'billing', tags: ['billing', 'refund'] }], defaultTeam: 'billing' };
    const put = await t.api.call('PUT', '/v1/settings/routing', AGENT, routing);
    expect(put.status).toBe(200);
    expect(put.body.routing).toEqual(routing);
    expect((await t.api.call('GET', '/v1/settings/routing', AGENT)).body.routing).toEqual(routing);
    expect(await loadRoutingRules(t.app.store, t.app.websiteId)).toEqual(routing);
  });

  it('send the next escalation to the team they name', async () => {
    await t.api.call('PUT', '/v1/settings/routing', AGENT, { rules: [{ team: 'technical', tags: ['crash'] }], defaultTeam: 'billing' });
    const visitor = { visitorId: await t.api.newVisitor() };
    // No visitor message: the AI's turn on it would escalate by itself 1.5 s on, routed by the tags it had
    // then, and refuse the team's escalation below.
    await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'routed-1' });
    expect((await t.api.call('POST', '/v1/conversations/routed-1/tags', AGENT, { add: ['crash'] })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/conversations/routed-1/escalate', AGENT, { reason: 'needs an engineer' })).status).toBe(200);
    const queued = async (team: string) =>
      (await t.app.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(t.app.websiteId, team), query: teamQueueState.name }).catch(() => undefined))?.queue.map((e) => e.conversationId) ?? [];
    // Queued for the technical team (nobody of it is online here), not the default one.
    await expect.poll(() => queued('technical')).toContain('routed-1');
    expect(await queued('billing')).not.toContain('routed-1');
  });

  it('refuses a rule that could match nothing, or fields they do not have, naming them', async () => {
    const bad = await t.api.call('PUT', '/v1/settings/routing', AGENT, { rules: [{ team: 'x' }, { team: 'y', tags: ['a'], weight: 2 }] });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['body.defaultTeam', 'body.rules.0.tags', 'body.rules.1.weight']);
    // A team nobody belongs to would hold its escalations for ever.
    const nobody = await t.api.call('PUT', '/v1/settings/routing', AGENT, { rules: [{ team: 'vip', priorities: ['urgent'] }], defaultTeam: 'frontline' });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.rules.0.team', 'body.defaultTeam']);
  });
});
