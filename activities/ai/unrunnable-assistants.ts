/**
 * At start: one warning for each AI assistant of a website whose stored model this server cannot
 * run (an `openai:` model without OPENAI_API_KEY). Nothing refuses it any more once stored, and each
 * of its turns would hand the conversation to the team: the operator should hear of it before then.
 */
import type { Logger } from 'pino';
import type { Store } from '../store';
import { modelProblem, type OpenAiSettings } from './resolve-model';
import { loadAssistantConfig } from './store-lookups';

export async function warnOfUnrunnableAssistants(
  store: Pick<Store, 'listTeamMembers' | 'getTeamMember' | 'getSetting'>,
  websiteId: string,
  openai: Pick<OpenAiSettings, 'apiKey'>,
  log: Pick<Logger, 'warn'>,
): Promise<void> {
  const assistants = (await store.listTeamMembers(websiteId)).filter((member) => member.kind === 'ai');
  for (const { id } of assistants) {
    const config = await loadAssistantConfig(store, id);
    const problem = config && modelProblem(config.model, openai);
    if (problem) log.warn({ websiteId, assistantId: id, model: config.model }, `AI assistant ${id}: ${problem}. Until then each of its turns hands the conversation to the team`);
  }
}
