/**
 * What a conversation's workflow is started with: the website's roster (humans and AI), its
 * lifecycle settings and the AI assistant that takes new conversations. Both are cached briefly
 * per website: they are read on every message that might have to start a workflow.
 */
import type { Store } from '../../activities/store';
import type { ConversationStartInput } from '../../runtime/conversation-engine';
import type { LifecycleSettings, RosterMember } from '../../workflows/conversation/definitions';
import { loadLifecycleSettings, workflowSettings } from './lifecycle-settings';

/** Changes to the team or the settings reach new workflows within this long on other instances (at once on the one that made them, for settings). */
const CACHE_TTL_MS = 5_000;

export interface ConversationRef {
  id: string;
  websiteId: string;
  visitorId: string;
}

/** What a website's conversations start with, read together. */
interface WebsiteStart {
  roster: RosterMember[];
  settings: LifecycleSettings;
}

export class WorkflowStarts {
  private readonly websites = new Map<string, { start: WebsiteStart; until: number }>();

  constructor(private readonly store: Pick<Store, 'listTeamMembers' | 'getSetting'>) {}

  async roster(websiteId: string): Promise<RosterMember[]> {
    return (await this.website(websiteId)).roster;
  }

  async inputFor(conversation: ConversationRef): Promise<ConversationStartInput> {
    const { roster, settings } = await this.website(conversation.websiteId);
    const aiAssistantId = roster.find((member) => member.kind === 'ai')?.id;
    return {
      conversationId: conversation.id,
      websiteId: conversation.websiteId,
      visitorId: conversation.visitorId,
      roster,
      settings,
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
    const [members, view] = await Promise.all([this.store.listTeamMembers(websiteId), loadLifecycleSettings(this.store, websiteId)]);
    const start = { roster: members.map(({ id, kind }) => ({ id, kind })), settings: workflowSettings(view) };
    this.websites.set(websiteId, { start, until: Date.now() + CACHE_TTL_MS });
    return start;
  }
}
