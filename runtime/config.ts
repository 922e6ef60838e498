/**
 * The product's configuration, read from environment variables and validated with zod. Every
 * setting has a default that runs the whole product on embedded infrastructure.
 */
import { readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ShutdownOptions } from '../server/app';
import { proxyTrust, type TrustProxy } from '../server/client-ip';
import type { WebhookSettings } from '../server/webhooks/deliverer';
import { ConfigurationError } from './setting-errors';

/**
 * A whole number from `min` to `max`, written in plain decimal: `Number()` would also read `0x1F90`
 * as 8080, `8e3` as 8000 and `0b1010` as 10, so a typo could start the server on another port. The
 * value is repeated in the message: no number setting is a secret. `why` says why no larger one.
 */
const wholeNumber = (min: number, max: number, why = '') =>
  z
    .string()
    .trim()
    .refine((value) => /^-?\d+$/.test(value), { error: (issue) => `expected an integer from ${min} to ${max}, got ${JSON.stringify(issue.input)}`, abort: true })
    .transform(Number)
    .pipe(z.number().min(min, `at least ${min}`).max(max, `at most ${max}${why ? ` ${why}` : ''}`));
const int = (min: number, max: number, fallback: number, why: string) => wholeNumber(min, max, why).default(fallback);
/**
 * Node runs a timer set past 2^31-1 ms after 1 ms instead, so every duration has a maximum, well
 * under that, where a longer one stops making sense.
 */
const MINUTE_MS = 60_000;
const rate = (fallback: number) => int(1, 1_000_000, fallback, '(more than any instance serves in a second: no limit at all)');
const hourly = (fallback: number) => int(1, 1_000_000, fallback, '(an hour\'s worth of more than any instance serves: no limit at all)');
/** An hour's worth, any of it at once: the bucket holds `perHour` and regains them over the hour. */
const perHour = (perHour: number): RateConfig => ({ perSecond: perHour / 3_600, burst: perHour });
/** A day's worth, any of it at once, regained over the day. */
const perDay = (perDay: number): RateConfig => ({ perSecond: perDay / 86_400, burst: perDay });
const MiB = 1_024 ** 2;
/**
 * Bytes uploaded in a day: at least one upload of the largest size allowed (checked against
 * FILE_MAX_BYTES below). Unset, its default, or FILE_MAX_BYTES when that is larger: a setting of
 * FILE_MAX_BYTES made before the quotas existed keeps working.
 */
const MAX_DAILY_BYTES = 1_024 ** 4;
const dailyBytes = wholeNumber(1, MAX_DAILY_BYTES, '(a TiB a day: no limit at all)').optional();
const UPLOAD_BYTES_PER_VISITOR_PER_DAY = 100 * MiB;
const UPLOAD_BYTES_PER_IP_PER_DAY = 500 * MiB;
const optionalString = z.string().trim().optional();
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const splitList = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);
const list = (fallback: string) => z.string().default(fallback).transform(splitList);
const nonEmptyList = (fallback: string, entry: z.ZodType<string, string>) => list(fallback).pipe(z.array(entry).min(1, 'names nothing: leave it unset for the default'));
/** MongoDB's rule for a database name: none of `/\. "$` and NUL, at most 63 bytes. */
const mongoDbName = z
  .string()
  .regex(/^[^/\\. "$\0]+$/, 'a MongoDB database name holds none of / \\ . space " $ and NUL')
  .refine((name) => Buffer.byteLength(name) <= 63, 'a MongoDB database name is at most 63 bytes');
/**
 * An origin as a browser's `Origin` header spells it (scheme://host[:port], nothing after), as the
 * widget's calls are compared with it; a scheme without a standard origin (an app's webview,
 * `capacitor://localhost`) spelt the same way.
 */
function isOrigin(entry: string): boolean {
  if (!URL.canParse(entry)) return false;
  const url = new URL(entry);
  const origin = url.origin === 'null' ? `${url.protocol}//${url.host}` : url.origin;
  return entry.replace(/\/$/, '').toLowerCase() === origin.toLowerCase();
}
const origin = z
  .string()
  .refine((entry) => !entry.includes('*'), { error: (issue) => `${String(issue.input)}: no wildcards in an origin (ALLOWED_ORIGINS=* alone allows any origin)`, abort: true })
  .refine(isOrigin, { error: (issue) => `${String(issue.input)} is not an origin: scheme://host[:port], nothing after` });
/** RFC 6838's `type/subtype`, as requests' Content-Type is compared with it (lower-cased): no wildcard, no parameters. */
const mediaType = z.string().toLowerCase().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, { error: (issue) => `${String(issue.input)} is not a media type: type/subtype, no wildcard or parameters` });
/** More hops than a request crosses proxies would believe an address the client itself wrote. */
const MAX_PROXY_HOPS = 10;
/** TRUST_PROXY: a hop count, or what proxy-addr reads, checked by compiling it as the server will. */
function readTrustProxy(value: string, ctx: z.RefinementCtx): TrustProxy {
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_PROXY_HOPS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_PROXY_HOPS} hops: more would believe what a client wrote` });
    return hops;
  }
  const entries = splitList(value);
  if (entries.length === 0) ctx.addIssue({ code: 'custom', message: 'names nothing: 0 trusts no proxy' });
  try {
    proxyTrust(entries);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${(err as Error).message}: give a hop count, or addresses, CIDR subnets, loopback, linklocal and uniquelocal` });
  }
  return entries;
}
/**
 * The largest JSON body the configuration allows: a message's fields travel in a workflow signal, and
 * Temporal refuses a payload over 2 MB (the signal outbox would then retry it forever).
 */
