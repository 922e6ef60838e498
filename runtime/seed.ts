/**
 * The default configuration: one website with the configured (or generated) keys, a human team
 * member and an AI assistant with its configuration (`defaultAssistantConfig`, stored where the AI
 * activities and `/v1/ai-agents` read it). Existing records are left as they are, but for the
 * website's configured keys and allowed origins.
 */
import { assistantSettingKey, defaultAssistantConfig } from '../activities/ai';
import type { ConfiguredWebsiteFields, Store } from '../activities/store';
import type { TeamMember, Website } from '../domain/people';
import { DEFAULT_ROUTING_RULES } from '../workflows/routing/team-rules';
import type { WebsiteKeys } from './keys';

export const DEFAULT_WEBSITE_ID = 'web_default';
export const DEFAULT_AGENT_ID = 'agent_alex';
export const DEFAULT_ASSISTANT_ID = 'ai_assistant';

const TEAMS = [DEFAULT_ROUTING_RULES.defaultTeam, ...DEFAULT_ROUTING_RULES.rules.map((rule) => rule.team)];

/**
 * `keys` are the default website's when it is created; `configured` (what the environment sets)
 * is applied to it on every start. `changed` names the configured fields that differed from the
 * stored website's.
 */
export async function seedDefaults(store: Store, keys: WebsiteKeys, configured: ConfiguredWebsiteFields): Promise<{ website: Website; changed: string[] }> {
  const before = await store.getWebsite(DEFAULT_WEBSITE_ID);
  const changed = before
    ? (Object.keys(configured) as Array<keyof ConfiguredWebsiteFields>).filter((field) => configured[field] !== undefined && JSON.stringify(configured[field]) !== JSON.stringify(before[field]))
    : [];
  const website = await store.ensureWebsite(
    { id: DEFAULT_WEBSITE_ID, name: 'Acme Cloud Notes', ...keys, allowedOrigins: [], createdAt: new Date().toISOString() },
    configured,
  );
  if ((await store.listTeamMembers(website.id)).length === 0) {
    const members: TeamMember[] = [
      // In every team the default routing rules name, so each escalation of the demo reaches Alex.
      { id: DEFAULT_AGENT_ID, websiteId: website.id, name: 'Alex (Support)', kind: 'human', teams: TEAMS, capacity: 10 },
      { id: DEFAULT_ASSISTANT_ID, websiteId: website.id, name: 'Acme Assistant', kind: 'ai', teams: [], capacity: 1_000 },
    ];
    for (const member of members) await store.upsertTeamMember(member);
  }
  const settingKey = assistantSettingKey(DEFAULT_ASSISTANT_ID);
  if ((await store.getSetting(website.id, settingKey)) === undefined) {
    await store.putSetting(website.id, settingKey, defaultAssistantConfig({ id: DEFAULT_ASSISTANT_ID, name: 'Acme Assistant' }));
  }
  return { website, changed };
}
