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
  config?: AssistantConfig;
}

export class WidgetSettings {
  private readonly websites = new TtlCache<WidgetSettingsOf>({ ttlMs: WIDGET_SETTINGS_TTL_MS, maxEntries: MAX_WEBSITES, missTtlMs: 0, maxMisses: 0 });

  constructor(private readonly store: Pick<Store, 'getSetting'>) {}

  /**
   * The website's settings, with `assistant`'s configuration (the team is read on every call). A
   * new or deleted assistant is a change of the team, whose `websiteChanged` forgets them too.
   */
  of(websiteId: string, assistant: TeamMember | undefined): Promise<WidgetSettingsOf> {
    return this.websites.get(websiteId, async () => {
      const [rules, config] = await Promise.all([loadRoutingRules(this.store, websiteId), assistant && configOfAssistant(this.store, assistant)]);
      return { rules, config };
    });
  }

  /** Reads the website's settings afresh next time (they changed). */
  forget(websiteId: string): void {
    this.websites.forget(websiteId);
  }
}
