import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

  it('ends a workflow engine thread stuck in one workflow\'s code after 5 s unless told otherwise, 0 meaning never', () => {
    expect(loadConfig({}).workflowCodeTimeoutMs).toBe(5_000);
    expect(loadConfig({ WORKFLOW_CODE_TIMEOUT_MS: '30000' }).workflowCodeTimeoutMs).toBe(30_000);
    expect(loadConfig({ WORKFLOW_CODE_TIMEOUT_MS: '0' }).workflowCodeTimeoutMs).toBe(Infinity);
    for (const bad of ['50', '-1', '1.5', '600001', 'soon']) {
      expect(() => loadConfig({ WORKFLOW_CODE_TIMEOUT_MS: bad })).toThrow(/WORKFLOW_CODE_TIMEOUT_MS/);
    }
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
    for (const kernel of ['/proc/self/data', '/sys', '/dev/shm/../null', '/srv/../proc/x']) {
      expect(() => loadConfig({ DATA_DIR: kernel })).toThrow("DATA_DIR: not under /proc, /sys or /dev (the kernel's file systems; /dev/shm is fine)");
    }
    expect(loadConfig({ DATA_DIR: '/procedures' }).dataDir).toBe('/procedures');
    expect(loadConfig({ DATA_DIR: '/dev/shm/support' }).dataDir).toBe('/dev/shm/support');
  });

  it('refuses a data directory a symlink leads into the kernel\'s file systems, and takes one not made yet', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'data-dir-'));
    try {
      symlinkSync('/proc', path.join(dir, 'proc'));
      symlinkSync(path.join(dir, 'proc'), path.join(dir, 'chain'));
      symlinkSync('/dev/shm', path.join(dir, 'shm'));
      // Links to where nothing is yet, the start would make the folders there.
      symlinkSync('/proc/nonexistent/data', path.join(dir, 'dangling'));
      symlinkSync(path.join(dir, 'dangling'), path.join(dir, 'to-dangling'));
      for (const kernel of ['proc', 'proc/support/data', 'chain/self', 'proc/../chain', 'dangling', 'to-dangling/more']) {
        expect(() => loadConfig({ DATA_DIR: path.join(dir, kernel) }), kernel).toThrow("DATA_DIR: not under /proc, /sys or /dev (the kernel's file systems; /dev/shm is fine)");
      }
      symlinkSync(path.join(dir, 'made-later'), path.join(dir, 'ahead'));
      for (const fine of ['shm/support', 'not/made/yet', 'ahead/data']) {
        expect(loadConfig({ DATA_DIR: path.join(dir, fine) }).dataDir, fine).toBe(path.join(dir, fine));
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('takes a JSON body limit of at most 1 MiB, as a message must fit a Temporal payload', () => {
    expect(loadConfig({ JSON_BODY_LIMIT_BYTES: '1048576' }).limits.jsonBodyBytes).toBe(1_048_576);
    expect(() => loadConfig({ JSON_BODY_LIMIT_BYTES: '1048577' })).toThrow(/JSON_BODY_LIMIT_BYTES: at most 1048576 \(1 MiB\)/);
  });

  it('takes a port from 0 to 65535', () => {
    expect(loadConfig({ PORT: '65535' }).port).toBe(65_535);
    for (const bad of ['65536', '99999', '-1', 'abc']) expect(() => loadConfig({ PORT: bad })).toThrow(/PORT/);
  });

  it('takes numbers in plain decimal only, naming the variable, its range and what it got', () => {
    expect(loadConfig({ PORT: ' 8080 ' }).port).toBe(8_080);
    expect(() => loadConfig({ PORT: '0x1' })).toThrow('PORT: expected an integer from 0 to 65535, got "0x1"');
    for (const bad of ['0x1F90', '8e3', '8080.0', '+8080', 'Infinity']) expect(() => loadConfig({ PORT: bad })).toThrow(`PORT: expected an integer from 0 to 65535, got "${bad}"`);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '0b1010' })).toThrow('SHUTDOWN_TIMEOUT_MS: expected an integer from 0 to 600000, got "0b1010"');
    expect(() => loadConfig({ WORKFLOW_CACHE_SIZE: '1e3' })).toThrow('WORKFLOW_CACHE_SIZE: expected an integer from 1 to 1000000');
    expect(() => loadConfig({ FILE_UPLOAD_BYTES_PER_IP_PER_DAY: '1e12' })).toThrow('FILE_UPLOAD_BYTES_PER_IP_PER_DAY: expected an integer');
  });

  it('trims the Temporal namespace and task queue, as another queue name would be polled by no worker', () => {
    expect(loadConfig({ TEMPORAL_TASK_QUEUE: ' q ', TEMPORAL_NAMESPACE: ' ns ' }).temporal).toMatchObject({ taskQueue: 'q', namespace: 'ns' });
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
      RATE_LIMIT_VISITOR_RANGES_PER_SECOND: 1_000_000,
      RATE_LIMIT_VISITOR_RANGES_BURST: 1_000_000,
      RATE_LIMIT_VISITOR_CONVERSATIONS_PER_HOUR: 1_000_000,
      RATE_LIMIT_IP_CONVERSATIONS_PER_HOUR: 1_000_000,
      RATE_LIMIT_AGENT_SEARCHES_PER_SECOND: 1_000_000,
      RATE_LIMIT_AGENT_SEARCHES_BURST: 1_000_000,
      WS_FRAMES_PER_SECOND: 1_000_000,
      WS_FRAMES_BURST: 1_000_000,
      WS_MAX_SOCKETS_PER_VISITOR: 10_000,
      WS_MAX_SOCKETS_PER_IP: 1_000_000,
      FILE_UNATTACHED_HOURS: 24 * 365,
      FILE_UPLOAD_BYTES_PER_VISITOR_PER_DAY: 1_024 ** 4,
      FILE_UPLOAD_BYTES_PER_IP_PER_DAY: 1_024 ** 4,
    };
    for (const [name, max] of Object.entries(maxima)) expectMaximum(name, max);
  });

  it('takes upload quotas of at least FILE_MAX_BYTES, a day\'s worth regained over the day; unset, at least FILE_MAX_BYTES too', () => {
    const MiB = 1_024 ** 2;
    expect(loadConfig({}).limits.uploadQuota).toEqual({ visitor: { perSecond: (100 * MiB) / 86_400, burst: 100 * MiB }, ip: { perSecond: (500 * MiB) / 86_400, burst: 500 * MiB } });
    expect(loadConfig({ FILE_MAX_BYTES: String(200 * MiB) }).limits.uploadQuota.visitor.burst).toBe(200 * MiB);
    expect(loadConfig({ FILE_MAX_BYTES: '2000', FILE_UPLOAD_BYTES_PER_IP_PER_DAY: '2000' }).limits.uploadQuota.ip.burst).toBe(2_000);
    expect(() => loadConfig({ FILE_MAX_BYTES: '2000', FILE_UPLOAD_BYTES_PER_VISITOR_PER_DAY: '1999' })).toThrow(
      'FILE_UPLOAD_BYTES_PER_VISITOR_PER_DAY: at least FILE_MAX_BYTES (2000): a file of that size could never be uploaded',
    );
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

  it('takes ALLOWED_ORIGINS=* as any origin, and unset or blank as the stored list', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: '*' }).allowedOrigins).toEqual([]);
    expect(loadConfig({ ALLOWED_ORIGINS: ' ' }).allowedOrigins).toBeUndefined();
    expect(loadConfig({}).allowedOrigins).toBeUndefined();
  });

  it('refuses a list that names nothing where one is needed, naming the variable', () => {
    expect(() => loadConfig({ FILE_MEDIA_TYPES: ' , ' })).toThrow(/FILE_MEDIA_TYPES: names nothing/);
  });

  it('takes MONGODB_DB only as a name MongoDB takes', () => {
    expect(loadConfig({ MONGODB_DB: 'support_2' }).store.dbName).toBe('support_2');
    expect(loadConfig({ MONGODB_DB: 'é'.repeat(31) }).store.dbName).toHaveLength(31);
    for (const bad of ['a/b', 'a\\b', 'a.b', 'a b', 'a"b', 'a$b', 'a\0b', 'x'.repeat(64), 'é'.repeat(32)]) {
      expect(() => loadConfig({ MONGODB_DB: bad }), bad).toThrow(/MONGODB_DB: a MongoDB database name/);
    }
  });

  it('takes ALLOWED_ORIGINS entries only as origins, and refuses a wildcard in one saying that * alone allows any', () => {
    const origins = 'https://shop.example, http://localhost:8080, https://Shop.Example/, capacitor://localhost';
    expect(loadConfig({ ALLOWED_ORIGINS: origins }).allowedOrigins).toEqual(['https://shop.example', 'http://localhost:8080', 'https://Shop.Example/', 'capacitor://localhost']);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://a.example,*' })).toThrow('ALLOWED_ORIGINS.1: *: no wildcards in an origin (ALLOWED_ORIGINS=* alone allows any origin)');
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://a.example,https://*.example' })).toThrow(/ALLOWED_ORIGINS.1: .*\* alone allows any origin/);
    // A path, a default port a browser never sends, a bare host, credentials: none is what `Origin` says.
    for (const bad of ['https://shop.example/widget', 'https://shop.example:443', 'shop.example', 'https://me@shop.example', 'https://shop.example?x=1']) {
      expect(() => loadConfig({ ALLOWED_ORIGINS: bad }), bad).toThrow(`ALLOWED_ORIGINS.0: ${bad} is not an origin`);
    }
  });

  it('takes FILE_MEDIA_TYPES entries only as type/subtype', () => {
    expect(loadConfig({ FILE_MEDIA_TYPES: 'application/vnd.ms-excel,image/svg+xml' }).limits.fileMediaTypes).toEqual(['application/vnd.ms-excel', 'image/svg+xml']);
    for (const bad of ['image/*', '*/*', 'image', 'text/plain; charset=utf-8', 'image/png/x']) {
      expect(() => loadConfig({ FILE_MEDIA_TYPES: bad }), bad).toThrow(`FILE_MEDIA_TYPES.0: ${bad} is not a media type`);
    }
  });

  it('takes OPENAI_BASE_URL only over http or https', () => {
    for (const url of ['http://127.0.0.1:11434/v1', 'http://ollama:11434/v1', 'https://api.openai.com/v1']) expect(loadConfig({ OPENAI_BASE_URL: url }).openai.baseUrl).toBe(url);
    for (const bad of ['ftp://models.example/v1', 'file:///etc/passwd', 'javascript:alert(1)', 'api.openai.com/v1']) {
      expect(() => loadConfig({ OPENAI_BASE_URL: bad }), bad).toThrow(/OPENAI_BASE_URL: an http:\/\/ or https:\/\/ URL/);
    }
  });

  it('takes IDENTITY_SECRET only with 16 characters besides blanks around them', () => {
    expect(loadConfig({ IDENTITY_SECRET: 'a'.repeat(16) }).keys.identitySecret).toBe('a'.repeat(16));
    expect(() => loadConfig({ IDENTITY_SECRET: `  ${'a'.repeat(15)}  ` })).toThrow(/IDENTITY_SECRET: at least 16 characters/);
  });

  it('takes TRUST_PROXY as a hop count or what Express trusts (addresses, subnets, names), loopback by default', () => {
    expect(loadConfig({}).limits.trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '2' }).limits.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 172.16.0.0/12, fc00::/7, uniquelocal, 10.1.2.3' }).limits.trustProxy).toEqual(['loopback', '172.16.0.0/12', 'fc00::/7', 'uniquelocal', '10.1.2.3']);
    for (const [bad, message] of [
      ['docker', 'invalid IP address: docker'],
      ['10.0.0.0/33', 'invalid range on address: 10.0.0.0/33'],
      ['loopback,*', 'invalid IP address: *'],
      ['11', 'at most 10 hops'],
      [' , ', 'names nothing: 0 trusts no proxy'],
    ]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(`TRUST_PROXY: ${message}`);
    }
  });
});
