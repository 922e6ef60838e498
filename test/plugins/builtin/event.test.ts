import { describe, expect, it } from 'vitest';
import { summarizeEvent } from '../../../plugins/builtin/event';
import { createPluginRegistry } from '../../../plugins/registry';
import { AGENT, SYSTEM } from '../authors';
import { caught } from '../errors';

const registry = createPluginRegistry([]);
const create = (event: unknown, author = SYSTEM, visibility?: 'private') =>
  registry.validateNewItem({ input: { type: 'event', event, visibility }, author, callerKind: author.kind });

describe('event', () => {
  describe('#schema', () => {
    it('accepts each kind with its own data', () => {
      const event = { kind: 'priority_changed', actorId: 'agent-1', data: { from: 'medium', to: 'high' } };
      expect(create(event).fields).toEqual({ event });
    });

    it('takes a reassignment naming whom it took the conversation from, as the workflow records it', () => {
      const event = { kind: 'assigned', actorId: 'agent-1', targetId: 'agent-2', data: { previousAssigneeId: 'agent-3' } };
      expect(create(event).fields).toEqual({ event });
    });

    it('may be private (agent-only events)', () => {
      expect(create({ kind: 'sla_breached', data: { sla: 'first_response', priority: 'high', dueAt: '2025-01-01T10:00:00Z' } }, SYSTEM, 'private').visibility).toBe(
        'private',
      );
    });

    it('is written by the system only', () => {
      expect(caught(() => create({ kind: 'ai_resumed', data: {} }, AGENT)).code).toBe('ERR_FORBIDDEN');
    });

    it('names the failing field of the kind’s data', () => {
      expect(caught(() => create({ kind: 'priority_changed', data: { from: 'medium', to: 'asap' } })).details).toEqual([
        { path: 'event.data.to', message: expect.any(String) },
      ]);
    });

    it('refuses an unknown kind, naming the kind field', () => {
      expect(caught(() => create({ kind: 'exploded', data: {} })).details).toEqual([{ path: 'event.kind', message: expect.any(String) }]);
    });
  });

  describe('#reduceSummary', () => {
    it('describes the event in plain text', () => {
      expect(summarizeEvent({ kind: 'priority_changed', data: { from: 'medium', to: 'high' } })).toBe('Priority changed from medium to high');
      expect(summarizeEvent({ kind: 'resolved', actorId: 'agent-1', data: {} })).toBe('Conversation resolved by agent-1');
      expect(summarizeEvent({ kind: 'assigned', targetId: 'agent-2' })).toBe('Assigned to agent-2');
    });
  });
});
