/**
 * The default configuration: one website with the configured (or generated) keys, a human team
 * member and an AI assistant with its configuration. Existing records are left as they are.
 */
import { defaultAssistantConfig } from '../activities/ai/config';
import type { Store } from '../activities/store';
import type { TeamMember, Website } from '../domain/people';
import { assistantSettingKey } from '../server/services/ai-agents';
import type { WebsiteKeys } from './keys';

export const DEFAULT_WEBSITE_ID = 'web_default';
export const DEFAULT_AGENT_ID = 'agent_alex';
export const DEFAULT_ASSISTANT_ID = 'ai_assistant';

export async function seedDefaults(store: Store, keys: WebsiteKeys, allowedOrigins: string[]): Promise<Website> {
  const website = await store.ensureWebsite({
    id: DEFAULT_WEBSITE_ID,
    name: 'Acme Cloud Notes',
    ...keys,
    allowedOrigins,
    createdAt: new Date().toISOString(),
  });
  if ((await store.listTeamMembers(website.id)).length === 0) {
    const members: TeamMember[] = [
      { id: DEFAULT_AGENT_ID, websiteId: website.id, name: 'Alex (Support)', kind: 'human', teams: ['support'], capacity: 10 },
      { id: DEFAULT_ASSISTANT_ID, websiteId: website.id, name: 'Acme Assistant', kind: 'ai', teams: [], capacity: 1_000 },
    ];
    for (const member of members) await store.upsertTeamMember(member);
  }
  const settingKey = assistantSettingKey(DEFAULT_ASSISTANT_ID);
  if ((await store.getSetting(website.id, settingKey)) === undefined) {
    await store.putSetting(website.id, settingKey, defaultAssistantConfig({ id: DEFAULT_ASSISTANT_ID, name: 'Acme Assistant' }));
  }
  return website;
}