const MAX_JSON_BODY_BYTES = 1_024 * 1_024;
/** The longest website key the configuration takes, after its `pk_`/`sk_` prefix. */
export const MAX_KEY_CHARS = 200;

/** Links followed by hand before a path counts as a loop (Linux gives up after 40 too). */
const MAX_LINK_HOPS = 40;

const linkTarget = (at: string): string | undefined => {
  try {
    return readlinkSync(at);
  } catch {
    return undefined; // not a link, or nothing there
  }
};

/**
 * Where `dir` leads once symlinks are followed: the real path of its nearest existing ancestor with
 * the rest appended, since the data folder may not exist yet (the start makes it); a link to where
 * nothing is yet is followed by hand.
 */
function followedPath(dir: string, hops = 0): string {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      return path.join(realpathSync(at), ...missing);
    } catch (err) {
      const target = linkTarget(at);
      if (target !== undefined && hops < MAX_LINK_HOPS) return path.join(followedPath(path.resolve(path.dirname(at), target), hops + 1), ...missing);
      if (at === path.dirname(at)) throw err;
      missing.unshift(path.basename(at));
    }
  }
}

const envSchema = z.object({
  PORT: int(0, 65_535, 3000, '(the largest TCP port)'),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z
    .string()
    .default('./data')
    // The kernel's own file systems: no store belongs there, and making folders in /proc hangs Node's
    // recursive mkdir. /dev/shm is a RAM disk like any other. A symlink leading there counts too.
    .refine((dir) => !/^\/(proc|sys|dev(?!\/shm(\/|$)))(\/|$)/.test(followedPath(dir)), 'not under /proc, /sys or /dev (the kernel\'s file systems; /dev/shm is fine)'),
  /** Keep the embedded store in memory only (tests, benchmarks). */
  EMBEDDED_MONGO_MEMORY: flag.default(false),
  EMBEDDED_ENGINE_THREAD: flag.default(true),
  /** Live workflow instances kept in memory (Temporal's maxCachedWorkflows); the engine's default when absent. */
  WORKFLOW_CACHE_SIZE: wholeNumber(1, 1_000_000).optional(),
  /** How long one workflow's code may run without returning before the engine's thread is ended and started anew; 0: for ever. */
  WORKFLOW_CODE_TIMEOUT_MS: wholeNumber(0, 600_000)
    .refine((ms) => ms === 0 || ms >= 100, '0 (no limit) or at least 100')
    .default(5_000),
  MONGODB_URI: optionalString,
  MONGODB_DB: mongoDbName.default('support'),
  TEMPORAL_ADDRESS: optionalString,
  // Trimmed: a queue name with the blanks an env file left around it would be another queue, which no worker polls.
  TEMPORAL_NAMESPACE: z.string().trim().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().default('support-conversations'),
  TEMPORAL_CLI_PATH: optionalString,
  PUBLIC_KEY: z.string().regex(new RegExp(`^pk_[A-Za-z0-9_-]{8,${MAX_KEY_CHARS}}$`), `pk_ followed by 8 to ${MAX_KEY_CHARS} characters`).optional(),
  SECRET_KEY: z.string().regex(new RegExp(`^sk_[A-Za-z0-9_-]{16,${MAX_KEY_CHARS}}$`), `sk_ followed by 16 to ${MAX_KEY_CHARS} characters`).optional(),
  IDENTITY_SECRET: z
    .string()
    .refine((secret) => secret.trim().length >= 16, 'at least 16 characters besides blanks around them')
    .optional(),
  /** Origins the default website's widget may be used from (comma-separated); `*`: any (the website's list empty); unset: as stored. */
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((value) => (value === undefined ? undefined : value.trim() === '*' ? [] : splitList(value)))
    .pipe(z.array(origin).optional()),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
  /** A local demo: the start banner prints the secrets and an inbox link signing in with the secret key; default: when HOST is loopback. */
  DEMO_PAGES: flag.optional(),
  /** Third-party plugins (comma-separated specifiers: folders relative to the project root, or packages); see docs/plugins.md. */
  PLUGINS: list(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JSON_BODY_LIMIT_BYTES: int(1_024, MAX_JSON_BODY_BYTES, 100 * 1_024, '(1 MiB): a message travels in a workflow signal, and Temporal refuses one over 2 MB'),
  FILE_MAX_BYTES: int(1, 1_024 ** 3, 10 * 1_024 * 1_024, '(1 GiB): an upload must end within the 300 s Node gives a request'),
  FILE_MEDIA_TYPES: nonEmptyList('image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain', mediaType),
  FILE_UNATTACHED_HOURS: int(1, 24 * 365, 24, '(a year)'),
  /** Bytes a visitor, and the visitors of one IP together, may upload in a day (visitor ids cost nothing: the IP's bounds one attacker). */
  FILE_UPLOAD_BYTES_PER_VISITOR_PER_DAY: dailyBytes,
  FILE_UPLOAD_BYTES_PER_IP_PER_DAY: dailyBytes,
  RATE_LIMIT_IP_PER_SECOND: rate(100),
  RATE_LIMIT_IP_BURST: rate(200),
  /** Reverse proxies whose X-Forwarded-For names the caller for the per-IP limit (Express's `trust proxy`); by default one on this machine. */
  TRUST_PROXY: z.string().trim().default('loopback').transform(readTrustProxy),
  RATE_LIMIT_VISITOR_PER_SECOND: rate(10),
  RATE_LIMIT_VISITOR_BURST: rate(30),
  /** A visitor's range requests of a file it was served a range of lately (a media player buffering and seeking), before its own bucket. */
  RATE_LIMIT_VISITOR_RANGES_PER_SECOND: rate(10),
  RATE_LIMIT_VISITOR_RANGES_BURST: rate(100),
  /** Conversations a visitor, and the visitors of one IP together, may open in an hour (each a workflow that runs for days). */
  /** Searches (`GET /v1/conversations?q=`, each page) a team member, or the secret key without one, may make on an instance. */
  RATE_LIMIT_AGENT_SEARCHES_PER_SECOND: rate(2),
  RATE_LIMIT_AGENT_SEARCHES_BURST: rate(20),
  RATE_LIMIT_VISITOR_CONVERSATIONS_PER_HOUR: hourly(30),
  RATE_LIMIT_IP_CONVERSATIONS_PER_HOUR: hourly(600),
  WS_HEARTBEAT_MS: int(100, 10 * MINUTE_MS, 30_000, '(10 minutes): a dead socket or instance would go unnoticed for longer'),
  WS_MAX_BUFFERED_BYTES: int(1_024, 64 * 1_024 ** 2, 1_024 * 1_024, '(64 MiB): every slow socket may hold that much memory'),
  WS_MAX_FRAME_BYTES: int(1_024, 1_024 ** 2, 64 * 1_024, '(1 MiB): client frames are small (typing, seen, resume), and 4 times this is read'),
  WS_FRAMES_PER_SECOND: rate(20),
  WS_FRAMES_BURST: rate(60),
  /** Sockets one visitor may hold open at once on an instance (tabs, devices sharing a visitor id). */
  WS_MAX_SOCKETS_PER_VISITOR: int(1, 10_000, 20, '(every socket holds memory and is sent its visitor\'s events: no limit at all)'),
  /** Sockets one client IP may hold open at once on an instance, whoever opens them (visitor ids cost nothing). */
  WS_MAX_SOCKETS_PER_IP: int(1, 1_000_000, 500, '(more than an instance holds open: no limit at all)'),
  /** Webhooks may go to `http:` URLs and to loopback, private and link-local addresses (receivers on this machine or network). */
  WEBHOOK_ALLOW_PRIVATE_URLS: flag.default(false),
  WEBHOOK_TIMEOUT_MS: int(1_000, 60_000, 10_000, '(a minute): a slow endpoint holds a delivery slot that long'),
  SHUTDOWN_TIMEOUT_MS: int(0, 10 * MINUTE_MS, 10_000, '(10 minutes): a drain still running then is a hung one'),
  SHUTDOWN_IDLE_GRACE_MS: int(0, MINUTE_MS, 1_000, '(1 minute): it only lets a request already on its way arrive'),
}).superRefine((e, ctx) => {
  // A quota smaller than one upload allowed in size would refuse that upload for good.
  for (const name of ['FILE_UPLOAD_BYTES_PER_VISITOR_PER_DAY', 'FILE_UPLOAD_BYTES_PER_IP_PER_DAY'] as const) {
    if (e[name] !== undefined && e[name] < e.FILE_MAX_BYTES) ctx.addIssue({ code: 'custom', path: [name], message: `at least FILE_MAX_BYTES (${e.FILE_MAX_BYTES}): a file of that size could never be uploaded` });
  }
});

/** Every variable the configuration reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface RateConfig {
  perSecond: number;
  burst: number;
}

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  store: { mongodbUri?: string; dbName: string; memory: boolean };
  /** `dbFilename`: where a dev server started from `cliPath` keeps its workflows; none (in memory) when the data is kept in memory. */
  temporal: { address?: string; namespace: string; taskQueue: string; cliPath?: string; dbFilename?: string };
  /** The embedded workflow engine runs in a worker thread of its own (else on the server's thread). */
  engineThread: boolean;
  /** Live workflow instances kept; beyond it the least recently used idle one is dropped, rebuilt by replay when next needed. */
  workflowCacheSize?: number;
  /** The embedded engine's thread is ended when one workflow's code has run this long without returning; Infinity: never. */
  workflowCodeTimeoutMs: number;
  /** The default website's keys; generated and kept in DATA_DIR when absent. */
  keys: { publicKey?: string; secretKey?: string; identitySecret?: string };
  /** As configured; undefined when ALLOWED_ORIGINS is not set. */
  allowedOrigins: string[] | undefined;
  openai: { apiKey?: string; baseUrl?: string };
  /** The pages may be told the secret key (prefilled agent sign-in): only for a local demo. */
  demoPages: boolean;
  /** Plugin specifiers loaded after the built-in and example ones. */
  plugins: string[];
  logLevel: z.output<typeof envSchema>['LOG_LEVEL'];
  webhooks: WebhookSettings;
  limits: {
    jsonBodyBytes: number;
    fileMaxBytes: number;
    fileMediaTypes: string[];
    fileUnattachedMs: number;
    /** Bytes visitors may upload in a day, per visitor and per IP. */
    uploadQuota: { visitor: RateConfig; ip: RateConfig };
    ipRate: RateConfig;
    trustProxy: TrustProxy;
    visitorRate: RateConfig;
    visitorRangeRate: RateConfig;
    /** New conversations opened by visitors, per visitor and per IP. */
    conversationRate: { visitor: RateConfig; ip: RateConfig };
    searchRate: RateConfig;
    ws: { heartbeatMs: number; maxBufferedBytes: number; maxFrameBytes: number; frameRate: RateConfig; maxSocketsPerVisitor: number; maxSocketsPerIp: number };
    shutdown: ShutdownOptions;
  };
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

/** Webhook retries: 10 s after the first failure, doubling to an hour, for a day (about 30 attempts). */
const WEBHOOK_RETRIES = { firstRetryMs: 10_000, maxRetryMs: 3_600_000, giveUpAfterMs: 24 * 3_600_000, pollMs: 5_000 };

/**
 * Container platforms often set a variable empty meaning unset (`ALLOWED_ORIGINS=${ALLOWED_ORIGINS}`):
 * a blank value counts as unset, its default applying; opening the widget to any origin takes an explicit `*`.
 */
const unsetWhenBlank = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim() !== ''));

