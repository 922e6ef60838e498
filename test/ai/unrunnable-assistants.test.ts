import { describe, expect, it } from 'vitest';
import { assistantSettingKey, defaultAssistantConfig, warnOfUnrunnableAssistants } from '../../activities/ai';
import type { TeamMember } from '../../domain/people';
import { recordingLog } from '../support/log-lines';

const member = (id: string, kind: TeamMember['kind']): TeamMember => ({ id, websiteId: 'web_1', name: id, kind, teams: [], capacity: 10 });

/** A website with a person, an assistant stored with an OpenAI model and one left at its defaults (rule-based). */
function storeOf() {
  const members = [member('alex', 'human'), member('ai_openai', 'ai'), member('ai_rules', 'ai')];
  const settings = new Map<string, unknown>([[assistantSettingKey('ai_openai'), defaultAssistantConfig({ id: 'ai_openai', model: 'openai:gpt-4o-mini' })]]);
  return {
    listTeamMembers: async () => members,
    getTeamMember: async (id: string) => members.find((m) => m.id === id) ?? null,
    getSetting: async <T>(_websiteId: string, key: string) => settings.get(key) as T | undefined,
  };
}

describe('warnOfUnrunnableAssistants', () => {
  it('warns once for each assistant whose model the server cannot run, naming it and the missing setting', async () => {
    const { log, lines } = recordingLog();
    await warnOfUnrunnableAssistants(storeOf(), 'web_1', {}, log);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, websiteId: 'web_1', assistantId: 'ai_openai', model: 'openai:gpt-4o-mini', msg: expect.stringContaining('needs OPENAI_API_KEY') }),
    ]);
  });

  it('says nothing when every assistant can run', async () => {
    const { log, lines } = recordingLog();
    await warnOfUnrunnableAssistants(storeOf(), 'web_1', { apiKey: 'sk-test' }, log);
    expect(lines).toEqual([]);
  });
});
