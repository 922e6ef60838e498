import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config';

/** Takes `max` for the variable, and refuses one more with a message naming the variable and why. */
function expectMaximum(name: string, max: number): void {
  expect(() => loadConfig({ [name]: String(max) }), name).not.toThrow();
  expect(() => loadConfig({ [name]: String(max + 1) })).toThrow(`${name}: at most ${max} (`);
}

describe('loadConfig', () => {
  it('reads allowed file media types case-insensitively, as requests are compared', () => {
    expect(loadConfig({ FILE_MEDIA_TYPES: 'Image/PNG, text/plain' }).limits.fileMediaTypes).toEqual(['image/png', 'text/plain']);
  });

  it('takes the workflow cache size as a whole number of at least 1, and leaves it to the engine when absent', () => {
    expect(loadConfig({ WORKFLOW_CACHE_SIZE: '200' }).workflowCacheSize).toBe(200);
    expect(loadConfig({}).workflowCacheSize).toBeUndefined();
    for (const bad of ['0', '-3', '1.5', 'many']) {
      expect(() => loadConfig({ WORKFLOW_CACHE_SIZE: bad })).toThrow(/WORKFLOW_CACHE_SIZE/);
    }
  });

  it('keeps the workflows of a Temporal dev server in the data directory, unless the data is kept in memory', () => {
    expect(loadConfig({ DATA_DIR: '/srv/support' }).temporal.dbFilename).toBe('/srv/support/temporal/dev-server.db');
    expect(loadConfig({ DATA_DIR: '/srv/support', EMBEDDED_MONGO_MEMORY: 'true' }).temporal.dbFilename).toBeUndefined();
  });

  it('takes a JSON body limit of at most 1 MiB, as a message must fit a Temporal payload', () => {
    expect(loadConfig({ JSON_BODY_LIMIT_BYTES: '1048576' }).limits.jsonBodyBytes).toBe(1_048_576);
    expect(() => loadConfig({ JSON_BODY_LIMIT_BYTES: '1048577' })).toThrow(/JSON_BODY_LIMIT_BYTES: at most 1048576 \(1 MiB\)/);
  });

  it('takes a port from 0 to 65535', () => {
    expect(loadConfig({ PORT: '65535' }).port).toBe(65_535);
    for (const bad of ['65536', '99999', '-1', 'abc']) expect(() => loadConfig({ PORT: bad })).toThrow(/PORT/);
  });

  it('refuses durations past their maximum, naming the variable: Node would run a timer over 2^31-1 ms after 1 ms', () => {
    const maxima = { WS_HEARTBEAT_MS: 600_000, SHUTDOWN_TIMEOUT_MS: 600_000, SHUTDOWN_IDLE_GRACE_MS: 60_000 };
    for (const [name, max] of Object.entries(maxima)) {
      expectMaximum(name, max);
      expect(() => loadConfig({ [name]: '3000000000' })).toThrow(`${name}: at most ${max} (`);
    }
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '600000' }).limits.shutdown.timeoutMs).toBe(600_000);
  });

  it('refuses sizes and rates past where they stop making sense, naming the variable', () => {
    const maxima = {
      FILE_MAX_BYTES: 1_024 ** 3,
      WS_MAX_BUFFERED_BYTES: 64 * 1_024 ** 2,
      WS_MAX_FRAME_BYTES: 1_024 ** 2,
      RATE_LIMIT_IP_PER_SECOND: 1_000_000,
      RATE_LIMIT_IP_BURST: 1_000_000,
      RATE_LIMIT_VISITOR_PER_SECOND: 1_000_000,
      RATE_LIMIT_VISITOR_BURST: 1_000_000,
      WS_FRAMES_PER_SECOND: 1_000_000,
      WS_FRAMES_BURST: 1_000_000,
      FILE_UNATTACHED_HOURS: 24 * 365,
    };
    for (const [name, max] of Object.entries(maxima)) expectMaximum(name, max);
  });

  it('takes a variable set blank as unset, its default applying, as container platforms set them', () => {
    const blank = loadConfig({ PORT: '', HOST: '  ', DATA_DIR: '', SHUTDOWN_TIMEOUT_MS: '', FILE_MEDIA_TYPES: '', MONGODB_DB: ' ', IDENTITY_SECRET: '' });
    const unset = loadConfig({});
    expect(blank.port).toBe(3000);
    expect(blank.host).toBe('127.0.0.1');
    expect(blank.dataDir).toBe(unset.dataDir);
    expect(blank.limits.shutdown.timeoutMs).toBe(10_000);
    expect(blank.limits.fileMediaTypes).toEqual(unset.limits.fileMediaTypes);
    expect(blank.store.dbName).toBe('support');
    expect(blank.keys.identitySecret).toBeUndefined();
  });

  it('takes ALLOWED_ORIGINS set empty as any origin, and unset as the stored list', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: '' }).allowedOrigins).toEqual([]);
    expect(loadConfig({}).allowedOrigins).toBeUndefined();
  });

  it('refuses a list that names nothing where one is needed, naming the variable', () => {
    expect(() => loadConfig({ FILE_MEDIA_TYPES: ' , ' })).toThrow(/FILE_MEDIA_TYPES: names nothing/);
  });
});
