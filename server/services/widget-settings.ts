/**
 * What `GET /v1/websites` (the widget's first call, on every page view) reads of a website's
 * settings: its routing rules and its AI assistant's configuration, kept per website for at most
 * WIDGET_SETTINGS_TTL_MS. Dropped at once when they change: by the instance whose route changed
 * them, and on every other by the change feed's `websiteChanged`; the TTL bounds how long a word
 * that never came (a change stream reopened) leaves a website's widget with older settings.
 */
import { configOfAssistant, loadRoutingRules } from '../../activities/ai';
import type { Store } from '../../activities/store';
import type { AssistantConfig } from '../../domain/assistant';
import type { TeamMember } from '../../domain/people';
import type { RoutingRules } from '../../workflows/routing/team-rules';
import { TtlCache } from '../ttl-cache';

export const WIDGET_SETTINGS_TTL_MS = 10_000;
const MAX_WEBSITES = 10_000;

interface WidgetSettingsOf {
  rules: RoutingRules;
  /** The assistant they were read for (the team is read on every call): another one's are read anew. */
  assistantId?: string;
  config?: AssistantConfig;
}

export class WidgetSettings {
  private readonly websites = new TtlCache<WidgetSettingsOf>({ ttlMs: WIDGET_SETTINGS_TTL_MS, maxEntries: MAX_WEBSITES, missTtlMs: 0, maxMisses: 0 });

  constructor(private readonly store: Pick<Store, 'getSetting'>) {}

  async of(websiteId: string, assistant: TeamMember | undefined): Promise<Omit<WidgetSettingsOf, 'assistantId'>> {
    const load = async (): Promise<WidgetSettingsOf> => {
      const [rules, config] = await Promise.all([loadRoutingRules(this.store, websiteId), assistant && configOfAssistant(this.store, assistant)]);
      return { rules, assistantId: assistant?.id, config };
    };
    const kept = await this.websites.get(websiteId, load);
    if (kept.assistantId === assistant?.id) return kept;
    this.forget(websiteId);
    return this.websites.get(websiteId, load);
  }

  /** Reads the website's settings afresh next time (they changed). */
  forget(websiteId: string): void {
    this.websites.forget(websiteId);
  }
}
