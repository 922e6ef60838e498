/**
 * A start warns of an assistant stored with a model this server cannot run (an `openai:` model, the
 * key since removed): until someone acts, each of its turns hands the conversation to the team.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assistantSettingKey, loadAssistantConfig } from '../../activities/ai';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { recordingLog } from '../support/log-lines';
import { startTestApp } from '../server/support/app';

describe('start-up', () => {
  it('warns of an assistant whose model the server cannot run, naming it and the setting', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'unrunnable-assistant-'));
    try {
      // One store for both starts: on disk, and one database (tests otherwise get a new one per start).
      const onDisk = { env: { EMBEDDED_MONGO_MEMORY: 'false', DATA_DIR: dataDir, MONGODB_DB: 'unrunnable_assistant' } };
      const first = await startTestApp(undefined, onDisk);
      try {
        const config = await loadAssistantConfig(first.store, DEFAULT_ASSISTANT_ID);
        // As a server with OPENAI_API_KEY saved it; this one has none.
        await first.store.putSetting(first.websiteId, assistantSettingKey(DEFAULT_ASSISTANT_ID), { ...config, model: 'openai:gpt-4o-mini' });
      } finally {
        await first.close();
      }

      const { log, lines } = recordingLog('warn');
      const second = await startTestApp(undefined, { ...onDisk, log });
      await second.close();
      const warnings = lines.filter((line) => line.level === 40 && line.assistantId === DEFAULT_ASSISTANT_ID);
      expect(warnings).toEqual([expect.objectContaining({ model: 'openai:gpt-4o-mini', msg: expect.stringContaining('OPENAI_API_KEY') })]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
