import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TeamMember } from '../../../domain/people';
import { EngineRestartingError, WorkflowSetAsideError } from '../../../runtime/engine/errors';
import { AgentAvailability } from '../../../server/realtime/agent-availability';

const alex: TeamMember = { id: 'alex', websiteId: 'w', name: 'Alex', kind: 'human', teams: ['support'], capacity: 5 };
const bot: TeamMember = { id: 'bot', websiteId: 'w', name: 'Bot', kind: 'ai', teams: [], capacity: 1_000 };
const members = new Map([alex, bot].map((m) => [m.id, m]));

function setup(delayFirstMs = 0) {
  const told: string[] = [];
  let calls = 0;
  const note = (what: string) => async (member: TeamMember) => {
    // The first notice is slow: a later one must still come after it.
    if (calls++ === 0 && delayFirstMs) await new Promise((resolve) => setTimeout(resolve, delayFirstMs));
    told.push(`${what}:${member.id}`);
  };
  const availability = new AgentAvailability(
    { agentOnline: note('online'), agentOffline: note('offline') },
    { teamMember: async (_websiteId, userId) => members.get(userId) },
    pino({ level: 'silent' }),
  );
  return { told, availability };
}

describe('AgentAvailability', () => {
  describe('#changed', () => {
    it('tells the team queues about human agents, in the order their sockets came and went', async () => {
      const { told, availability } = setup(50);
      availability.changed('w', 'alex', true);
      availability.changed('w', 'alex', false);
      availability.changed('w', 'bot', true);
      availability.changed('w', 'nobody', true);
      await availability.drain();
      expect(told).toEqual(['online:alex', 'offline:alex']);
    });

    it('tries a notice again while the engine cannot take it for now (its thread restarting), keeping the order, and gives up on other failures', async () => {
      const told: string[] = [];
      const failures: Error[] = [new EngineRestartingError('thread ended (code 1) before answering'), new EngineRestartingError('thread ended (code 1) before answering')];
      const note = (what: string) => async (member: TeamMember) => {
        const failure = what === 'online' ? failures.shift() : undefined;
        if (failure) throw failure;
        told.push(`${what}:${member.id}`);
      };
      const availability = new AgentAvailability(
        { agentOnline: note('online'), agentOffline: note('offline') },
        { teamMember: async (_websiteId, userId) => members.get(userId) },
        pino({ level: 'silent' }),
        [1, 1, 1],
      );
      availability.changed('w', 'alex', true);
      availability.changed('w', 'alex', false);
      await availability.drain();
      expect(told).toEqual(['online:alex', 'offline:alex']);
      failures.push(new Error('bug'));
      availability.changed('w', 'alex', true);
      await availability.drain();
      expect(told).toEqual(['online:alex', 'offline:alex']); // the bug's notice is not tried again
    });

    it('tries nothing again once it stops (the server does), nor a notice for a workflow set aside', async () => {
      let tries = 0;
      const refuse = (err: Error) => async () => {
        tries += 1;
        throw err;
      };
      const setAside = new AgentAvailability(
        { agentOnline: refuse(new WorkflowSetAsideError('team-queue:w:support', new Date(Date.now() + 60_000))), agentOffline: refuse(new Error('unused')) },
        { teamMember: async (_websiteId, userId) => members.get(userId) },
        pino({ level: 'silent' }),
        [1, 1, 1],
      );
      setAside.changed('w', 'alex', true);
      await setAside.drain();
      expect(tries).toBe(1);

      tries = 0;
      const restarting = new AgentAvailability(
        { agentOnline: refuse(new EngineRestartingError('thread ended (code 1) before answering')), agentOffline: refuse(new Error('unused')) },
        { teamMember: async (_websiteId, userId) => members.get(userId) },
        pino({ level: 'silent' }),
        [60_000, 60_000],
      );
      restarting.changed('w', 'alex', true);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the first try failed: it waits a minute for the next
      const began = Date.now();
      await restarting.stop();
      expect(Date.now() - began).toBeLessThan(1_000);
      expect(tries).toBe(1);
    });
  });
});
