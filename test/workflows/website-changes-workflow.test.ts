import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/engine/clock';
import { EmbeddedEngine } from '../../runtime/engine/embedded/embedded-engine';
import { MemoryJournalStore } from '../../runtime/engine/memory-journal-store';
import type { Author } from '../../domain/timeline';
import {
  WEBSITE_CHANGES_WORKFLOW_TYPE,
  websiteChanged,
  websiteChangesWorkflowId,
  type TellConversationsInput,
  type WebsiteChangeKind,
  type WebsiteChangesInput,
} from '../../workflows/website/definitions';
import { eventually } from '../runtime/engine/eventually';
import { silentLogger } from '../runtime/engine/silent-logger';

const websiteWorkflowsPath = fileURLToPath(new URL('../../workflows/website', import.meta.url));
const ANN: Author = { kind: 'human', id: 'ann' };
const BEN: Author = { kind: 'human', id: 'ben' };
const SECOND = 1_000;

describe('websiteChangesWorkflow (embedded engine)', () => {
  let engine: EmbeddedEngine | undefined;
  afterEach(async () => engine?.shutdown());

  /** The workflow with a broadcast that records who it was for, failing the first `failures` times. */
  async function setUp(input: Partial<WebsiteChangesInput> = {}, failures = 0) {
    const rounds: string[] = [];
    const passes: string[] = [];
    let failed = 0;
    const clock = new ManualClock();
    engine = await EmbeddedEngine.create({
      workflowsPath: websiteWorkflowsPath,
      activities: {
        tellConversations: async ({ actor, what, activeSince, toldRevisions }: TellConversationsInput) => {
          passes.push(activeSince === undefined ? 'full' : `since ${(clock.now() - Date.parse(activeSince)) / SECOND} s ago, told ${JSON.stringify(toldRevisions)}`);
          if (failed < failures) {
            failed += 1;
            throw new Error('store unavailable');
          }
          rounds.push(`${actor.id}:${[...what].sort().join('+')}`);
          return { told: 0, revisions: { team: rounds.length } };
        },
      },
      journal: new MemoryJournalStore(),
      clock,
      logger: silentLogger,
    });
    const revise = (actor: Author, what: WebsiteChangeKind[] = ['roster']) =>
      engine!.signalWithStart({
        workflowType: WEBSITE_CHANGES_WORKFLOW_TYPE,
        workflowId: websiteChangesWorkflowId('w1'),
        args: [{ websiteId: 'w1', ...input }],
        signal: websiteChanged.name,
        signalArgs: [{ actor, what }],
      });
    return { rounds, passes, clock, revise };
  }

  it('tells the conversations a second after the change, and the recently active ones again once the instances’ cached teams have expired', async () => {
    const { rounds, passes, clock, revise } = await setUp();
    await revise(ANN);
    await clock.advance(SECOND - 1);
    expect(rounds).toEqual([]);
    await clock.advance(1);
    await eventually(() => expect(rounds).toEqual(['ann:roster']));
    await clock.advance(5 * SECOND);
    expect(rounds).toEqual(['ann:roster']);
    await clock.advance(6 * SECOND);
    await eventually(() => expect(rounds).toEqual(['ann:roster', 'ann:roster']));
    // Activity from 5 minutes before the round began: what started a workflow was written about then at the earliest.
    // It carries what the round told, so it can tell everyone should the store hold newer by then.
    expect(passes).toEqual(['full', 'since 310 s ago, told {"team":1}']);
    await clock.advance(60 * SECOND);
    expect(rounds).toEqual(['ann:roster', 'ann:roster']);
  });

  it('starts a full round at once for a change made while it waits, telling what both changed, and makes one late pass after it', async () => {
    const { rounds, clock, revise } = await setUp();
    await revise(ANN);
    await clock.advance(SECOND);
    await eventually(() => expect(rounds).toEqual(['ann:roster']));
    await clock.advance(2 * SECOND);
    await revise(BEN, ['settings']);
    await clock.advance(SECOND);
    await eventually(() => expect(rounds).toEqual(['ann:roster', 'ben:roster+settings']));
    await clock.advance(11 * SECOND);
    await eventually(() => expect(rounds).toEqual(['ann:roster', 'ben:roster+settings', 'ben:roster+settings']));
    await clock.advance(60 * SECOND);
    expect(rounds).toEqual(['ann:roster', 'ben:roster+settings', 'ben:roster+settings']);
  });

  it('takes every change told within a second of the first into one round: the one told before a write and the one after it', async () => {
    const { rounds, clock, revise } = await setUp();
    await revise(ANN);
    await clock.advance(SECOND / 2);
    await revise(BEN, ['settings']);
    await clock.advance(SECOND / 2);
    await eventually(() => expect(rounds).toEqual(['ben:roster+settings']));
    await clock.advance(11 * SECOND);
    await eventually(() => expect(rounds).toEqual(['ben:roster+settings', 'ben:roster+settings']));
  });

  it('tries a failed round again until it gets through', async () => {
    const { rounds, clock, revise } = await setUp({}, 3);
    await revise(ANN);
    await clock.advance(10 * SECOND);
    await eventually(() => expect(rounds[0]).toBe('ann:roster'));
  });

  it('carries a change heard at the end of a run into the next run', async () => {
    const { rounds, clock, revise } = await setUp({ roundsPerRun: 1 });
    await revise(ANN);
    await clock.advance(SECOND);
    await eventually(() => expect(rounds).toEqual(['ann:roster']));
    await revise(BEN);
    // The next run waits its second once it has started: the clock moves on in steps until its round.
    await eventually(async () => {
      await clock.advance(SECOND / 10);
      expect(rounds).toEqual(['ann:roster', 'ben:roster']);
    });
    await clock.advance(11 * SECOND);
    await eventually(() => expect(rounds).toEqual(['ann:roster', 'ben:roster', 'ben:roster']));
    const runs = (await engine!.history(websiteChangesWorkflowId('w1'))).filter((entry) => entry.kind === 'workflow_started');
    expect(runs).toHaveLength(2);
  });
});
