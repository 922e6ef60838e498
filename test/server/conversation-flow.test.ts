import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { userHashOf } from '../../server/services/identity';
import { AGENT, sleep, SocketClient, waitUntil, type Who } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

describe('Chat API over the wire', () => {
  describe('#example conversation', () => {
    it('runs visitor question → agent joins and replies → resolved → visitor writes again → reopened', async () => {
      const visitorId = await t.api.newVisitor();
      const visitor = { visitorId };
      const visitorSocket = await t.open(visitor);
      const agentSocket = await t.open(AGENT);

      const created = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'flow-1' });
      expect(created.status).toBe(201);
      expect(created.body.conversation).toMatchObject({ id: 'flow-1', visitorId, status: 'open', lastTimelineItem: null });
      expect(created.body.conversation).not.toHaveProperty('priority'); // the team's triage
      const announced = await agentSocket.waitFor((f) => f.type === 'conversationCreated' && f.payload.conversationId === 'flow-1');
      expect(announced.payload.conversation).toMatchObject({ priority: 'medium', lastTimelineItem: null, unreadCount: 0 });
      const told = await visitorSocket.waitFor((f) => f.type === 'conversationCreated' && f.payload.conversationId === 'flow-1');
      expect(told.payload.conversation).toMatchObject({ lastTimelineItem: null, unreadCount: 0 });

      const asked = await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'flow-1', item: { id: 'flow-1-q', type: 'message', text: 'I was charged twice for my subscription' } });
      expect(asked.status).toBe(201);
      expect(asked.body.item).toMatchObject({ id: 'flow-1-q', seq: 1, author: { kind: 'visitor', id: visitorId }, visibility: 'public' });
      expect((await agentSocket.itemFrame('flow-1-q')).payload.item.seq).toBe(1);
      await visitorSocket.itemFrame('flow-1-q');

      const joined = await t.api.call('POST', '/v1/conversations/flow-1/participants', AGENT, { userId: AGENT.agent });
      expect(joined.status).toBe(200);
      expect(joined.body.conversation.participants).toContainEqual(expect.objectContaining({ id: AGENT.agent, kind: 'human' }));

      const reply = await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'flow-1', item: { id: 'flow-1-a', type: 'message', text: 'Sorry about that, refunding now.' } });
      expect(reply.body.item.author).toEqual({ kind: 'human', id: AGENT.agent });
      await visitorSocket.itemFrame('flow-1-a');

      const resolved = await t.api.call('POST', '/v1/conversations/flow-1/resolve', AGENT, { reason: 'refunded' });
      expect(resolved.status).toBe(200);
      expect(resolved.body.conversation.status).toBe('resolved');
      await visitorSocket.waitFor((f) => f.type === 'conversationUpdated' && f.payload.updates.status === 'resolved');

      const again = await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'flow-1', item: { id: 'flow-1-again', type: 'message', text: 'One more question' } });
      const reopened = await waitUntil(
        () => t.api.call('GET', '/v1/conversations/flow-1', visitor),
        (res) => res.body.conversation.status === 'open',
      );
      expect(reopened.body.conversation.status).toBe('open');
      await visitorSocket.waitFor((f) => f.type === 'conversationUpdated' && f.payload.conversationId === 'flow-1' && f.payload.updates.status === 'open');

      const audit = await t.api.call('GET', '/v1/conversations/flow-1/audit', { agent: null });
      expect(audit.status).toBe(200);
      expect(audit.body.entries.map((e: { name?: string }) => e.name)).toEqual(expect.arrayContaining(['conversationWorkflow', 'itemAdded', 'join', 'resolve']));
      // The resolve names the newest seq stored when it was asked for (the agent's reply, or an item of the
      // assistant's turn written as it was cancelled): older visitor messages heard late do not reopen.
      const resolveDetails = JSON.stringify(audit.body.entries.find((e: { name?: string; kind: string }) => e.name === 'resolve')?.details);
      const itemsUpTo = Number(/"itemsUpTo":(\d+)/.exec(resolveDetails)?.[1]);
      expect(itemsUpTo).toBeGreaterThanOrEqual(reply.body.item.seq);
      expect(itemsUpTo).toBeLessThan(again.body.item.seq);

      const seqs = visitorSocket.of('timelineItemCreated', (p) => p.conversationId === 'flow-1').map((f) => f.payload.item.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));

      // Opening the timeline at its end: the newest items first asked for, in timeline order.
      const whole = (await t.api.call('GET', '/v1/conversations/flow-1/timeline?limit=100', visitor)).body.items.map((item: { seq: number }) => item.seq);
      const end = await t.api.call('GET', `/v1/conversations/flow-1/timeline?limit=2&beforeSeq=${whole.at(-1) + 1}`, visitor);
      expect(end.body.items.map((item: { seq: number }) => item.seq)).toEqual(whole.slice(-2));
      expect(end.body.hasPreviousPage).toBe(whole.length > 2);
    });
  });

  describe('#first reply', () => {
    it("puts a team member's join before their first public message, once, even when two are sent at once", async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'first-reply' });
      await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'first-reply', item: { type: 'message', text: 'Anyone there?' } });
      const replies = await Promise.all(
        ['Hello!', 'Looking into it.'].map((text) => t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'first-reply', item: { type: 'message', text } })),
      );
      const later = await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'first-reply', item: { type: 'message', text: 'Done.' } });
      // Once the workflow has heard all four messages, a join it made on hearing them would be there.
      await waitUntil(
        () => t.api.call('GET', '/v1/conversations/first-reply/audit', { agent: null }),
        (res) => res.body.entries.filter((e: { name?: string }) => e.name === 'itemAdded').length >= 4,
      );
      const items = (await t.api.call('GET', '/v1/conversations/first-reply/timeline?limit=100', visitor)).body.items as Array<{ seq: number; type: string; event?: { kind: string; targetId?: string } }>;
      const joins = items.filter((item) => item.type === 'event' && item.event?.kind === 'participant_joined' && item.event.targetId === AGENT.agent);
      expect(joins).toHaveLength(1);
      for (const reply of [...replies, later]) expect(reply.body.item.seq).toBeGreaterThan(joins[0]!.seq);
    });

    it("assigns a person's first reply in a conversation nobody has to them, not one a colleague has, nor when the website turns it off", async () => {
      const assigneeOf = async (id: string) => (await t.api.call('GET', `/v1/conversations/${id}`, AGENT)).body.conversation.assigneeId;
      const visitorWrites = async (conversationId: string) => {
        const visitor = { visitorId: await t.api.newVisitor() };
        await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
        await t.api.call('POST', '/v1/messages', visitor, { conversationId, item: { type: 'message', text: 'Hello?' } });
      };
      const reply = (conversationId: string) => t.api.call('POST', '/v1/messages', AGENT, { conversationId, item: { type: 'message', text: 'On it.' } });

      await visitorWrites('reply-takes');
      expect((await reply('reply-takes')).status).toBe(201);
      expect(await assigneeOf('reply-takes')).toBe(AGENT.agent);

      expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-reply-bo', name: 'Bo' })).status).toBe(201);
      await visitorWrites('reply-colleague');
      expect((await t.api.call('POST', '/v1/conversations/reply-colleague/assign', AGENT, { userId: 'usr-reply-bo' })).status).toBe(200);
      expect((await reply('reply-colleague')).status).toBe(201);
      expect(await assigneeOf('reply-colleague')).toBe('usr-reply-bo');
      const participants = (await t.api.call('GET', '/v1/conversations/reply-colleague', AGENT)).body.conversation.participants as Array<{ id: string }>;
      expect(participants.map((p) => p.id)).toContain(AGENT.agent);

      expect((await t.api.call('PUT', '/v1/settings/lifecycle', AGENT, { assignOnReply: false })).status).toBe(200);
      try {
        await visitorWrites('reply-off');
        expect((await reply('reply-off')).status).toBe(201);
        expect(await assigneeOf('reply-off')).toBeUndefined();
      } finally {
        expect((await t.api.call('PUT', '/v1/settings/lifecycle', AGENT, {})).status).toBe(200);
      }
    });

    it('joins a team member who left before their next public message', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'rejoin' });
      await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'rejoin', item: { type: 'message', text: 'Hi' } });
      expect((await t.api.call('DELETE', `/v1/conversations/rejoin/participants/${AGENT.agent}`, AGENT, {})).status).toBe(200);
      const back = await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'rejoin', item: { type: 'message', text: 'Me again' } });
      const items = await waitUntil(
        async () => ((await t.api.call('GET', '/v1/conversations/rejoin/timeline?limit=100', AGENT)).body.items as Array<{ seq: number; type: string; event?: { kind: string } }>),
        (items) => items.filter((item) => item.event?.kind === 'participant_joined').length >= 2,
      );
      const rejoined = items.filter((item) => item.event?.kind === 'participant_joined').at(-1)!;
      expect(rejoined.seq).toBeLessThan(back.body.item.seq);
    });
  });

  describe('#first reply refused or retried', () => {
    type Item = { id: string; type: string; event?: { kind: string; targetId?: string } };
    const joinsOf = (items: Item[]) => items.filter((item) => item.event?.kind === 'participant_joined' && item.event.targetId === AGENT.agent);

    /** A visitor's conversation with their question in it: what the visitor's timeline shows, and whether the agent is in it. */
    async function askedConversation(id: string) {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: id, defaultTimelineItems: [{ id: `${id}-q`, type: 'message', text: 'Hello?' }] });
      const seen = async () => ({
        items: (await t.api.call('GET', `/v1/conversations/${id}/timeline?limit=100`, visitor)).body.items as Item[],
        participants: (await t.api.call('GET', `/v1/conversations/${id}`, AGENT)).body.conversation.participants as Array<{ id: string; leftAt?: string }>,
      });
      return { visitor, seen };
    }

    it.each([
      { refusal: 'its file part', id: 'refused-file', status: 400, item: { type: 'message', parts: [{ type: 'file', fileId: 'nope' }] } },
      { refusal: 'an id another item holds', id: 'refused-id', status: 409, item: { id: 'refused-id-q', type: 'message', text: 'Mine now' } },
    ])('joins nobody for a message refused for $refusal', async ({ id, status, item }) => {
      const { seen } = await askedConversation(id);
      expect((await t.api.call('POST', '/v1/messages', AGENT, { conversationId: id, item })).status).toBe(status);
      const { items, participants } = await seen();
      expect(joinsOf(items)).toEqual([]);
      expect(participants.map((p) => p.id)).not.toContain(AGENT.agent);
    });

    it('does not join again a member who left when their stored message is retried', async () => {
      const { seen } = await askedConversation('retried-after-leaving');
      const message = { conversationId: 'retried-after-leaving', item: { id: 'retried-after-leaving-a', type: 'message', text: 'On it' } };
      const first = await t.api.call('POST', '/v1/messages', AGENT, message);
      expect((await t.api.call('DELETE', `/v1/conversations/retried-after-leaving/participants/${AGENT.agent}`, AGENT, {})).status).toBe(200);
      const retry = await t.api.call('POST', '/v1/messages', AGENT, message);
      expect(retry.status).toBe(201);
      expect(retry.body.item.seq).toBe(first.body.item.seq);
      // Once the workflow has heard the retry too (it dedupes it), a join made for it would be there.
      await waitUntil(
        () => t.api.call('GET', '/v1/conversations/retried-after-leaving/audit', { agent: null }),
        (res) => res.body.entries.filter((e: { name?: string }) => e.name === 'itemAdded').length >= 3,
      );
      const { items, participants } = await seen();
      expect(joinsOf(items)).toHaveLength(1);
      expect(participants.find((p) => p.id === AGENT.agent)?.leftAt).toBeDefined();
    });
  });

  describe('#private notes', () => {
    it('reach agent sockets but never the visitor, by socket or REST', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'notes-1' });
      const visitorSocket = await t.open(visitor);
      const agentSocket = await t.open(AGENT);

      const note = await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'notes-1', item: { id: 'notes-1-note', type: 'note', text: 'VIP customer, be nice' } });
      expect(note.status).toBe(201);
      expect(note.body.item.visibility).toBe('private');
      const privateMessage = await t.api.call('POST', '/v1/messages', AGENT, {
        conversationId: 'notes-1',
        item: { id: 'notes-1-private', type: 'message', text: 'internal', visibility: 'private' },
      });
      expect(privateMessage.status).toBe(201);
      await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'notes-1', item: { id: 'notes-1-public', type: 'message', text: 'Hello!' } });

      await agentSocket.itemFrame('notes-1-note');
      await agentSocket.itemFrame('notes-1-private');
      await visitorSocket.itemFrame('notes-1-public');
      const visitorIds = visitorSocket.of('timelineItemCreated').map((f) => f.payload.item.id);
      expect(visitorIds).not.toContain('notes-1-note');
      expect(visitorIds).not.toContain('notes-1-private');
      expect(visitorSocket.texts.join('\n')).not.toContain('VIP customer');

      const timeline = await t.api.call('GET', '/v1/conversations/notes-1/timeline', visitor);
      const visibleIds = timeline.body.items.map((i: { id: string }) => i.id);
      expect(visibleIds).toContain('notes-1-public');
      expect(visibleIds).not.toContain('notes-1-note');
      expect(visibleIds).not.toContain('notes-1-private');
      expect(timeline.body.items.every((i: { visibility: string }) => i.visibility === 'public')).toBe(true);
      const listed = await t.api.call('GET', '/v1/conversations', visitor);
      expect(listed.body.conversations[0].lastTimelineItem.visibility).toBe('public');
      const agentTimeline = await t.api.call('GET', '/v1/conversations/notes-1/timeline', AGENT);
      expect(agentTimeline.body.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining(['notes-1-note', 'notes-1-private', 'notes-1-public']));

      // A visitor may not post privately or write notes.
      expect((await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'notes-1', item: { type: 'note', text: 'x' } })).status).toBe(403);
    });
  });

  describe('#resolve after what the agent saw', () => {
    it('refuses a resolve while the visitor has written after the newest item the agent says they saw, and resolves once they saw it', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'seen-resolve-1' });
      // An agent joins (the AI stays out of it), answers, and a colleague leaves a note.
      expect((await t.api.call('POST', '/v1/conversations/seen-resolve-1/participants', AGENT, { userId: AGENT.agent })).status).toBe(200);
      const answered = await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'seen-resolve-1', item: { type: 'message', text: 'Sorted, I think' } });
      const seen = answered.body.item.seq as number;
      await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'seen-resolve-1', item: { type: 'note', text: 'closing this' } });
      // What the team wrote since does not stand in the way.
      const byNote = await t.api.call('POST', '/v1/conversations/seen-resolve-1/resolve', AGENT, { upToSeq: seen });
      expect(byNote.status).toBe(200);
      expect((await t.api.call('POST', '/v1/conversations/seen-resolve-1/reopen', AGENT, {})).status).toBe(200);

      // The visitor writes as the agent resolves from what was on their screen.
      const asked = await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'seen-resolve-1', item: { type: 'message', text: 'One more thing?' } });
      const refused = await t.api.call('POST', '/v1/conversations/seen-resolve-1/resolve', AGENT, { upToSeq: seen });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'ERR_CONFLICT', details: { seq: asked.body.item.seq } });
      expect((await t.api.call('GET', '/v1/conversations/seen-resolve-1', AGENT)).body.conversation.status).toBe('open');
      const afterReading = await t.api.call('POST', '/v1/conversations/seen-resolve-1/resolve', AGENT, { upToSeq: asked.body.item.seq });
      expect(afterReading.status).toBe(200);
      expect((await t.api.call('POST', '/v1/conversations/seen-resolve-1/reopen', AGENT, {})).status).toBe(200);
      expect((await t.api.call('POST', '/v1/conversations/seen-resolve-1/resolve', AGENT, { upToSeq: -1 })).status).toBe(400);
    });

    it('finds the unread message however much the team wrote after what the agent saw', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      const conversationId = 'seen-resolve-long';
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
      const first = await t.api.call('POST', '/v1/messages', visitor, { conversationId, item: { type: 'message', text: 'Hello?' } });
      // More than a page of the team's messages (the check once read only the first 100 after what was seen).
      for (let i = 0; i < 101; i += 1) expect((await t.api.call('POST', '/v1/messages', AGENT, { conversationId, item: { type: 'message', text: `Update ${i}` } })).status).toBe(201);
      const asked = await t.api.call('POST', '/v1/messages', visitor, { conversationId, item: { type: 'message', text: 'And my refund?' } });
      const refused = await t.api.call('POST', `/v1/conversations/${conversationId}/resolve`, AGENT, { upToSeq: first.body.item.seq + 1 });
      expect(refused.status).toBe(409);
      expect(refused.body.error.details).toEqual({ seq: asked.body.item.seq });
    });
  });

  describe('#assign and #join of a person just added', () => {
    it('takes a person added a moment ago on a running conversation, which has not heard of them yet', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'new-person-1' });
      await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'new-person-1', item: { type: 'message', text: 'Anyone there?' } });
      expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-new-ida', name: 'Ida' })).status).toBe(201);
      const assigned = await t.api.call('POST', '/v1/conversations/new-person-1/assign', AGENT, { userId: 'usr-new-ida' });
      expect([assigned.status, assigned.body.conversation?.assigneeId]).toEqual([200, 'usr-new-ida']);

      expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-new-jo', name: 'Jo' })).status).toBe(201);
      const joined = await t.api.call('POST', '/v1/conversations/new-person-1/participants', AGENT, { userId: 'usr-new-jo' });
      expect(joined.status).toBe(200);
      expect(joined.body.conversation.participants.map((p: { id: string }) => p.id)).toContain('usr-new-jo');
    });
  });

  describe('#assign as of the assignee seen', () => {
    it('refuses with 409 when the assignee changed since the agent looked, so two people assigning at once do not undo each other', async () => {
      expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-seen-bo', name: 'Bo' })).status).toBe(201);
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'assign-seen-1' });
      const path = '/v1/conversations/assign-seen-1/assign';
      const assignee = async () => (await t.api.call('GET', '/v1/conversations/assign-seen-1', AGENT)).body.conversation.assigneeId;

      // Both saw it unassigned and both pick: the first one stands, the second is told.
      const [mine, theirs] = await Promise.all([
        t.api.call('POST', path, AGENT, { userId: AGENT.agent, expectedAssigneeId: null }),
        t.api.call('POST', path, AGENT, { userId: 'usr-seen-bo', expectedAssigneeId: null }),
      ]);
      expect([mine.status, theirs.status].sort()).toEqual([200, 409]);
      const [winner, loser] = mine.status === 200 ? [AGENT.agent, theirs] : ['usr-seen-bo', mine];
      expect(loser.body.error).toMatchObject({ code: 'ERR_INVALID_TRANSITION', message: expect.stringContaining(`assigned to ${winner} meanwhile`) });
      expect(await assignee()).toBe(winner);

      // As of the assignee now, it goes through; without an expectation, the last word wins as before.
      const other = winner === AGENT.agent ? 'usr-seen-bo' : AGENT.agent;
      expect((await t.api.call('POST', path, AGENT, { userId: other, expectedAssigneeId: winner })).status).toBe(200);
      // The visitor's timeline too says whom the reassignment took it from.
      const items = (await t.api.call('GET', '/v1/conversations/assign-seen-1/timeline?limit=100', visitor)).body.items as Array<{ event?: { kind: string } }>;
      expect(items.filter((item) => item.event?.kind === 'assigned').at(-1)?.event).toMatchObject({ targetId: other, data: { previousAssigneeId: winner } });
      expect((await t.api.call('POST', path, AGENT, { userId: winner })).status).toBe(200);
      expect(await assignee()).toBe(winner);

      // Two who made the same choice: the second is told it is done already, not that it was overtaken.
      const same = await t.api.call('POST', path, AGENT, { userId: winner, expectedAssigneeId: null });
      expect([same.status, same.body.error.message]).toEqual([409, `conversation is already assigned to ${winner}`]);

      expect((await t.api.call('DELETE', path, AGENT)).status).toBe(200);
      const afterUnassign = await t.api.call('POST', path, AGENT, { userId: other, expectedAssigneeId: winner });
      expect(afterUnassign.status).toBe(409);
      expect(afterUnassign.body.error.message).toContain('unassigned meanwhile');
      expect(await assignee()).toBeUndefined();

      const malformed = await t.api.call('POST', path, AGENT, { userId: other, expectedAssigneeId: 7 });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.details.fields[0].path).toBe('body.expectedAssigneeId');
    });
  });

  describe('#priority as of the priority seen', () => {
    it('refuses with 409 when the priority changed since the agent looked, so a colleague setting it at the same moment is not overwritten', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'priority-seen-1' });
      const path = '/v1/conversations/priority-seen-1';
      const priority = async () => (await t.api.call('GET', path, AGENT)).body.conversation.priority;

      // Both saw it medium and both choose: the first one stands, the second is told.
      const [mine, theirs] = await Promise.all([
        t.api.call('PATCH', path, AGENT, { priority: 'high', expectedPriority: 'medium' }),
        t.api.call('PATCH', path, AGENT, { priority: 'urgent', expectedPriority: 'medium' }),
      ]);
      expect([mine.status, theirs.status].sort()).toEqual([200, 409]);
      const [winner, loser] = mine.status === 200 ? ['high', theirs] : ['urgent', mine];
      expect(loser.body.error).toEqual({ code: 'ERR_INVALID_TRANSITION', message: `priority was set to ${winner} meanwhile` });
      expect(await priority()).toBe(winner);

      // With the title in the same request, neither is applied.
      const both = await t.api.call('PATCH', path, AGENT, { priority: 'low', expectedPriority: 'medium', title: 'Double charge' });
      expect([both.status, both.body.error.message]).toEqual([409, `set_priority: priority was set to ${winner} meanwhile`]);
      expect((await t.api.call('GET', path, AGENT)).body.conversation.title).toBeUndefined();

      // As of the priority now, it goes through.
      const changed = await t.api.call('PATCH', path, AGENT, { priority: 'low', expectedPriority: winner });
      expect([changed.status, changed.body.conversation.priority]).toEqual([200, 'low']);
      // The same choice made first by someone else: done already, not overtaken.
      const same = await t.api.call('PATCH', path, AGENT, { priority: 'low', expectedPriority: 'medium' });
      expect([same.status, same.body.error.message]).toEqual([409, 'priority is already low']);

      const malformed = await t.api.call('PATCH', path, AGENT, { priority: 'high', expectedPriority: 'soon' });
      expect([malformed.status, malformed.body.error.details.fields[0].path]).toEqual([400, 'body.expectedPriority']);
      const alone = await t.api.call('PATCH', path, AGENT, { title: 'Double charge', expectedPriority: 'low' });
      expect([alone.status, alone.body.error.details.fields[0].path]).toEqual([400, 'body.expectedPriority']);
      expect(await priority()).toBe('low');
    });
  });

  describe('#title cleared', () => {
    it('clears the title with null, recording it as a title change, and tells the sockets it is gone', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'title-cleared-1' });
      const path = '/v1/conversations/title-cleared-1';
      const inbox = await t.open(AGENT);
      expect((await t.api.call('PATCH', path, AGENT, { title: 'Double charge' })).body.conversation.title).toBe('Double charge');

      const cleared = await t.api.call('PATCH', path, AGENT, { title: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body.conversation).not.toHaveProperty('title');
      expect((await t.api.call('GET', path, AGENT)).body.conversation).not.toHaveProperty('title');
      // A page holding the conversation learns that the title is gone (null: removed), and shows it by its visitor again.
      await inbox.waitFor((f) => f.type === 'conversationUpdated' && f.payload.conversationId === 'title-cleared-1' && f.payload.updates.title === null);
      const changes = async (who: Who) =>
        (await t.api.call('GET', `${path}/timeline?limit=100`, who)).body.items.flatMap((item: { event?: { kind: string; data?: unknown } }) =>
          item.event?.kind === 'title_changed' ? [item.event.data] : [],
        );
      expect(await changes(AGENT)).toEqual([{ title: 'Double charge' }, { title: null }]);
      expect(await changes(visitor)).toEqual([{ title: 'Double charge' }, { title: null }]);

      const again = await t.api.call('PATCH', path, AGENT, { title: null });
      expect([again.status, again.body.error.message]).toEqual([409, 'conversation has no title']);
      expect((await t.api.call('PATCH', path, AGENT, { title: '' })).status).toBe(400);
    });
  });

  describe('#reasons for leaving, unassigning, handing back and resuming the AI', () => {
    it("keeps the reason given in the operation's event for the team, and leaves it out of what the visitor sees", async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'reasons-1' });
      const path = '/v1/conversations/reasons-1';
      const ok = async (method: string, route: string, body: object) => expect((await t.api.call(method, `${path}${route}`, AGENT, body)).status).toBe(200);
      // The assistant holds it from its creation: paused, then resumed.
      await ok('POST', '/ai/pause', { minutes: 30 });
      await ok('POST', '/ai/resume', { reason: 'the visitor asked for the assistant' });
      await ok('POST', '/assign', { userId: AGENT.agent });
      await ok('DELETE', '/assign', { reason: 'wrong team' });
      await ok('POST', '/participants', { userId: AGENT.agent });
      await ok('DELETE', `/participants/${AGENT.agent}`, { reason: 'going off shift' });
      await ok('POST', '/handback', { reason: 'a question the assistant answers' });

      type Event = { kind: string; targetId?: string; data?: { reason?: string } };
      const eventsFor = async (who: Who): Promise<Event[]> =>
        (await t.api.call('GET', `${path}/timeline?limit=100`, who)).body.items.flatMap((item: { event?: Event }) => (item.event ? [item.event] : []));
      const team = await eventsFor(AGENT);
      const first = (kind: string) => team.find((event) => event.kind === kind);
      expect(first('ai_resumed')).toMatchObject({ actorId: AGENT.agent, data: { reason: 'the visitor asked for the assistant' } });
      expect(first('unassigned')).toMatchObject({ actorId: AGENT.agent, targetId: AGENT.agent, data: { reason: 'wrong team' } });
      expect(first('participant_left')).toMatchObject({ actorId: AGENT.agent, targetId: AGENT.agent, data: { reason: 'going off shift' } });
      expect(first('handed_back')).toMatchObject({ actorId: AGENT.agent, data: { reason: 'a question the assistant answers' } });

      // The visitor sees that someone left and was unassigned, not why, nor that a reason was given; the AI's events are the team's.
      const seen = await eventsFor(visitor);
      expect(seen.find((event) => event.kind === 'unassigned')).toEqual({ kind: 'unassigned', actorId: AGENT.agent, targetId: AGENT.agent });
      expect(seen.find((event) => event.kind === 'participant_left')).toEqual({ kind: 'participant_left', actorId: AGENT.agent, targetId: AGENT.agent });
      expect(seen.map((event) => event.kind)).not.toContain('ai_resumed');
      expect(seen.map((event) => event.kind)).not.toContain('handed_back');
      expect(JSON.stringify(seen)).not.toMatch(/reason|wrong team|off shift/);
    });
  });

  describe('#unassign', () => {
    it('takes the assignee off with an unassigned event, and refuses when nobody is assigned', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'unassign-1' });
      expect((await t.api.call('POST', '/v1/conversations/unassign-1/assign', AGENT, { userId: AGENT.agent })).body.conversation.assigneeId).toBe(AGENT.agent);
      const unassigned = await t.api.call('DELETE', '/v1/conversations/unassign-1/assign', AGENT);
      expect(unassigned.status).toBe(200);
      expect(unassigned.body.conversation.assigneeId).toBeUndefined();
      const events = (await t.api.call('GET', '/v1/conversations/unassign-1/timeline', AGENT)).body.items.map((i: { event?: { kind: string } }) => i.event?.kind);
      expect(events).toEqual(['assigned', 'unassigned']);
      const again = await t.api.call('DELETE', '/v1/conversations/unassign-1/assign', AGENT);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('no assignee');
      expect((await t.api.call('DELETE', '/v1/conversations/unassign-1/assign', visitor)).status).toBe(403);
    });

    it('refuses with 409 as of an assignee who is no longer the one, so a colleague\'s assignment made meanwhile is not taken off', async () => {
      expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-seen-cy', name: 'Cy' })).status).toBe(201);
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'unassign-seen-1' });
      const path = '/v1/conversations/unassign-seen-1/assign';
      expect((await t.api.call('POST', path, AGENT, { userId: AGENT.agent })).status).toBe(200);
      // The agent saw themselves assigned; Cy took it meanwhile.
      expect((await t.api.call('POST', path, AGENT, { userId: 'usr-seen-cy' })).status).toBe(200);
      const refused = await t.api.call('DELETE', path, AGENT, { expectedAssigneeId: AGENT.agent });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('assigned to usr-seen-cy meanwhile');
      expect((await t.api.call('GET', '/v1/conversations/unassign-seen-1', AGENT)).body.conversation.assigneeId).toBe('usr-seen-cy');
      // As of the assignee now, it goes through.
      expect((await t.api.call('DELETE', path, AGENT, { expectedAssigneeId: 'usr-seen-cy' })).body.conversation.assigneeId).toBeUndefined();
    });
  });

  describe('#triage at creation', () => {
    it('keeps the priority and tags a conversation was opened with once its workflow runs', async () => {
      const visitorId = await t.api.newVisitor();
      const opened = await t.api.call('POST', '/v1/conversations', AGENT, { conversationId: 'opened-urgent', visitorId, priority: 'urgent', tags: ['vip'] });
      expect(opened.body.conversation).toMatchObject({ priority: 'urgent', tags: ['vip'] });

      // The first message starts the workflow (signal-with-start); its first projection is the AI taking the conversation.
      await t.api.call('POST', '/v1/messages', { visitorId }, { conversationId: 'opened-urgent', item: { type: 'message', text: 'Hello?' } });
      const started = await waitUntil(
        () => t.api.call('GET', '/v1/conversations/opened-urgent', AGENT),
        (res) => res.body.conversation.stateVersion > 0,
      );
      expect(started.body.conversation).toMatchObject({ priority: 'urgent', tags: ['vip'] });

      const tagged = await t.api.call('POST', '/v1/conversations/opened-urgent/tags', AGENT, { add: ['billing'] });
      expect(tagged.body.conversation).toMatchObject({ priority: 'urgent', tags: ['vip', 'billing'] });
    });

    it('starts the workflow from them when a lifecycle operation comes first', async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', AGENT, { conversationId: 'opened-vip', visitorId, priority: 'high', tags: ['vip'] });
      const removed = await t.api.call('POST', '/v1/conversations/opened-vip/tags', AGENT, { remove: ['vip'] });
      expect(removed.status).toBe(200);
      expect(removed.body.conversation).toMatchObject({ priority: 'high', tags: [] });
    });

    it('has the assistant hold a conversation from its creation, as its workflow will once something happens in it', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      const assistant = [{ id: DEFAULT_ASSISTANT_ID, kind: 'ai' }];
      const created = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'held-from-creation' });
      expect(created.body.conversation).toMatchObject({ handler: 'ai', participants: assistant });
      expect((await t.api.call('GET', '/v1/conversations/held-from-creation', AGENT)).body.conversation).toMatchObject({ handler: 'ai', participants: assistant });
      const listed = (await t.api.call('GET', '/v1/conversations?limit=100', AGENT)).body.conversations.find((c: { id: string }) => c.id === 'held-from-creation');
      expect(listed).toMatchObject({ handler: 'ai', participants: assistant });
      // The hand-over is from the assistant, as the record said.
      const escalated = await t.api.call('POST', '/v1/conversations/held-from-creation/escalate', AGENT, { reason: 'billing' });
      expect(escalated.body.conversation).toMatchObject({ handler: 'human', participants: assistant });
    });
  });

  describe('#team-only events', () => {
    it('keeps triage events (tags, AI pause) and team-only fields from the visitor', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'triage-1' });
      await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'triage-1', item: { type: 'message', text: 'Hello' } });
      expect((await t.api.call('POST', '/v1/conversations/triage-1/tags', AGENT, { add: ['fraud-suspect'] })).status).toBe(200);
      expect((await t.api.call('POST', '/v1/conversations/triage-1/ai/pause', AGENT, { minutes: 30 })).status).toBe(200);

      const kindsFor = async (who: typeof visitor | typeof AGENT) =>
        (await t.api.call('GET', '/v1/conversations/triage-1/timeline', who)).body.items
          .filter((i: { type: string }) => i.type === 'event')
          .map((i: { event: { kind: string } }) => i.event.kind);
      const agentKinds = await waitUntil(() => kindsFor(AGENT), (kinds) => kinds.includes('tag_added') && kinds.includes('ai_paused'));
      expect(agentKinds).toEqual(expect.arrayContaining(['tag_added', 'ai_paused']));
      const visitorKinds = await kindsFor(visitor);
      expect(visitorKinds).not.toContain('tag_added');
      expect(visitorKinds).not.toContain('ai_paused');
      const seen = await t.api.call('GET', '/v1/conversations/triage-1', visitor);
      expect(JSON.stringify(seen.body)).not.toContain('fraud-suspect');
      expect(seen.body.conversation.aiPausedUntil).toBeUndefined();
      // The conversation keeps its shape: `tags` is there, empty.
      expect(seen.body.conversation.tags).toEqual([]);
      const listed = (await t.api.call('GET', '/v1/conversations', visitor)).body.conversations.find((c: { id: string }) => c.id === 'triage-1');
      expect(listed.tags).toEqual([]);
    });

    it("moves a visitor's stateVersion with the changes it is shown, not with the team's, and tells it with them", async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      const socket = await t.open(visitor);
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'version-1' });
      const versionFor = async (who: typeof visitor | typeof AGENT): Promise<number> => (await t.api.call('GET', '/v1/conversations/version-1', who)).body.conversation.stateVersion;
      const updated = (change: (updates: Record<string, unknown>) => boolean) =>
        socket.waitFor((f) => f.type === 'conversationUpdated' && f.payload.conversationId === 'version-1' && change(f.payload.updates));

      expect((await t.api.call('POST', '/v1/conversations/version-1/participants', AGENT, { userId: AGENT.agent })).status).toBe(200);
      const joined = await updated((updates) => Array.isArray(updates.participants) && updates.participants.length > 0);
      const seen = await versionFor(visitor);
      expect(joined.payload.updates.stateVersion).toBe(seen);
      expect(seen).toBeGreaterThan(0);

      const agentsBefore = await versionFor(AGENT);
      expect((await t.api.call('POST', '/v1/conversations/version-1/tags', AGENT, { add: ['vip'] })).status).toBe(200);
      expect(await versionFor(AGENT)).toBeGreaterThan(agentsBefore);
      expect(await versionFor(visitor)).toBe(seen);

      expect((await t.api.call('POST', '/v1/conversations/version-1/resolve', AGENT, {})).status).toBe(200);
      const resolved = await updated((updates) => updates.status === 'resolved');
      expect(resolved.payload.updates.stateVersion).toBeGreaterThan(seen);
      expect(await versionFor(visitor)).toBe(resolved.payload.updates.stateVersion);
    });
  });

  describe('#idempotent retry', () => {
    it('answers a retried message with the stored item and delivers it once', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'retry-1' });
      const agentSocket = await t.open(AGENT);
      const body = { conversationId: 'retry-1', item: { id: 'retry-1-m', type: 'message', text: 'hello?' } };
      const first = await t.api.call('POST', '/v1/messages', visitor, body);
      const second = await t.api.call('POST', '/v1/messages', visitor, body);
      expect(second.status).toBe(201);
      expect(second.body.item).toEqual(first.body.item);
      // The same conversation id with the same content is idempotent too.
      expect((await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'retry-1' })).status).toBe(201);

      await agentSocket.itemFrame('retry-1-m');
      await sleep(300);
      expect(agentSocket.of('timelineItemCreated', (p) => p.item.id === 'retry-1-m')).toHaveLength(1);
      const timeline = await t.api.call('GET', '/v1/conversations/retry-1/timeline', visitor);
      expect(timeline.body.items.filter((i: { id: string }) => i.id === 'retry-1-m')).toHaveLength(1);
    });

    it('answers a retried new conversation as a retry when it differs only in what its items leave out or default', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      const first = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'retry-2', defaultTimelineItems: [{ type: 'message', text: 'Hi', ignored: true }] });
      expect(first.status).toBe(201);
      const retry = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'retry-2', defaultTimelineItems: [{ type: 'message', text: 'Hi', visibility: 'public' }] });
      expect(retry.status).toBe(201);
      expect(retry.body.initialTimelineItems).toEqual(first.body.initialTimelineItems);
      const other = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'retry-2', defaultTimelineItems: [{ type: 'message', text: 'Hello' }] });
      expect(other.status).toBe(409);
    });

    it('answers a new conversation with its initial items as of their time, first and on a retry', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      const body = { conversationId: 'retry-3', defaultTimelineItems: [{ id: 'retry-3-q', type: 'message', text: 'Hi' }] };
      const first = (await t.api.call('POST', '/v1/conversations', visitor, body)).body.conversation;
      expect(first.updatedAt).toBe(first.lastTimelineItem.createdAt);
      const retry = (await t.api.call('POST', '/v1/conversations', visitor, body)).body.conversation;
      expect(retry.updatedAt).toBe(first.updatedAt);
      const agents = (await t.api.call('POST', '/v1/conversations', AGENT, { visitorId: visitor.visitorId, defaultTimelineItems: [{ type: 'message', text: 'Hello' }] })).body.conversation;
      expect(agents.updatedAt >= agents.lastTimelineItem.createdAt).toBe(true);
    });
  });

  describe('#idempotent lifecycle requests', () => {
    const resolvedEvents = async (conversationId: string) =>
      (await t.api.call('GET', `/v1/conversations/${conversationId}/timeline`, AGENT)).body.items.filter((i: { event?: { kind: string } }) => i.event?.kind === 'resolved');

    it('answers a retry with the same Idempotency-Key as the first attempt, and resolves once', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'keyed-1', defaultTimelineItems: [{ id: 'keyed-1-q', type: 'message', text: 'hi' }] });
      const key = { 'Idempotency-Key': 'resolve-keyed-1' };
      const first = await t.api.call('POST', '/v1/conversations/keyed-1/resolve', AGENT, { reason: 'done' }, key);
      expect(first.status).toBe(200);
      const retry = await t.api.call('POST', '/v1/conversations/keyed-1/resolve', AGENT, { reason: 'done' }, key);
      expect(retry.status).toBe(200);
      expect(retry.body.conversation).toMatchObject({ status: 'resolved', resolvedAt: first.body.conversation.resolvedAt });
      expect(await resolvedEvents('keyed-1')).toHaveLength(1);

      // Without the key, or with another one, or another body, it is a new request: the conversation is resolved already.
      expect((await t.api.call('POST', '/v1/conversations/keyed-1/resolve', AGENT, { reason: 'done' })).status).toBe(409);
      expect((await t.api.call('POST', '/v1/conversations/keyed-1/resolve', AGENT, { reason: 'done' }, { 'Idempotency-Key': 'another' })).status).toBe(409);
      expect((await t.api.call('POST', '/v1/conversations/keyed-1/resolve', AGENT, { reason: 'other' }, key)).status).toBe(409);
    });

    it('answers a retry with the lifecycle and the version its update left, though changes came after it', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'keyed-5' });
      const key = { 'Idempotency-Key': 'tag-keyed-5' };
      const first = await t.api.call('POST', '/v1/conversations/keyed-5/tags', AGENT, { add: ['a'] }, key);
      const later = await t.api.call('POST', '/v1/conversations/keyed-5/tags', AGENT, { add: ['b'] });
      const retry = await t.api.call('POST', '/v1/conversations/keyed-5/tags', AGENT, { add: ['a'] }, key);
      expect(retry.body.conversation).toMatchObject({ tags: ['a'], stateVersion: first.body.conversation.stateVersion });
      // A page holding the later copy keeps it: the retry's answer is older by its version.
      expect(later.body.conversation.stateVersion).toBeGreaterThan(retry.body.conversation.stateVersion);
    });

    it('runs two requests sent at once with the same key once', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'keyed-2', defaultTimelineItems: [{ id: 'keyed-2-q', type: 'message', text: 'hi' }] });
      const key = { 'Idempotency-Key': 'resolve-keyed-2' };
      const both = await Promise.all([1, 2].map(() => t.api.call('POST', '/v1/conversations/keyed-2/resolve', AGENT, {}, key)));
      expect(both.map((answer) => answer.status)).toEqual([200, 200]);
      expect(await resolvedEvents('keyed-2')).toHaveLength(1);
    });

    it('tells requests apart by their path: the same key removing two people removes both', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'keyed-4' });
      const [first, second] = (await t.api.call('GET', '/v1/team', AGENT)).body.members.map((m: { id: string }) => m.id);
      for (const userId of [first, second]) await t.api.call('POST', '/v1/conversations/keyed-4/participants', AGENT, { userId });
      const key = { 'Idempotency-Key': 'remove-someone' };
      const left = [];
      for (const userId of [first, second]) left.push((await t.api.call('DELETE', `/v1/conversations/keyed-4/participants/${userId}`, AGENT, {}, key)).body.conversation);
      const active = left[1].participants.filter((p: { leftAt?: string }) => !p.leftAt).map((p: { id: string }) => p.id);
      expect(active).not.toContain(first);
      expect(active).not.toContain(second);
    });

    it('refuses a key that is not 1 to 255 visible ASCII characters, naming the header', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'keyed-3' });
      for (const bad of ['has space', 'x'.repeat(256)]) {
        const answer = await t.api.call('POST', '/v1/conversations/keyed-3/resolve', AGENT, {}, { 'Idempotency-Key': bad });
        expect(answer.status).toBe(400);
        expect(answer.body.error.details.fields).toEqual([expect.objectContaining({ path: 'headers.idempotency-key' })]);
      }
      // A bad body too: both are named.
      const both = await t.api.call('PATCH', '/v1/conversations/keyed-3', AGENT, { priority: 'whenever' }, { 'Idempotency-Key': 'has space' });
      expect(both.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.priority', 'headers.idempotency-key']);
      // And a bad id in the path: all three.
      const all = await t.api.call('PATCH', '/v1/conversations/..x%20y', AGENT, { priority: 'whenever' }, { 'Idempotency-Key': 'has space' });
      expect(all.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.priority', 'headers.idempotency-key', 'params.id']);
      expect((await t.api.call('GET', '/v1/conversations/keyed-3', AGENT)).body.conversation.status).toBe('open');
    });
  });

  describe('#cross-device continuity', () => {
    /** Two fresh devices of one person, and identify as that person. */
    const devicesOf = async (externalId: string) => {
      const phone = { visitorId: await t.api.newVisitor() };
      const laptop = { visitorId: await t.api.newVisitor() };
      const userHash = userHashOf(t.app.keys.identitySecret, externalId);
      const identify = (device: { visitorId: string }) => t.api.call('POST', '/v1/contacts/identify', device, { externalId, userHash });
      return { phone, laptop, identify };
    };

    it('shows the team who an identified visitor is (name, email, external id), live as the conversation joins them; never the visitor', async () => {
      const device = { visitorId: await t.api.newVisitor() };
      const externalId = 'user-shown';
      await t.api.call('POST', '/v1/conversations', device, { conversationId: 'shown-1' });
      const agentSocket = await t.open(AGENT);
      const identified = await t.api.call('POST', '/v1/contacts/identify', device, { externalId, userHash: userHashOf(t.app.keys.identitySecret, externalId), name: 'Jane Doe', email: 'jane@example.com' });
      expect(identified.status).toBe(200);
      const contact = { id: identified.body.contact.id, externalId, name: 'Jane Doe', email: 'jane@example.com' };
      // The agents' sockets hear it with the link.
      const linked = await agentSocket.waitFor((f) => f.type === 'conversationUpdated' && f.payload.conversationId === 'shown-1' && f.payload.updates.contactId !== undefined);
      expect(linked.payload.updates.contact).toEqual(contact);
      // The listing, the conversation, a lifecycle answer and a new conversation's answer carry it for the team.
      const listed = (await t.api.call('GET', '/v1/conversations', AGENT)).body.conversations.find((c: { id: string }) => c.id === 'shown-1');
      expect(listed.contact).toEqual(contact);
      expect((await t.api.call('GET', '/v1/conversations/shown-1', AGENT)).body.conversation.contact).toEqual(contact);
      expect((await t.api.call('PATCH', '/v1/conversations/shown-1', AGENT, { priority: 'high' })).body.conversation.contact).toEqual(contact);
      const made = await t.api.call('POST', '/v1/conversations', AGENT, { conversationId: 'shown-2', visitorId: device.visitorId });
      expect(made.body.conversation.contact).toEqual(contact);
      const created = await agentSocket.waitFor((f) => f.type === 'conversationCreated' && f.payload.conversationId === 'shown-2');
      expect(created.payload.conversation.contact).toEqual(contact);
      // The visitor's own answers never do.
      expect((await t.api.call('GET', '/v1/conversations/shown-1', device)).body.conversation.contact).toBeUndefined();
      expect((await t.api.call('GET', '/v1/conversations', device)).body.conversations.every((c: { contact?: unknown }) => c.contact === undefined)).toBe(true);
    });

    it('lets two visitors identified as one contact share conversations live', async () => {
      const phone = { visitorId: await t.api.newVisitor() };
      const laptop = { visitorId: await t.api.newVisitor() };
      const externalId = 'user-42';
      const userHash = userHashOf(t.app.keys.identitySecret, externalId);

      await t.api.call('POST', '/v1/conversations', phone, { conversationId: 'contact-1' });
      const wrong = await t.api.call('POST', '/v1/contacts/identify', laptop, { externalId, userHash: userHash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) });
      expect(wrong.status).toBe(401);
      // Not even a hash in form is a wrong proof too, as the contract says; not a 400 telling the form.
      for (const malformed of ['deadbeef', `${userHash}00`, ''.padEnd(64, 'z')]) {
        expect((await t.api.call('POST', '/v1/contacts/identify', laptop, { externalId, userHash: malformed })).status).toBe(401);
      }
      expect((await t.api.call('GET', '/v1/conversations', laptop)).body.conversations).toEqual([]);

      const laptopSocket = await t.open(laptop);
      const identified = await t.api.call('POST', '/v1/contacts/identify', phone, { externalId, userHash, name: 'Ada' });
      expect(identified.status).toBe(200);
      expect(identified.body.contact).toMatchObject({ externalId, name: 'Ada' });
      const second = await t.api.call('POST', '/v1/contacts/identify', laptop, { externalId, userHash });
      expect(second.body.contact.id).toBe(identified.body.contact.id);

      const listed = await t.api.call('GET', '/v1/conversations', laptop);
      expect(listed.body.conversations.map((c: { id: string }) => c.id)).toEqual(['contact-1']);
      expect((await t.api.call('GET', '/v1/conversations/contact-1', laptop)).status).toBe(200);

      // The laptop's socket, opened before it was identified, now hears the contact's conversations:
      // linked to the contact (heard on the store's ephemeral stream, apart from the items), it is
      // told of the phone's conversation, and from then on hears its items.
      await laptopSocket.waitFor((f) => f.type === 'conversationCreated' && f.payload.conversationId === 'contact-1');
      // An agent joins before the phone writes, so that the AI assistant takes no turn (its hand-off
      // message would count as unread) and stays out of the counts below.
      expect((await t.api.call('POST', '/v1/conversations/contact-1/participants', AGENT, { userId: AGENT.agent })).status).toBe(200);
      await t.api.call('POST', '/v1/messages', phone, { conversationId: 'contact-1', item: { id: 'contact-1-m', type: 'message', text: 'from my phone' } });
      await laptopSocket.itemFrame('contact-1-m');

      // Unread is the person's, not the device's: their own words from the phone are not news on
      // the laptop, and a reply read on one device is read on both (and leaves the badge).
      const unreadOn = async (device: typeof phone) => ({
        listed: (await t.api.call('GET', '/v1/conversations', device)).body.conversations[0].unreadCount as number,
        badge: (await t.api.call('GET', '/v1/websites', device)).body.visitor.unreadConversationCount as number,
      });
      expect(await unreadOn(laptop)).toEqual({ listed: 0, badge: 0 });
      await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'contact-1', item: { type: 'message', text: 'Hello Ada' } });
      expect(await unreadOn(laptop)).toEqual({ listed: 1, badge: 1 });
      expect((await t.api.call('POST', '/v1/conversations/contact-1/seen', phone)).status).toBe(200);
      expect(await unreadOn(laptop)).toEqual({ listed: 0, badge: 0 });
    });

    it("tells a contact's other devices of a conversation that joins the contact when its device is identified", async () => {
      const { phone, laptop, identify } = await devicesOf('user-45');
      await identify(laptop);
      const laptopSocket = await t.open(laptop);
      await t.api.call('POST', '/v1/conversations', phone, { conversationId: 'contact-3' });
      // An agent on it first: the AI takes no turn on the message, whose hand-off would be the last message.
      expect((await t.api.call('POST', '/v1/conversations/contact-3/participants', AGENT, { userId: AGENT.agent })).status).toBe(200);
      await t.api.call('POST', '/v1/messages', phone, { conversationId: 'contact-3', item: { type: 'message', text: 'Sent from my phone' } });
      // Its last item an event: the laptop's list previews the message all the same.
      expect((await t.api.call('POST', '/v1/conversations/contact-3/resolve', AGENT, {})).status).toBe(200);
      const phoneSocket = await t.open(phone);
      expect((await identify(phone)).status).toBe(200);
      const created = await laptopSocket.waitFor((f) => f.type === 'conversationCreated' && f.payload.conversationId === 'contact-3');
      expect(created.payload.conversation).toMatchObject({ id: 'contact-3', visitorId: phone.visitorId, status: 'resolved' });
      expect(created.payload.conversation.lastMessage).toMatchObject({ text: 'Sent from my phone' });
      // The phone opened it: it hears the update, not of a conversation it has as if it were new.
      const updated = await phoneSocket.waitFor((f) => f.type === 'conversationUpdated' && f.payload.conversationId === 'contact-3');
      expect(updated.payload.updates).toMatchObject({ contactId: expect.any(String) });
      expect(phoneSocket.of('conversationCreated', (p) => p.conversationId === 'contact-3')).toEqual([]);
    });

    it("tells a device's open sockets, once it is identified, of the contact's conversations from its other devices", async () => {
      const { phone, laptop, identify } = await devicesOf('user-46');
      await identify(phone);
      await t.api.call('POST', '/v1/conversations', phone, { conversationId: 'contact-4' });
      // The team answered on the phone's conversation: the laptop is to list it unread.
      const reply = await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'contact-4', item: { id: 'contact-4-r', type: 'message', text: 'We found your order' } });
      expect(reply.status).toBe(201);
      await t.api.call('PATCH', '/v1/conversations/contact-4', AGENT, { priority: 'urgent' });
      await t.api.call('POST', '/v1/conversations', laptop, { conversationId: 'contact-5' });
      // Two replies on the laptop's own conversation, the first of which it has seen: the phone is to list one unread.
      for (const id of ['contact-5-r1', 'contact-5-r2']) {
        expect((await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'contact-5', item: { id, type: 'message', text: 'About your order' } })).status).toBe(201);
        if (id === 'contact-5-r1') expect((await t.api.call('POST', '/v1/conversations/contact-5/seen', laptop)).status).toBe(200);
      }
      const tabs = [await t.open(laptop), await t.open(laptop)];
      const phoneSocket = await t.open(phone);

      expect((await identify(laptop)).status).toBe(200);
      for (const tab of tabs) {
        const created = await tab.waitFor((f) => f.type === 'conversationCreated' && f.payload.conversationId === 'contact-4');
        expect(created.payload.conversation).toMatchObject({ id: 'contact-4', visitorId: phone.visitorId, tags: [], unreadCount: 1, lastTimelineItem: { id: 'contact-4-r' } });
        expect(created.payload.conversation).not.toHaveProperty('priority');
        // Its own conversation it has: it hears that it joined the contact, not of it as new.
        await tab.waitFor((f) => f.type === 'conversationUpdated' && f.payload.conversationId === 'contact-5');
      }
      const toPhone = await phoneSocket.waitFor((f) => f.type === 'conversationCreated' && f.payload.conversationId === 'contact-5');
      expect(toPhone.payload.conversation).toMatchObject({ id: 'contact-5', unreadCount: 1, lastTimelineItem: { id: 'contact-5-r2' } });
      const phoneList = await t.api.call('GET', '/v1/conversations', phone);
      expect(phoneList.body.conversations.find((c: { id: string }) => c.id === 'contact-5').unreadCount).toBe(1);
      await sleep(300);
      for (const tab of tabs) {
        expect(tab.of('conversationCreated').map((f) => f.payload.conversationId)).toEqual(['contact-4']);
        expect(tab.texts.join('\n')).not.toContain('urgent');
      }
      expect(phoneSocket.of('conversationCreated').map((f) => f.payload.conversationId)).toEqual(['contact-5']);

      // Identified again, the laptop's sockets are told nothing new.
      expect((await identify(laptop)).status).toBe(200);
      await sleep(300);
      for (const tab of tabs) expect(tab.of('conversationCreated')).toHaveLength(1);
    });

    it('refuses to identify a device as someone else, so the next person on it is never in reach of the first', async () => {
      const device = { visitorId: await t.api.newVisitor() };
      const first = 'user-43';
      await t.api.call('POST', '/v1/contacts/identify', device, { externalId: first, userHash: userHashOf(t.app.keys.identitySecret, first) });
      await t.api.call('POST', '/v1/conversations', device, { conversationId: 'contact-2' });
      const other = 'user-44';
      const refused = await t.api.call('POST', '/v1/contacts/identify', device, { externalId: other, userHash: userHashOf(t.app.keys.identitySecret, other) });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/new visitor id/);
      expect((await t.api.call('GET', '/v1/conversations/contact-2', device)).status).toBe(200);

      // The second person signs in on a new visitor: nothing of the first's is theirs.
      const next = { visitorId: await t.api.newVisitor() };
      expect((await t.api.call('POST', '/v1/contacts/identify', next, { externalId: other, userHash: userHashOf(t.app.keys.identitySecret, other) })).status).toBe(200);
      expect((await t.api.call('GET', '/v1/conversations/contact-2', next)).status).toBe(404);
    });
  });

  describe('#resume', () => {
    it('sends what was posted while disconnected, in order, then carries on live without gaps or duplicates', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'resume-1' });
      const first = await t.open(visitor);
      const hello = await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'resume-1', item: { id: 'resume-1-0', type: 'message', text: 'hi' } });
      await first.itemFrame('resume-1-0');
      first.ws.terminate();
      const afterSeq = hello.body.item.seq as number;

      for (let i = 1; i <= 5; i++) {
        await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'resume-1', item: { id: `resume-1-${i}`, type: 'message', text: `offline ${i}` } });
      }
      await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'resume-1', item: { id: 'resume-1-note', type: 'note', text: 'secret' } });

      const again = await t.open(visitor);
      again.send({ type: 'resume', payload: { conversationId: 'resume-1', afterSeq } });
      // Items keep arriving while the backfill runs (posted once it has begun: an item the server
      // relays before it reads the resume frame is simply live, and would come first).
      await again.itemFrame('resume-1-1');
      await Promise.all(
        [6, 7, 8, 9, 10].map((i) => t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'resume-1', item: { id: `resume-1-${i}`, type: 'message', text: `live ${i}` } })),
      );
      await again.itemFrame('resume-1-10');
      for (const i of [6, 7, 8, 9]) await again.itemFrame(`resume-1-${i}`);

      // The workflow may still add events of its own (an agent joined …): compare once the timeline and the socket agree, or fail on the last reading.
      const { expected, received } = await waitUntil(
        async () => ({
          expected: (await t.api.call('GET', `/v1/conversations/resume-1/timeline?afterSeq=${afterSeq}`, visitor)).body.items.map((i: { seq: number }) => i.seq) as number[],
          received: again.of('timelineItemCreated', (p) => p.conversationId === 'resume-1').map((f) => f.payload.item.seq as number),
        }),
        (reading) => JSON.stringify([...reading.received].sort((a, b) => a - b)) === JSON.stringify(reading.expected),
      );
      expect([...received].sort((a, b) => a - b)).toEqual(expected);
      expect(new Set(received).size).toBe(received.length);
      // The backfill is in order and ahead of what was posted after the resume. (An event the workflow
      // wrote late may be relayed live before the resume frame is read, so it can come first.)
      const ids = again.of('timelineItemCreated', (p) => p.conversationId === 'resume-1').map((f) => f.payload.item.id as string);
      const order = (id: string) => ids.indexOf(id);
      const offline = [1, 2, 3, 4, 5].map((i) => order(`resume-1-${i}`));
      expect(offline).toEqual([...offline].sort((a, b) => a - b));
      expect(Math.max(...offline)).toBeLessThan(Math.min(...[6, 7, 8, 9, 10].map((i) => order(`resume-1-${i}`))));
      expect(again.of('timelineItemCreated').map((f) => f.payload.item.id)).not.toContain('resume-1-note');
    });

    it('gives, after the items, the state changes made while the socket was away, as the caller sees them', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      const conversationId = 'resume-state';
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
      // The AI paused first: its turn on "hello" (1.5 s on) would write items of its own while the changes below are made.
      expect((await t.api.call('POST', `/v1/conversations/${conversationId}/ai/pause`, AGENT, { minutes: 30 })).status).toBe(200);
      const hello = await t.api.call('POST', '/v1/messages', visitor, { conversationId, item: { type: 'message', text: 'hello' } });
      const held = await waitUntil(
        () => t.api.call('GET', `/v1/conversations/${conversationId}`, AGENT),
        (res) => res.body.conversation.lastTimelineItem?.seq >= hello.body.item.seq,
      );
      const heldVisitor = (await t.api.call('GET', `/v1/conversations/${conversationId}`, visitor)).body.conversation;
      const { seq: afterSeq } = held.body.conversation.lastTimelineItem;
      const stays = await t.open(AGENT);
      (await t.open(AGENT)).ws.terminate();

      // While one socket is away, and the other stays: triage, an assignee, a resolve.
      await t.api.call('PATCH', `/v1/conversations/${conversationId}`, AGENT, { priority: 'urgent' });
      await t.api.call('POST', `/v1/conversations/${conversationId}/tags`, AGENT, { add: ['billing'] });
      await t.api.call('POST', `/v1/conversations/${conversationId}/assign`, AGENT, { userId: AGENT.agent });
      await t.api.call('POST', `/v1/conversations/${conversationId}/resolve`, AGENT, {});
      const now = (await waitUntil(
        () => t.api.call('GET', `/v1/conversations/${conversationId}`, AGENT),
        (res) => res.body.conversation.status === 'resolved',
      )).body.conversation;
      await stays.waitFor((f) => f.type === 'conversationUpdated' && f.payload.conversationId === conversationId && f.payload.updates.status === 'resolved');

      const agent = await t.open(AGENT);
      agent.send({ type: 'resume', payload: { conversationId, afterSeq, stateVersion: held.body.conversation.stateVersion }, ref: 'team' });
      const done = await agent.waitFor((f) => f.type === 'resumeCompleted' && f.payload.ref === 'team');
      const frames = agent.frames.filter((f) => f.payload?.conversationId === conversationId);
      const state = frames.find((f) => f.type === 'conversationUpdated');
      expect(state?.payload.updates).toMatchObject({ status: 'resolved', priority: 'urgent', tags: ['billing'], assigneeId: AGENT.agent, stateVersion: now.stateVersion });
      // After every item the resume sent (the resolve's event among them), before it says it is done.
      const items = frames.filter((f) => f.type === 'timelineItemCreated');
      expect(items.length).toBeGreaterThan(0);
      expect(frames.indexOf(state!)).toBeGreaterThan(frames.indexOf(items.at(-1)!));
      expect(agent.frames.indexOf(state!)).toBeLessThan(agent.frames.indexOf(done));

      // The visitor hears what it may see of it: no triage.
      const socket = await t.open(visitor);
      socket.send({ type: 'resume', payload: { conversationId, afterSeq, stateVersion: heldVisitor.stateVersion }, ref: 'visitor' });
      await socket.waitFor((f) => f.type === 'resumeCompleted' && f.payload.ref === 'visitor');
      const [told] = socket.of('conversationUpdated', (p) => p.conversationId === conversationId);
      expect(told?.payload.updates).toMatchObject({ status: 'resolved', assigneeId: AGENT.agent });
      expect(told?.payload.updates).not.toHaveProperty('priority');
      expect(told?.payload.updates).not.toHaveProperty('tags');

      // A client that holds the current state is not told it again; one that cannot say is.
      agent.send({ type: 'resume', payload: { conversationId, afterSeq: 0, stateVersion: now.stateVersion }, ref: 'current' });
      agent.send({ type: 'resume', payload: { conversationId, afterSeq: 0 }, ref: 'unsaid' });
      await agent.waitFor((f) => f.type === 'resumeCompleted' && f.payload.ref === 'unsaid');
      expect(agent.of('conversationUpdated', (p) => p.conversationId === conversationId)).toHaveLength(2);
      await Promise.all([agent.close(), socket.close(), stays.close()]);
    });

    it('resumes from the connect URL, so nothing live overtakes the backfill, however early it is posted', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'resume-url' });
      for (let i = 0; i < 120; i++) await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'resume-url', item: { type: 'message', text: `while away ${i}` } });
      const opening = SocketClient.open(t.app, visitor, {}, '&resume=resume-url:0');
      // Posted while the socket opens and its backfill of 120 runs.
      const live = await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'resume-url', item: { id: 'resume-url-live', type: 'message', text: 'live' } });
      const socket = await opening;
      await socket.itemFrame('resume-url-live');
      const seqs = socket.of('timelineItemCreated', (p) => p.conversationId === 'resume-url').map((f) => f.payload.item.seq as number);
      // Everything the visitor may see up to the live item, in seq order (the workflow's own events included).
      const visible: number[] = [];
      for (let afterSeq = 0; ; ) {
        const page = (await t.api.call('GET', `/v1/conversations/resume-url/timeline?afterSeq=${afterSeq}&limit=100`, visitor)).body.items as { seq: number }[];
        if (page.length === 0) break;
        visible.push(...page.map((item) => item.seq));
        afterSeq = page.at(-1)!.seq;
      }
      expect(seqs.slice(0, seqs.indexOf(live.body.item.seq) + 1)).toEqual(visible.filter((seq) => seq <= live.body.item.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      await socket.close();
    });

    it('says when a resume is done, after every item it sent, with the seq through which the socket holds what its caller may see', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      const conversationId = 'resume-done';
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
      await t.api.call('POST', '/v1/messages', visitor, { conversationId, item: { type: 'message', text: 'hello' } });
      for (let i = 0; i < 3; i++) await t.api.call('POST', '/v1/messages', AGENT, { conversationId, item: { type: 'message', text: `answer ${i}` } });
      const note = await t.api.call('POST', '/v1/messages', AGENT, { conversationId, item: { type: 'note', text: 'the newest item is private' } });
      const completed = (socket: SocketClient, ref: string) => socket.waitFor((f) => f.type === 'resumeCompleted' && f.payload.ref === ref);
      const itemSeqs = (socket: SocketClient, before: number) =>
        socket.frames.slice(0, before).flatMap((f) => (f.type === 'timelineItemCreated' && f.payload.conversationId === conversationId ? [f.payload.item.seq as number] : []));

      const socket = await t.open(visitor, `&resume=${conversationId}:0`);
      const done = await completed(socket, 'query.resume.0');
      const sent = itemSeqs(socket, socket.frames.indexOf(done));
      const visible = (await t.api.call('GET', `/v1/conversations/${conversationId}/timeline?afterSeq=0`, visitor)).body.items.map((i: { seq: number }) => i.seq) as number[];
      // Everything up to throughSeq came before it; the visitor is not told the note's seq.
      expect(done.payload).toEqual({ conversationId, throughSeq: Math.max(...sent), ref: 'query.resume.0' });
      expect(sent).toEqual(visible.filter((seq) => seq <= done.payload.throughSeq));
      expect(done.payload.throughSeq).not.toBe(note.body.item.seq);

      // Again from the start: nothing to send, the same answer.
      socket.send({ type: 'resume', payload: { conversationId, afterSeq: 0 }, ref: 'again' });
      // Refused (not the visitor's): an error frame, and no completion.
      socket.send({ type: 'resume', payload: { conversationId: 'resume-done-nobodys', afterSeq: 0 }, ref: 'refused' });
      socket.send({ type: 'resume', payload: { conversationId, afterSeq: 0 }, ref: 'last' });
      expect((await completed(socket, 'again')).payload.throughSeq).toBe(done.payload.throughSeq);
      await completed(socket, 'last');
      expect(socket.of('error', (p) => p.ref === 'refused')).toHaveLength(1);
      expect(socket.of('resumeCompleted', (p) => p.ref === 'refused')).toEqual([]);
      expect(itemSeqs(socket, socket.frames.length)).toEqual(sent);

      // The team sees the note: its seq is theirs to hold.
      const agent = await t.open(AGENT);
      agent.send({ type: 'resume', payload: { conversationId, afterSeq: 0 }, ref: 'agent' });
      expect((await completed(agent, 'agent')).payload.throughSeq).toBeGreaterThanOrEqual(note.body.item.seq);
    });

    it('reads from the store only what the socket has not been sent, however often it resumes from the start', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      const conversationId = 'resume-again';
      await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
      // 1,000 items, every tenth a private note the visitor is not sent (gaps in what its socket holds).
      for (let i = 0; i < 1_000; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) =>
            t.app.store.appendItem({
              id: `${conversationId}-${i + j}`,
              conversationId,
              ...((i + j) % 10 === 9 ? { type: 'note', visibility: 'private' } : { type: 'message', visibility: 'public' }),
              text: `item ${i + j}`,
              author: { kind: 'human', id: AGENT.agent },
              createdAt: new Date().toISOString(),
            } as never),
          ),
        );
      }
      const visibleAfter = async (afterSeq: number, who: Who = visitor): Promise<number[]> => {
        const seqs: number[] = [];
        for (let page: number[] = [0]; page.length > 0; seqs.push(...page)) {
          const answer = await t.api.call('GET', `/v1/conversations/${conversationId}/timeline?afterSeq=${seqs.at(-1) ?? afterSeq}&limit=100`, who);
          page = answer.body.items.map((i: { seq: number }) => i.seq);
        }
        return seqs;
      };
      const visible = await visibleAfter(0);
      const socket = await t.open(visitor);
      let read = 0;
      const listItems = t.app.store.listItems;
      t.app.store.listItems = async (id, request) => {
        const page = await listItems.call(t.app.store, id, request);
        if (id === conversationId) read += page.items.length;
        return page;
      };
      try {
        // Frames are handled in turn: a resume refused after the others says they are done.
        let round = 0;
        const resumeFromStart = async (times: number) => {
          for (let i = 0; i < times; i++) socket.send({ type: 'resume', payload: { conversationId, afterSeq: 0 } });
          socket.send({ type: 'resume', payload: { conversationId: 'nobodys', afterSeq: 0 }, ref: `done-${++round}` });
          await socket.waitFor((f) => f.type === 'error' && f.payload.ref === `done-${round}`);
        };
        await resumeFromStart(1);
        expect(read).toBe(visible.length);
        await resumeFromStart(5);
        expect(read).toBe(visible.length);
        // Sent live: the first resume after it reads what came since (the socket was not sent the note before it), and no later one.
        await t.api.call('POST', '/v1/messages', AGENT, { conversationId, item: { id: `${conversationId}-late`, type: 'message', text: 'late' } });
        await socket.itemFrame(`${conversationId}-late`);
        await resumeFromStart(1);
        expect(read - visible.length).toBeLessThanOrEqual((await visibleAfter(visible.at(-1)!, AGENT)).length);
        const readBefore = read;
        await resumeFromStart(3);
        expect(read).toBe(readBefore);
        const seqs = socket.of('timelineItemCreated', (p) => p.conversationId === conversationId).map((f) => f.payload.item.seq as number);
        expect(seqs).toEqual(await visibleAfter(0));
      } finally {
        t.app.store.listItems = listItems;
      }
    });

    it('keeps each conversation in seq order when a resume waits behind another one’s long backfill', async () => {
      const visitor = { visitorId: await t.api.newVisitor() };
      for (const conversationId of ['resume-long', 'resume-short']) await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
      await Promise.all(
        Array.from({ length: 10 }, async (_, writer) => {
          for (let i = writer; i < 250; i += 10) await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'resume-long', item: { type: 'message', text: `long ${i}` } });
        }),
      );
      for (let i = 0; i < 3; i++) await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'resume-short', item: { type: 'message', text: `short ${i}` } });

      const socket = await t.open(visitor);
      socket.send({ type: 'resume', payload: { conversationId: 'resume-long', afterSeq: 0 } });
      socket.send({ type: 'resume', payload: { conversationId: 'resume-short', afterSeq: 0 } });
      // Arrives while the long backfill runs and the short one waits its turn.
      await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'resume-short', item: { id: 'resume-short-live', type: 'message', text: 'live' } });
      await socket.itemFrame('resume-short-live');
      const seqs = socket.of('timelineItemCreated', (p) => p.conversationId === 'resume-short').map((f) => f.payload.item.seq as number);
      expect(seqs.length).toBeGreaterThanOrEqual(4);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    });
  });
});
