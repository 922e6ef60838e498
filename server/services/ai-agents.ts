/** AI assistant configurations, kept as website settings (one per assistant). */
import type { Store } from '../../activities/store';
import { defaultAssistantConfig } from '../../activities/ai/config';
import type { AssistantConfig } from '../../domain/assistant';

export const assistantSettingKey = (assistantId: string): string => `aiAgent:${assistantId}`;

/** The stored configuration, or the defaults under this assistant's id and name when none is stored yet. */
export async function assistantConfig(store: Pick<Store, 'getSetting'>, websiteId: string, member: { id: string; name: string }): Promise<AssistantConfig> {
  return (await store.getSetting<AssistantConfig>(websiteId, assistantSettingKey(member.id))) ?? defaultAssistantConfig({ id: member.id, name: member.name });
}
