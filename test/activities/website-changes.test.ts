import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_SETTINGS_KEY } from '../../activities/lifecycle-settings';
import { createWebsiteChangeActivities, type WebsiteChangeStore } from '../../activities/website-changes';
import type { TeamMember } from '../../domain/people';
import type { Author } from '../../domain/timeline';
import { WorkflowNotFoundError, WorkflowSetAsideError } from '../../runtime/engine/errors';

const ALEX: Author = { kind: 'human', id: 'alex' };

const member = (id: string, kind: TeamMember['kind'] = 'human'): TeamMember => ({ id, websiteId: 'w1', name: id, kind, teams: ['support'], capacity: 5 });

function storeWith(conversationIds: string[]): WebsiteChangeStore & { since: string[]; open: boolean[] } {
  const since: string[] = [];
  const open: boolean[] = [];
  return {
    since,
    open,
    listTeamMembers: async () => [member('alex'), member('bot', 'ai')],
    teamRevision: async () => 7,
    // Kim was removed 200 days ago: within the year a running workflow may still carry them.
    listFormerMembers: async (_websiteId: string, removedSince?: string) =>
      removedSince !== undefined && Date.parse(removedSince) < Date.now() - 200 * 24 * 3_600_000 ? [{ id: 'kim', name: 'Kim', removedBy: ALEX }] : [],
    getSettingRecord: async <T>(_websiteId: string, key: string) =>
      (key === LIFECYCLE_SETTINGS_KEY
        ? {
            value: { firstResponseMinutes: { low: null, medium: 30, high: 10, urgent: 5 }, bumpPriorityOnSlaBreach: false, autoResolveAfterMinutes: null, retentionAfterResolveMinutes: 60, defaultAiPauseMinutes: 15, aiTakesReopened: true },
            updatedAt: '2026-12-04T10:00:00.000Z',
            revision: 3,
          }
        : undefined) as { value: T; updatedAt: string; revision: number } | undefined,
    async *conversationIdsActiveSince(_websiteId: string, from: string, options?: { open?: boolean }) {
      since.push(from);
      open.push(options?.open ?? false);
      yield* conversationIds;
    },
  };
}

type Signalled = { workflowId: string; signal: string; args: unknown[] };

