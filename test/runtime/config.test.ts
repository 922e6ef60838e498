import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config';

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
});
