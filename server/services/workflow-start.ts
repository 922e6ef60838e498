/**
 * What a conversation's workflow is started with: the website's roster (humans and AI), the
 * lifecycle settings and the AI assistant that takes new conversations. The roster is cached
 * briefly per website: it is read on every message that might have to start a workflow.
 */
import type { Store } from '../../activities/store';
import type { ConversationStartInput } from '../../runtime/conversation-engine';
import { DEFAULT_LIFECYCLE_SETTINGS, type LifecycleSettings, type RosterMember } from '../../workflows/conversation/definitions';

const ROSTER_TTL_MS = 5_000;

export interface ConversationRef {
  id: string;
  websiteId: string;
  visitorId: string;
}

export class WorkflowStarts {
  private readonly rosters = new Map<string, { roster: RosterMember[]; until: number }>();

  constructor(
    private readonly store: Pick<Store, 'listTeamMembers'>,
    private readonly settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS,
  ) {}

  async roster(websiteId: string): Promise<RosterMember[]> {
    const cached = this.rosters.get(websiteId);
    if (cached && cached.until > Date.now()) return cached.roster;
    const roster = (await this.store.listTeamMembers(websiteId)).map(({ id, kind }) => ({ id, kind }));
    this.rosters.set(websiteId, { roster, until: Date.now() + ROSTER_TTL_MS });
    return roster;
  }

  async inputFor(conversation: ConversationRef): Promise<ConversationStartInput> {
    const roster = await this.roster(conversation.websiteId);
    const aiAssistantId = roster.find((member) => member.kind === 'ai')?.id;
    return {
      conversationId: conversation.id,
      websiteId: conversation.websiteId,
      visitorId: conversation.visitorId,
      roster,
      settings: this.settings,
      ...(aiAssistantId ? { aiAssistantId } : {}),
    };
  }
}