describe('tellConversations', () => {
  it('signals the team, ids and kinds only, to every conversation whose workflow runs, skipping those that do not', async () => {
    const signalled: Signalled[] = [];
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const store = storeWith(ids);
    const beats: number[] = [];
    const { tellConversations } = createWebsiteChangeActivities({
      store,
      heartbeat: (told) => beats.push(told),
      engine: {
        signal: async (o: Signalled) => {
          if (o.workflowId.endsWith('c3') || o.workflowId.endsWith('c17')) throw new WorkflowNotFoundError(o.workflowId);
          signalled.push(o);
        },
      },
    });
    expect(await tellConversations({ websiteId: 'w1', actor: ALEX, what: ['roster'] })).toEqual({ told: 18, revisions: { team: 7 } });
    expect(signalled.map((s) => s.workflowId).sort()).toEqual(ids.filter((id) => id !== 'c3' && id !== 'c17').map((id) => `conversation:${id}`).sort());
    expect(signalled[0]).toMatchObject({ signal: 'rosterChanged', args: [{ actor: ALEX, roster: [{ id: 'alex', kind: 'human' }, { id: 'bot', kind: 'ai' }], revision: 7, departedBy: { kim: ALEX } }] });
    // Resolved conversations count while their workflow may still run: up to the longest retention there is, a year.
    const yearAgo = Date.now() - 365 * 24 * 3_600_000;
    expect(Math.abs(Date.parse(store.since[0]!) - yearAgo)).toBeLessThan(60_000);
    expect(store.open).toEqual([true]);
    expect(beats).toHaveLength(20);
  });

  it('tells the others when a conversation is set aside, then fails to be retried when the first set aside may be told', async () => {
    const signalled: string[] = [];
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const until = { c2: new Date(Date.now() + 120_000), c5: new Date(Date.now() + 30_000) };
    const { tellConversations } = createWebsiteChangeActivities({
      store: storeWith(ids),
      engine: {
        signal: async (o: Signalled) => {
          const aside = Object.entries(until).find(([id]) => o.workflowId === `conversation:${id}`);
          if (aside) throw new WorkflowSetAsideError(o.workflowId, aside[1]);
          signalled.push(o.workflowId);
        },
      },
    });
    const failure = await tellConversations({ websiteId: 'w1', actor: ALEX, what: ['roster'] }).then(
      () => expect.fail('told everyone'),
      (err: unknown) => err as ApplicationFailure,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.message).toMatch(/c2, c5|c5, c2/);
    expect(failure.nextRetryDelay).toBeGreaterThan(25_000);
    expect(failure.nextRetryDelay).toBeLessThanOrEqual(30_000);
    expect(signalled).toHaveLength(18);
  });

  it('asks for its retry within a minute, however long a conversation is set aside: later changes wait for it', async () => {
    const { tellConversations } = createWebsiteChangeActivities({
      store: storeWith(['c1']),
      engine: { signal: async (o: Signalled) => Promise.reject(new WorkflowSetAsideError(o.workflowId, new Date(Date.now() + 3_600_000))) },
    });
    const failure = await tellConversations({ websiteId: 'w1', actor: ALEX, what: ['roster'] }).then(
      () => expect.fail('told everyone'),
      (err: unknown) => err as ApplicationFailure,
    );
    expect(failure.nextRetryDelay).toBe(60_000);
  });

  it('reads the team revision before the team, so the team it signals is at least as new as the revision it names', async () => {
    const signalled: Signalled[] = [];
    // A change commits between any two reads: the revision counts up as the team is read.
    let revision = 7;
    const store = { ...storeWith(['c1']), teamRevision: async () => revision, listTeamMembers: async () => (revision += 1, [member('alex')]) };
    const { tellConversations } = createWebsiteChangeActivities({ store, engine: { signal: async (o: Signalled) => void signalled.push(o) } });
    await tellConversations({ websiteId: 'w1', actor: ALEX, what: ['roster'] });
    expect(signalled[0]!.args[0]).toMatchObject({ revision: 7 });
  });

  it('tells only the conversations active since the late pass\'s time, open or not', async () => {
    const store = storeWith(['c1']);
    const { tellConversations } = createWebsiteChangeActivities({ store, engine: { signal: async () => undefined } });
    await tellConversations({ websiteId: 'w1', actor: ALEX, what: ['roster'], activeSince: '2026-12-04T10:00:00.000Z' });
    expect(store.since).toEqual(['2026-12-04T10:00:00.000Z']);
    expect(store.open).toEqual([false]);
  });

  it('tells every conversation in the late pass after all when the store has a newer team or settings than its round told', async () => {
    const store = storeWith(['c1']);
    const { tellConversations } = createWebsiteChangeActivities({ store, engine: { signal: async () => undefined } });
    const late = { websiteId: 'w1', actor: ALEX, activeSince: '2026-12-04T10:00:00.000Z' };
    // The round told what there still is: the late pass stays with the recent conversations.
    await tellConversations({ ...late, what: ['roster', 'settings'], toldRevisions: { team: 7, settings: 3 } });
    // Written after the round read them (team 7, settings 3 now): everyone.
    await tellConversations({ ...late, what: ['roster'], toldRevisions: { team: 6 } });
    await tellConversations({ ...late, what: ['settings'], toldRevisions: { settings: 2 } });
    expect(store.open).toEqual([false, true, true]);
    expect(store.since[0]).toBe(late.activeSince);
  });

  it('signals the settings as workflows are given them, and both when both changed', async () => {
    const signalled: Signalled[] = [];
    const { tellConversations } = createWebsiteChangeActivities({ store: storeWith(['c1']), engine: { signal: async (o: Signalled) => void signalled.push(o) } });
    await tellConversations({ websiteId: 'w1', actor: ALEX, what: ['settings', 'roster'] });
    expect(signalled.map((s) => s.signal)).toEqual(['rosterChanged', 'settingsChanged']);
    expect(signalled[1]!.args).toEqual([
      {
        actor: ALEX,
        changedAt: '2026-12-04T10:00:00.000Z',
        revision: 3,
        settings: { firstResponseSlaMs: { medium: 1_800_000, high: 600_000, urgent: 300_000 }, bumpPriorityOnSlaBreach: false, retentionAfterResolveMs: 3_600_000, defaultAiPauseMs: 900_000, aiTakesReopened: true },
      },
    ]);
  });

  it('tells no one more once the engine gave up on the attempt', async () => {
    let signalled = 0;
    const { tellConversations } = createWebsiteChangeActivities({
      store: storeWith(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11', 'c12']),
      engine: { signal: async () => void (signalled += 1) },
      abandoned: () => signalled >= 3,
    });
    await expect(tellConversations({ websiteId: 'w1', actor: ALEX, what: ['roster'] })).rejects.toThrow('gave up');
    expect(signalled).toBeLessThan(12);
  });

  it('fails on any other error, so the workflow tries the round again, after stopping: nothing started after it, the list closed', async () => {
    let closed = false;
    let signalled = 0;
    const store: WebsiteChangeStore = {
      ...storeWith([]),
      async *conversationIdsActiveSince() {
        try {
          for (let i = 0; i < 100; i += 1) yield `c${i}`;
        } finally {
          closed = true;
        }
      },
    };
    const engine = {
      signal: async ({ workflowId }: Signalled) => {
        if (workflowId === 'conversation:c0') throw new Error('engine unavailable');
        signalled += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    };
    const { tellConversations } = createWebsiteChangeActivities({ store, engine });
    await expect(tellConversations({ websiteId: 'w1', actor: ALEX, what: ['roster'] })).rejects.toThrow('engine unavailable');
    expect(signalled).toBeLessThan(10);
    expect(closed).toBe(true);
  });
});
