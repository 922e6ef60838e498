/**
 * Tells the team queues when a human agent can take conversations: available when a socket of
 * theirs opens, away when their last socket anywhere closes. Each agent's notices go out in the
 * order they happened (a quick reconnect must not end with the agent marked away).
 */
import type { Logger } from 'pino';
import type { TeamMember } from '../../domain/people';
import type { AuthDirectory } from '../auth';

/** What the team queues offer (activities/ai's `createTeamQueueSignals(engine)`). */
export interface TeamAvailability {
  agentOnline(member: TeamMember): Promise<void>;
  agentOffline(member: TeamMember): Promise<void>;
  /** After a change to a person's teams or capacity, or their removal (`available` absent: not available to any of `teams`). */
  agentReconciled(websiteId: string, agentId: string, teams: readonly string[], available?: { member: TeamMember; open: number }): Promise<void>;
}

export class AgentAvailability {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly teams: Pick<TeamAvailability, 'agentOnline' | 'agentOffline'>,
    private readonly directory: Pick<AuthDirectory, 'teamMember'>,
    private readonly log: Logger,
  ) {}

  /** Queues the notice; returns at once. */
  changed(websiteId: string, userId: string, online: boolean): void {
    const key = `${websiteId}/${userId}`;
    const next = (this.tails.get(key) ?? Promise.resolve()).then(() =>
      this.tell(websiteId, userId, online).catch((err: unknown) => this.log.warn({ err, userId, online }, 'telling the team queues about an agent failed')),
    );
    this.tails.set(key, next);
    void next.finally(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
  }

  /** Waits for every queued notice (shutdown: the closing sockets' agents go away first). */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }

  private async tell(websiteId: string, userId: string, online: boolean): Promise<void> {
    const member = await this.directory.teamMember(websiteId, userId);
    if (member?.kind !== 'human') return;
    await (online ? this.teams.agentOnline(member) : this.teams.agentOffline(member));
  }
}
