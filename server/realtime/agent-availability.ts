/**
 * Tells the team queues when a human agent can take conversations: available when a socket of
 * theirs opens, away when their last socket anywhere closes. Each agent's notices go out in the
 * order they happened (a quick reconnect must not end with the agent marked away). A notice the
 * engine could not take for now (its thread restarting, the store out of reach: what a `503` says)
 * is tried again a few times before it is given up, so a restart does not leave an agent marked away;
 * not once the server stops, nor for a workflow set aside (for a minute at least).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { AgentNow } from '../../activities/ai';
import type { TeamMember } from '../../domain/people';
import type { AuthDirectory } from '../auth';
import { WorkflowSetAsideError } from '../../runtime/engine/errors';
import { toAppError } from '../http-errors';
import { KeyedLines } from '../keyed-lines';

/** What the team queues offer (activities/ai's `createTeamQueueSignals(engine)`). */
export interface TeamAvailability {
  agentOnline(member: TeamMember): Promise<void>;
  agentOffline(member: TeamMember): Promise<void>;
  /** After a change to a person's teams or capacity, or their removal (`member` absent). */
  agentReconciled(websiteId: string, agentId: string, teams: readonly string[], now: AgentNow): Promise<void>;
}

/** Waits before each new try of a notice refused for now: about 15 s in all, longer than an engine thread's restart. */
const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];

const refusedForNow = (err: unknown): boolean => toAppError(err).code === 'ERR_UNAVAILABLE' && !(err instanceof WorkflowSetAsideError);

export class AgentAvailability {
  private readonly lines = new KeyedLines();
  /** Aborted by `stop`: a stopping server tries each notice once. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly teams: Pick<TeamAvailability, 'agentOnline' | 'agentOffline'>,
    private readonly directory: Pick<AuthDirectory, 'teamMember'>,
    private readonly log: Logger,
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  /** Queues the notice; returns at once. */
  changed(websiteId: string, userId: string, online: boolean): void {
    void this.lines.run(`${websiteId}/${userId}`, () =>
      this.tell(websiteId, userId, online).catch((err: unknown) => this.log.warn({ err, userId, online }, 'telling the team queues about an agent failed')),
    );
  }

  /** Waits for every queued notice. */
  drain(): Promise<void> {
    return this.lines.drain();
  }

  /** Waits for every queued notice, trying none again (shutdown: the closing sockets' agents go away first). */
  stop(): Promise<void> {
    this.stopping.abort();
    return this.lines.drain();
  }

  private async tell(websiteId: string, userId: string, online: boolean): Promise<void> {
    for (const delay of [...this.retryDelaysMs, undefined]) {
      try {
        return await this.tellOnce(websiteId, userId, online);
      } catch (err) {
        if (delay === undefined || this.stopping.signal.aborted || !refusedForNow(err)) throw err;
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => {
          throw err;
        });
      }
    }
  }

  private async tellOnce(websiteId: string, userId: string, online: boolean): Promise<void> {
    const member = await this.directory.teamMember(websiteId, userId);
    if (member?.kind !== 'human') return;
    await (online ? this.teams.agentOnline(member) : this.teams.agentOffline(member));
  }
}