/** Reads the configuration; an invalid variable stops start-up with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(unsetWhenBlank(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigurationError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    store: { mongodbUri: e.MONGODB_URI, dbName: e.MONGODB_DB, memory: e.EMBEDDED_MONGO_MEMORY },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      dbFilename: e.EMBEDDED_MONGO_MEMORY ? undefined : path.join(dataDir, 'temporal', 'dev-server.db'),
    },
    engineThread: e.EMBEDDED_ENGINE_THREAD,
    workflowCacheSize: e.WORKFLOW_CACHE_SIZE,
    workflowCodeTimeoutMs: e.WORKFLOW_CODE_TIMEOUT_MS === 0 ? Infinity : e.WORKFLOW_CODE_TIMEOUT_MS,
    keys: { publicKey: e.PUBLIC_KEY, secretKey: e.SECRET_KEY, identitySecret: e.IDENTITY_SECRET },
    allowedOrigins: e.ALLOWED_ORIGINS,
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL },
    demoPages: e.DEMO_PAGES ?? LOOPBACK_HOSTS.includes(e.HOST),
    plugins: e.PLUGINS,
    logLevel: e.LOG_LEVEL,
    webhooks: { allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS, timeoutMs: e.WEBHOOK_TIMEOUT_MS, ...WEBHOOK_RETRIES },
    limits: {
      jsonBodyBytes: e.JSON_BODY_LIMIT_BYTES,
      fileMaxBytes: e.FILE_MAX_BYTES,
      fileMediaTypes: e.FILE_MEDIA_TYPES,
      fileUnattachedMs: e.FILE_UNATTACHED_HOURS * 3_600_000,
      uploadQuota: {
        visitor: perDay(e.FILE_UPLOAD_BYTES_PER_VISITOR_PER_DAY ?? Math.max(UPLOAD_BYTES_PER_VISITOR_PER_DAY, e.FILE_MAX_BYTES)),
        ip: perDay(e.FILE_UPLOAD_BYTES_PER_IP_PER_DAY ?? Math.max(UPLOAD_BYTES_PER_IP_PER_DAY, e.FILE_MAX_BYTES)),
      },
      ipRate: { perSecond: e.RATE_LIMIT_IP_PER_SECOND, burst: e.RATE_LIMIT_IP_BURST },
      trustProxy: e.TRUST_PROXY,
      visitorRate: { perSecond: e.RATE_LIMIT_VISITOR_PER_SECOND, burst: e.RATE_LIMIT_VISITOR_BURST },
      visitorRangeRate: { perSecond: e.RATE_LIMIT_VISITOR_RANGES_PER_SECOND, burst: e.RATE_LIMIT_VISITOR_RANGES_BURST },
      conversationRate: { visitor: perHour(e.RATE_LIMIT_VISITOR_CONVERSATIONS_PER_HOUR), ip: perHour(e.RATE_LIMIT_IP_CONVERSATIONS_PER_HOUR) },
      searchRate: { perSecond: e.RATE_LIMIT_AGENT_SEARCHES_PER_SECOND, burst: e.RATE_LIMIT_AGENT_SEARCHES_BURST },
      ws: {
        heartbeatMs: e.WS_HEARTBEAT_MS,
        maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
        maxFrameBytes: e.WS_MAX_FRAME_BYTES,
        frameRate: { perSecond: e.WS_FRAMES_PER_SECOND, burst: e.WS_FRAMES_BURST },
        maxSocketsPerVisitor: e.WS_MAX_SOCKETS_PER_VISITOR,
        maxSocketsPerIp: e.WS_MAX_SOCKETS_PER_IP,
      },
      shutdown: { timeoutMs: e.SHUTDOWN_TIMEOUT_MS, idleGraceMs: e.SHUTDOWN_IDLE_GRACE_MS },
    },
  };
}
