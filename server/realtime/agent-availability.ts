/**
 * Tells the team queues when a human agent can take conversations: available when a socket of
 * theirs opens, away when their last socket anywhere closes. Each agent's notices go out in the
 * order they happened (a quick reconnect must not end with the agent marked away).
 */
import type { Logger } from 'pino';
import type { AgentNow } from '../../activities/ai';
import type { TeamMember } from '../../domain/people';
import type { AuthDirectory } from '../auth';
import { KeyedLines } from '../keyed-lines';

/** What the team queues offer (activities/ai's `createTeamQueueSignals(engine)`). */
export interface TeamAvailability {
  agentOnline(member: TeamMember): Promise<void>;
  agentOffline(member: TeamMember): Promise<void>;
  /** After a change to a person's teams or capacity, or their removal (`member` absent). */
  agentReconciled(websiteId: string, agentId: string, teams: readonly string[], now: AgentNow): Promise<void>;
}

export class AgentAvailability {
  private readonly lines = new KeyedLines();

  constructor(
    private readonly teams: Pick<TeamAvailability, 'agentOnline' | 'agentOffline'>,
    private readonly directory: Pick<AuthDirectory, 'teamMember'>,
    private readonly log: Logger,
  ) {}

  /** Queues the notice; returns at once. */
  changed(websiteId: string, userId: string, online: boolean): void {
    void this.lines.run(`${websiteId}/${userId}`, () =>
      this.tell(websiteId, userId, online).catch((err: unknown) => this.log.warn({ err, userId, online }, 'telling the team queues about an agent failed')),
    );
  }

  /** Waits for every queued notice (shutdown: the closing sockets' agents go away first). */
  drain(): Promise<void> {
    return this.lines.drain();
  }

  private async tell(websiteId: string, userId: string, online: boolean): Promise<void> {
    const member = await this.directory.teamMember(websiteId, userId);
    if (member?.kind !== 'human') return;
    await (online ? this.teams.agentOnline(member) : this.teams.agentOffline(member));
  }
}
