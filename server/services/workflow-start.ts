/**
 * What a conversation's workflow is started with: the website's roster (humans and AI), its
 * lifecycle settings and the AI assistant that takes new conversations. Both are cached briefly
 * per website: they are read on every message that might have to start a workflow.
 */
import type { Store } from '../../activities/store';
import type { ConversationStartInput } from '../../runtime/conversation-engine';
import type { LifecycleSettings, RosterMember } from '../../workflows/conversation/definitions';
import { loadRoster, loadWorkflowSettings } from '../../activities/lifecycle-settings';
import { WEBSITE_CACHE_MS } from '../../workflows/website/definitions';

export interface ConversationRef {
  id: string;
  websiteId: string;
  visitorId: string;
}

/** What a website's conversations start with, read together, with the revisions of the team and settings read. */
interface WebsiteStart {
  roster: RosterMember[];
  rosterRevision: number;
  settings: LifecycleSettings;
  settingsRevision?: number;
}

const assistantIn = (roster: RosterMember[]): string | undefined => roster.find((member) => member.kind === 'ai')?.id;

export class WorkflowStarts {
  private readonly websites = new Map<string, { start: WebsiteStart; until: number }>();

  constructor(private readonly store: Pick<Store, 'listTeamMembers' | 'teamRevision' | 'getSettingRecord'>) {}

  async roster(websiteId: string): Promise<RosterMember[]> {
    return (await this.website(websiteId)).roster;
  }

  /** The AI assistant a new conversation of the website starts with, if it has one. */
  async aiAssistantOf(websiteId: string): Promise<string | undefined> {
    return assistantIn(await this.roster(websiteId));
  }

  async inputFor(conversation: ConversationRef): Promise<ConversationStartInput> {
    const { roster, rosterRevision, settings, settingsRevision } = await this.website(conversation.websiteId);
    const aiAssistantId = assistantIn(roster);
    return {
      conversationId: conversation.id,
      websiteId: conversation.websiteId,
      visitorId: conversation.visitorId,
      roster,
      rosterRevision,
      settings,
      ...(settingsRevision === undefined ? {} : { settingsRevision }),
      ...(aiAssistantId ? { aiAssistantId } : {}),
    };
  }

  /** Reads the website's team and settings afresh next time (this instance changed them). */
  forget(websiteId: string): void {
    this.websites.delete(websiteId);
  }

  private async website(websiteId: string): Promise<WebsiteStart> {
    const cached = this.websites.get(websiteId);
    if (cached && cached.until > Date.now()) return cached.start;
    const [team, { settings, revision }] = await Promise.all([loadRoster(this.store, websiteId), loadWorkflowSettings(this.store, websiteId)]);
    const start = { roster: team.roster, rosterRevision: team.revision, settings, ...(revision === undefined ? {} : { settingsRevision: revision }) };
    // Other instances' changes reach new workflows once this expires; the website changes workflow tells those started meanwhile.
    this.websites.set(websiteId, { start, until: Date.now() + WEBSITE_CACHE_MS });
    return start;
  }
}
