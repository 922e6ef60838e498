import { describe, expect, it } from 'vitest';
import { editDistance, unknownVariables } from '../../runtime/unknown-variables';

describe('unknownVariables', () => {
  it('names a misspelt setting with the one likely meant', () => {
    expect(unknownVariables({ TEMPORAL_ADRESS: 'foo:7233', LOG_LEVL: 'debug', PLUGIN: './x', PUBLICKEY: 'pk_x' })).toEqual([
      { name: 'LOG_LEVL', meant: 'LOG_LEVEL' },
      { name: 'PLUGIN', meant: 'PLUGINS' },
      { name: 'PUBLICKEY', meant: 'PUBLIC_KEY' },
      { name: 'TEMPORAL_ADRESS', meant: 'TEMPORAL_ADDRESS' },
    ]);
  });

  it('names another spelling under the prefix of a service it configures, with the setting when near enough', () => {
    expect(unknownVariables({ MONGO_URI: 'mongodb://x', OPENAI_KEY: 'k', OPENAI_ORG: 'o', WEBHOOK_TIMEOUT: '5000', WEBHOOK_SECRET: 's' })).toEqual([
      { name: 'MONGO_URI', meant: 'MONGODB_URI' },
      { name: 'OPENAI_KEY', meant: 'OPENAI_API_KEY' },
      { name: 'OPENAI_ORG' },
      { name: 'WEBHOOK_SECRET' },
      { name: 'WEBHOOK_TIMEOUT', meant: 'WEBHOOK_TIMEOUT_MS' },
    ]);
  });

  it('leaves the settings themselves and unrelated variables alone', () => {
    const env = { PORT: '1', MONGODB_URI: 'x', CPU_PROFILE_DIR: '/tmp', PATH: '/bin', HOME: '/root', HOSTNAME: 'h', NODE_OPTIONS: '', NODE_ENV: 'production', npm_config_cache: '', npm_lifecycle_event: 'start', TMPDIR: '/tmp', MONGO_INITDB_ROOT_USERNAME: 'root' };
    expect(unknownVariables(env)).toEqual([]);
  });

  it('counts edits as Levenshtein does', () => {
    expect(editDistance('HOME', 'HOST')).toBe(2);
    expect(editDistance('TEMPORAL_ADRESS', 'TEMPORAL_ADDRESS')).toBe(1);
    expect(editDistance('', 'PORT')).toBe(4);
  });
});
