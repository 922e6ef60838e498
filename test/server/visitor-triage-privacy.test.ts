/**
 * What a visitor sees of the team's triage: not the priority (a raise after a missed first-response
 * target would tell of it), not the team's metadata, and events without the reasons agents give.
 */
import { describe, expect, it } from 'vitest';
import { AGENT, waitUntil } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

describe('what a visitor sees of the team’s triage', () => {
  it('hides priority, metadata and the reasons of resolve and reopen, by REST, socket and resume', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    const created = await t.api.call('POST', '/v1/conversations', AGENT, { conversationId: 'triage-1', visitorId: visitor.visitorId, metadata: { crm: 'account 42, late payer' } });
    expect(created.status).toBe(201);
    // The AI paused first: its answer to "Hello?" (1.5 s on) could land after the reopen, the visitor's last item.
    expect((await t.api.call('POST', '/v1/conversations/triage-1/ai/pause', AGENT, { minutes: 30 })).status).toBe(200);
    await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'triage-1', item: { id: 'triage-1-q', type: 'message', text: 'Hello?' } });
    const visitorSocket = await t.open(visitor);

    expect((await t.api.call('PATCH', '/v1/conversations/triage-1', AGENT, { priority: 'urgent' })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/conversations/triage-1/resolve', AGENT, { reason: 'refund abuser, do not engage' })).status).toBe(200);
    expect((await t.api.call('POST', '/v1/conversations/triage-1/reopen', AGENT, { reason: 'manager asked to look again' })).status).toBe(200);
    const teamTimeline = await waitUntil(
      () => t.api.call('GET', '/v1/conversations/triage-1/timeline', AGENT),
      (res) => res.body.items.some((item: { event?: { kind: string } }) => item.event?.kind === 'reopened'),
    );
    const teamText = JSON.stringify(teamTimeline.body.items);
    expect(teamText).toContain('refund abuser');
    expect(teamText).toContain('"priority_changed"');
    await visitorSocket.waitFor((f) => f.type === 'timelineItemCreated' && f.payload.item.event?.kind === 'reopened');

    const conversation = (await t.api.call('GET', '/v1/conversations/triage-1', visitor)).body.conversation;
    expect(conversation).not.toHaveProperty('priority');
    expect(conversation).not.toHaveProperty('metadata');
    const listed = (await t.api.call('GET', '/v1/conversations', visitor)).body.conversations[0];
    expect(listed).not.toHaveProperty('priority');
    expect(listed.lastTimelineItem.event).toEqual({ kind: 'reopened', actorId: expect.any(String), data: {} });

    const timeline = (await t.api.call('GET', '/v1/conversations/triage-1/timeline', visitor)).body.items;
    const resumed = await t.open(visitor);
    resumed.send({ type: 'resume', payload: { conversationId: 'triage-1', afterSeq: 0 } });
    await resumed.waitFor((f) => f.type === 'timelineItemCreated' && f.payload.item.event?.kind === 'reopened');
    for (const seen of [JSON.stringify(timeline), visitorSocket.texts.join('\n'), resumed.texts.join('\n')]) {
      expect(seen).toContain('"resolved"');
      expect(seen).not.toContain('refund abuser');
      expect(seen).not.toContain('manager asked');
      expect(seen).not.toContain('priority');
      expect(seen).not.toContain('late payer');
    }

    const filtered = await t.api.call('GET', '/v1/conversations?priority=urgent', visitor);
    expect(filtered.status).toBe(403);
  });

  it('hides a priority change an earlier version stored public', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'triage-2' });
    await t.app.store.appendItem({
      id: 'triage-2-old-priority',
      conversationId: 'triage-2',
      type: 'event',
      visibility: 'public',
      author: { kind: 'system', id: 'lifecycle' },
      createdAt: new Date().toISOString(),
      event: { kind: 'priority_changed', data: { from: 'medium', to: 'high' } },
    } as never);
    const team = (await t.api.call('GET', '/v1/conversations/triage-2/timeline', AGENT)).body.items;
    expect(team.map((item: { id: string }) => item.id)).toContain('triage-2-old-priority');
    const seen = [
      JSON.stringify((await t.api.call('GET', '/v1/conversations/triage-2/timeline', visitor)).body.items),
      JSON.stringify((await t.api.call('GET', '/v1/conversations', visitor)).body.conversations),
    ];
    for (const text of seen) expect(text).not.toContain('priority');
  });
});
