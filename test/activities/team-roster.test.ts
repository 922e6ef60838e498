import { describe, expect, it } from 'vitest';
import { createRosterActivities, type RosterStore } from '../../activities/team-roster';
import type { TeamMember } from '../../domain/people';
import type { Author } from '../../domain/timeline';
import { WorkflowNotFoundError } from '../../runtime/engine/errors';

const ALEX: Author = { kind: 'human', id: 'alex' };

const member = (id: string, kind: TeamMember['kind'] = 'human'): TeamMember => ({ id, websiteId: 'w1', name: id, kind, teams: ['support'], capacity: 5 });

function storeWith(conversationIds: string[]): RosterStore & { since: string[] } {
  const since: string[] = [];
  return {
    since,
    listTeamMembers: async () => [member('alex'), member('bot', 'ai')],
    async *conversationIdsActiveSince(_websiteId, from) {
      since.push(from);
      yield* conversationIds;
    },
  };
}

describe('broadcastRoster', () => {
  it('signals the team, ids and kinds only, to every conversation whose workflow runs, skipping those that do not', async () => {
    const signalled: { workflowId: string; args: unknown[] }[] = [];
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const store = storeWith(ids);
    const { broadcastRoster } = createRosterActivities({
      store,
      engine: {
        signal: async ({ workflowId, args }) => {
          if (workflowId.endsWith('c3') || workflowId.endsWith('c17')) throw new WorkflowNotFoundError(workflowId);
          signalled.push({ workflowId, args });
        },
      },
    });
    expect(await broadcastRoster({ websiteId: 'w1', actor: ALEX })).toEqual({ told: 18 });
    expect(signalled.map((s) => s.workflowId).sort()).toEqual(ids.filter((id) => id !== 'c3' && id !== 'c17').map((id) => `conversation:${id}`).sort());
    expect(signalled[0]!.args).toEqual([{ actor: ALEX, roster: [{ id: 'alex', kind: 'human' }, { id: 'bot', kind: 'ai' }] }]);
    // Resolved conversations count while their workflow may still run: up to the longest retention there is, a year.
    const yearAgo = Date.now() - 365 * 24 * 3_600_000;
    expect(Math.abs(Date.parse(store.since[0]!) - yearAgo)).toBeLessThan(60_000);
  });

  it('fails on any other error, so the workflow tries the round again', async () => {
    const { broadcastRoster } = createRosterActivities({
      store: storeWith(['c1', 'c2']),
      engine: { signal: async () => Promise.reject(new Error('engine unavailable')) },
    });
    await expect(broadcastRoster({ websiteId: 'w1', actor: ALEX })).rejects.toThrow('engine unavailable');
  });
});
