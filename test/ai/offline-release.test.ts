import { describe, expect, it } from 'vitest';
import { offlineReleaser } from '../../activities/ai/offline-release';
import type { LifecycleOperation } from '../../domain/operations';
import type { ConversationSnapshot } from '../../workflows/conversation/definitions';

const MINUTE = 60_000;
type Snapshot = Pick<ConversationSnapshot, 'status' | 'handler' | 'assigneeId' | 'participants'>;

/** An engine over a few conversations whose `changeSet` refuses an unassign of someone no longer the assignee, as the workflow does. */
function fakeEngine(conversations: Record<string, Snapshot>, { afterLook }: { afterLook?: (id: string) => void } = {}) {
  const sent: Array<{ id: string; operations: LifecycleOperation[] }> = [];
  const idOf = (workflowId: string) => workflowId.replace('conversation:', '');
  return {
    sent,
    engine: {
      async query<R>({ workflowId }: { workflowId: string }): Promise<R> {
        const snapshot = { ...conversations[idOf(workflowId)]! };
        afterLook?.(idOf(workflowId));
        return snapshot as R;
      },
      async executeUpdate<R>({ workflowId, args }: { workflowId: string; args: unknown[] }): Promise<R> {
        const id = idOf(workflowId);
        const { operations } = args[0] as { operations: LifecycleOperation[] };
        const unassign = operations.find((o) => o.op === 'unassign');
        const expected = unassign?.expectedAssigneeId;
        if (expected !== undefined && expected !== conversations[id]!.assigneeId) throw Object.assign(new Error('assigned meanwhile'), { code: 'ERR_UPDATE_REJECTED' });
        sent.push({ id, operations });
        return undefined as R;
      },
    },
  };
}

const open = (assigneeId: string, inIt: boolean): Snapshot => ({
  status: 'open',
  handler: 'human',
  assigneeId,
  participants: inIt ? [{ id: assigneeId, kind: 'human', joinedAt: '2026-12-06T00:00:00.000Z' }] : [],
});

describe('offlineReleaser', () => {
  const releaser = (conversations: Record<string, Snapshot>, graceMinutes: number | null, options = {}) => {
    const fake = fakeEngine(conversations, options);
    const release = offlineReleaser({
      engine: fake.engine,
      releaseAfterMs: async () => (graceMinutes === null ? null : graceMinutes * MINUTE),
      openAssigned: async () => Object.keys(conversations),
    });
    return { release, sent: fake.sent };
  };

  it('answers how long is left of the grace, or never, and changes nothing before', async () => {
    const { release, sent } = releaser({ c1: open('dana', true) }, 15);
    expect(await release({ websiteId: 'w', agentId: 'dana', offlineForMs: 5 * MINUTE, offlineSince: Date.now() - 5 * MINUTE })).toEqual({ outcome: 'not_yet', inMs: 10 * MINUTE });
    expect(await releaser({ c1: open('dana', true) }, null).release({ websiteId: 'w', agentId: 'dana', offlineForMs: 60 * MINUTE, offlineSince: Date.now() - 60 * MINUTE })).toEqual({ outcome: 'never' });
    expect(sent).toEqual([]);
  });

  it('waits, past the grace, until the process has run long enough for pages to reconnect after a restart', async () => {
    const fake = fakeEngine({ c1: open('dana', true) });
    const release = offlineReleaser({ engine: fake.engine, releaseAfterMs: async () => 15 * MINUTE, openAssigned: async () => ['c1'], upForMs: () => 10_000 });
    expect(await release({ websiteId: 'w', agentId: 'dana', offlineForMs: 60 * MINUTE, offlineSince: Date.now() - 60 * MINUTE })).toEqual({ outcome: 'not_yet', inMs: 50_000 });
    expect(fake.sent).toEqual([]);
  });

  it('gives back the others when one conversation fails, and asks to be asked again soon rather than failing', async () => {
    const fake = fakeEngine({ c1: open('dana', false), c2: open('dana', false) });
    const update = fake.engine.executeUpdate.bind(fake.engine);
    fake.engine.executeUpdate = async <R>(o: { workflowId: string; args: unknown[] }) => {
      if (o.workflowId.endsWith('c1')) throw new Error('the store is out of reach');
      return update<R>(o);
    };
    const warned: unknown[] = [];
    const release = offlineReleaser({ engine: fake.engine, releaseAfterMs: async () => 15 * MINUTE, openAssigned: async () => ['c1', 'c2'], warn: (_message, fields) => warned.push(fields.conversationId) });
    expect(await release({ websiteId: 'w', agentId: 'dana', offlineForMs: 20 * MINUTE, offlineSince: Date.now() - 20 * MINUTE })).toEqual({ outcome: 'not_yet', inMs: 30_000 });
    expect(fake.sent.map((s) => s.id)).toEqual(['c2']);
    expect(warned).toEqual(['c1']);
  });

  it('unassigns as of her, and has her leave only where she is in it', async () => {
    const { release, sent } = releaser({ c1: open('dana', true), c2: open('dana', false) }, 15);
    expect(await release({ websiteId: 'w', agentId: 'dana', offlineForMs: 15 * MINUTE, offlineSince: Date.now() - 15 * MINUTE })).toEqual({ outcome: 'released', conversations: 2 });
    expect(sent).toEqual([
      { id: 'c1', operations: [{ op: 'unassign', expectedAssigneeId: 'dana' }, { op: 'leave', userId: 'dana' }] },
      { id: 'c2', operations: [{ op: 'unassign', expectedAssigneeId: 'dana' }] },
    ]);
  });

  it('leaves a conversation a colleague took between its look and the unassign with the colleague', async () => {
    const conversations = { c1: open('dana', false), c2: open('dana', false) };
    const { release, sent } = releaser(conversations, 15, { afterLook: (id: string) => id === 'c1' && (conversations.c1.assigneeId = 'eve') });
    expect(await release({ websiteId: 'w', agentId: 'dana', offlineForMs: 20 * MINUTE, offlineSince: Date.now() - 20 * MINUTE })).toEqual({ outcome: 'released', conversations: 1 });
    expect(sent.map((s) => s.id)).toEqual(['c2']);
  });
});
