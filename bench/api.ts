/**
 * API benchmark: the full product against a bare Express + ws server with the same routes and
 * nothing behind them, measured by the same load generator in the same run, so results compare
 * as ratios. Each server runs in a child process (loopback only); this process is the load.
 *
 * Per server: 1,000 conversations, each with a visitor socket and that visitor's second device,
 * plus 20 agent sockets; each conversation has its opening message before the timed phases. Visitors post over REST at fixed rates for a bounded time each; every
 * delivery is timed (send → frame) and checked by seq: nothing lost, nothing twice.
 *
 * `benchApi(opts)` returns JSON; `tsx bench/api.ts` prints it. BENCH_SECONDS shortens each phase.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { startCpuProfile } from '../runtime/cpu-profile';
import WebSocket, { WebSocketServer } from 'ws';

export interface BenchApiOptions {
  conversations?: number;
  agents?: number;
  /** Messages per second, one phase each. */
  rates?: number[];
  /** Length of each phase. */
  seconds?: number;
  /** Which servers to measure. */
  servers?: Array<'product' | 'bare'>;
  /** Least pause after the opening messages, before the first phase. */
  settleSeconds?: number;
  /** Then at most this long for the server to go quiet (see `waitUntilQuiet`). */
  maxSettleSeconds?: number;
}

/** A server counts as quiet below this share of one core, measured over `QUIET_WINDOW_MS`. */
const QUIET_PERCENT_OF_ONE_CORE = 20;
const QUIET_WINDOW_MS = 2_000;

type ServerKind = 'product' | 'bare';

interface ServerInfo {
  url: string;
  publicKey: string;
  secretKey: string;
  agentId: string;
}

// ---------------------------------------------------------------------------------------------
// Servers (child processes)

/** The bare baseline: the contract's hot routes and frames, in memory, no auth, no store, no engine. */
interface Served {
  info: ServerInfo;
  close(): Promise<void>;
}

async function serveBare(): Promise<Served> {
  const seqs = new Map<string, number>();
  const visitorSockets = new Map<string, Set<WebSocket>>();
  const conversationsOwner = new Map<string, string>();
  const agents = new Set<WebSocket>();
  const app = express();
  app.use(express.json({ limit: 100 * 1024 }));
  app.get('/v1/websites', (req, res) => {
    res.json({ id: 'web', visitor: { id: req.header('x-visitor-id') ?? `vis_${Math.random().toString(36).slice(2)}` } });
  });
  app.post('/v1/conversations', (req, res) => {
    const id = String(req.body.conversationId);
    conversationsOwner.set(id, String(req.header('x-visitor-id')));
    seqs.set(id, 0);
    res.status(201).json({ conversation: { id }, initialTimelineItems: [] });
  });
  app.post('/v1/messages', (req, res) => {
    const { conversationId, item } = req.body as { conversationId: string; item: Record<string, unknown> };
    const seq = (seqs.get(conversationId) ?? 0) + 1;
    seqs.set(conversationId, seq);
    const stored = { ...item, conversationId, seq, visibility: 'public', author: { kind: 'visitor', id: req.header('x-visitor-id') }, createdAt: new Date().toISOString() };
    const frame = JSON.stringify({ type: 'timelineItemCreated', payload: { conversationId, item: stored } });
    for (const ws of agents) ws.send(frame);
    for (const ws of visitorSockets.get(conversationsOwner.get(conversationId) ?? '') ?? []) ws.send(frame);
    res.status(201).json({ item: stored });
  });
  const server = http.createServer(app);
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws, req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const visitorId = url.searchParams.get('visitorId');
    if (visitorId) {
      const set = visitorSockets.get(visitorId) ?? new Set();
      set.add(ws);
      visitorSockets.set(visitorId, set);
      ws.on('close', () => set.delete(ws));
    } else {
      agents.add(ws);
      ws.on('close', () => agents.delete(ws));
    }
    ws.send(JSON.stringify({ type: 'CONNECTION_ESTABLISHED', payload: { connectionId: String(Math.random()) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const info = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, publicKey: 'pk_bare', secretKey: 'sk_bare', agentId: 'agent' };
  return { info, close: async () => void server.closeAllConnections() };
}

async function serveProduct(): Promise<Served> {
  const { startApp } = await import('../runtime/app');
  const { loadConfig } = await import('../runtime/config');
  const { DEFAULT_AGENT_ID } = await import('../runtime/seed');
  // The environment passes through (MONGODB_URI, TEMPORAL_*, EMBEDDED_ENGINE_THREAD …), so the same run can measure those set-ups.
  const base = loadConfig({ ...process.env, PORT: '0', EMBEDDED_MONGO_MEMORY: 'true', LOG_LEVEL: 'warn' });
  const unlimited = { perSecond: 1_000_000, burst: 1_000_000 };
  const app = await startApp({
    ...base,
    limits: {
      ...base.limits,
      ...{ ipRate: unlimited, visitorRate: unlimited, conversationRate: { visitor: unlimited, ip: unlimited } },
      // Every socket of the run comes from 127.0.0.1 (two per visitor, and the agents'): far over the per-IP cap.
      ws: { ...base.limits.ws, maxBufferedBytes: 64 * 1024 * 1024, frameRate: unlimited, maxSocketsPerIp: 1_000_000 },
    },
  });
  return { info: { url: app.url, publicKey: app.keys.publicKey, secretKey: app.keys.secretKey, agentId: DEFAULT_AGENT_ID }, close: async () => void (await app.close()) };
}

/**
 * Child side: start the server, report it, answer RSS probes. With BENCH_PROFILE_DIR, every thread
 * of the server writes a CPU profile there when it stops (`<kind>.cpuprofile` for the server's
 * thread, `mongo.cpuprofile` and `engine.cpuprofile` for the product's others).
 */
async function serve(kind: ServerKind): Promise<void> {
  const profiling = process.env.BENCH_PROFILE_DIR;
  if (profiling) process.env.CPU_PROFILE_DIR = profiling; // before any worker thread starts: they read it too
  const stopProfiling = await startCpuProfile(kind);
  const { info, close } = kind === 'bare' ? await serveBare() : await serveProduct();
  process.once('SIGTERM', async () => {
    // The worker threads write their profiles as they shut down.
    if (profiling) await close();
    await stopProfiling();
    process.exit(0);
  });
  process.on('message', (message: { probe?: string }) => {
    if (message.probe === 'rss') process.send?.({ rss: process.memoryUsage().rss });
    if (message.probe === 'cpu') process.send?.({ cpuMicros: cpuMicros() });
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: info });
}

/** CPU time this process has used, all its threads together (exited ones included). */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

class ServerProcess {
  peakRss = 0;
  private readonly cpuAnswers: Array<(micros: number) => void> = [];
  /** Since the current phase began (`beginPhase`). */
  phasePeakRss = 0;
  private constructor(
    private readonly child: ChildProcess,
    readonly info: ServerInfo,
  ) {
    child.on('message', (message: { rss?: number; cpuMicros?: number }) => {
      if (message.cpuMicros !== undefined) this.cpuAnswers.shift()?.(message.cpuMicros);
      if (!message.rss) return;
      this.peakRss = Math.max(this.peakRss, message.rss);
      this.phasePeakRss = Math.max(this.phasePeakRss, message.rss);
    });
  }

  static start(kind: ServerKind): Promise<ServerProcess> {
    const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
      child.once('message', (message: { ready?: ServerInfo }) => {
        if (message.ready) resolve(new ServerProcess(child, message.ready));
      });
    });
  }

  beginPhase(): void {
    this.phasePeakRss = 0;
  }

  probeRss(): void {
    this.child.send({ probe: 'rss' });
  }

  probeCpuMicros(): Promise<number> {
    return new Promise((resolve) => {
      this.cpuAnswers.push(resolve);
      this.child.send({ probe: 'cpu' });
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.removeAllListeners('exit');
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
      setTimeout(() => this.child.kill('SIGKILL'), 10_000).unref();
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Load generator

// Idle sockets close after 4 s, before the servers' 5 s keep-alive timeout: otherwise, after a pause
// (the settle before the first phase), a request can race the server closing its socket and fail
// with ECONNRESET, which counts as an error of the server measured.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4_000 });

function request(info: ServerInfo, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${info.url}${path}`,
      { method, agent, headers: { ...headers, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Delivery bookkeeping for one receiving socket. */
interface Receiver {
  kind: 'agent' | 'device2';
  /** conversation → seq → times received */
  seen: Map<string, Map<number, number>>;
}

interface Sent {
  at: number;
  conversationId: string;
}

const ID_PATTERN = /"id":"(bm\.[^"]+)"/;
const SEQ_PATTERN = /"seq":(\d+)/;
const CONVERSATION_PATTERN = /"conversationId":"([^"]+)"/;

function openSocket(url: string, onFrame: (text: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('message', (data) => onFrame(data.toString()));
    ws.once('error', reject);
    ws.once('message', () => resolve(ws));
  });
}

const percentile = (sorted: number[], p: number): number | null => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const round = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

interface PhaseResult {
  targetRate: number;
  seconds: number;
  sent: number;
  acknowledged: number;
  errors: number;
  skippedBehind: number;
  sustainedMsgPerSec: number;
  deliveriesPerSec: number;
  /** POST /v1/messages round trip. */
  ackLatencyMs: { p50: number | null; p99: number | null };
  agentLatencyMs: { p50: number | null; p99: number | null };
  secondDeviceLatencyMs: { p50: number | null; p99: number | null };
  lost: number;
  duplicated: number;
  /** Server RSS during the phase, sending and draining. */
  peakRssMiB: number | null;
  /**
   * CPU time while sending: the server's (all its threads) per acknowledged message and as a share
   * of one core, and the load generator's share. At saturation the server's figure includes some
   * work on requests still in flight when sending stops (a few per cent at most).
   */
  cpu: { serverMsPerMessage: number | null; serverPercentOfOneCore: number; generatorPercentOfOneCore: number };
}

/**
 * Waits until the server's CPU over a window falls under `QUIET_PERCENT_OF_ONE_CORE`, or `deadline`.
 * The opening messages start 1,000 workflows and hand each conversation to the team; that work
 * runs on for many seconds after their answers, and a phase started meanwhile measures it too.
 */
async function waitUntilQuiet(server: ServerProcess, deadline: number): Promise<boolean> {
  for (;;) {
    const before = await server.probeCpuMicros();
    await new Promise((r) => setTimeout(r, QUIET_WINDOW_MS));
    const percent = ((await server.probeCpuMicros()) - before) / (10 * QUIET_WINDOW_MS);
    if (percent < QUIET_PERCENT_OF_ONE_CORE) return true;
    if (performance.now() >= deadline) return false;
  }
}

async function measure(kind: ServerKind, options: Required<BenchApiOptions>) {
  const server = await ServerProcess.start(kind);
  const { info } = server;
  const rssTimer = setInterval(() => server.probeRss(), 250);
  const sockets: WebSocket[] = [];
  try {
    const wsBase = info.url.replace(/^http/, 'ws');
    const agentHeaders = { Authorization: `Bearer ${info.secretKey}`, 'X-Actor-User-Id': info.agentId };
    if (kind === 'product') {
      // The AI assistant would answer every message; its turns are measured by the engine benchmark.
      const team = await request(info, 'GET', '/v1/ai-agents', agentHeaders);
      for (const assistant of team.json.agents ?? []) await request(info, 'PUT', `/v1/ai-agents/${assistant.id}`, agentHeaders, { ...assistant, enabled: false });
    }

    let sentAt = new Map<string, Sent>();
    let agentLatencies: number[] = [];
    let deviceLatencies: number[] = [];
    let deliveries = 0;
    const receivers: Receiver[] = [];
    const receive = (receiver: Receiver) => (text: string) => {
      const id = ID_PATTERN.exec(text)?.[1];
      if (!id || !text.startsWith('{"type":"timelineItemCreated"')) return;
      const sent = sentAt.get(id);
      const seq = Number(SEQ_PATTERN.exec(text)?.[1]);
      const conversationId = CONVERSATION_PATTERN.exec(text)?.[1] ?? '';
      if (sent) (receiver.kind === 'agent' ? agentLatencies : deviceLatencies).push(performance.now() - sent.at);
      deliveries++;
      const perConversation = receiver.seen.get(conversationId) ?? new Map<number, number>();
      perConversation.set(seq, (perConversation.get(seq) ?? 0) + 1);
      receiver.seen.set(conversationId, perConversation);
    };

    const visitors: Array<{ visitorId: string; conversationId: string }> = [];
    for (let i = 0; i < options.conversations; i++) {
      const site = await request(info, 'GET', '/v1/websites', { 'X-Public-Key': info.publicKey });
      const visitorId = site.json.visitor.id as string;
      const conversationId = `bench-${kind}-${i}`;
      const created = await request(info, 'POST', '/v1/conversations', { 'X-Public-Key': info.publicKey, 'X-Visitor-Id': visitorId }, { conversationId });
      if (created.status !== 201) throw new Error(`creating a conversation failed: ${created.status} ${JSON.stringify(created.json)}`);
      visitors.push({ visitorId, conversationId });
      const query = `publicKey=${info.publicKey}&visitorId=${visitorId}`;
      sockets.push(await openSocket(`${wsBase}/ws?${query}`, () => {}));
      const device2: Receiver = { kind: 'device2', seen: new Map() };
      receivers.push(device2);
      sockets.push(await openSocket(`${wsBase}/ws?${query}`, receive(device2)));
    }
    for (let i = 0; i < options.agents; i++) {
      const receiver: Receiver = { kind: 'agent', seen: new Map() };
      receivers.push(receiver);
      sockets.push(await openSocket(`${wsBase}/ws?token=${info.secretKey}&actorUserId=${info.agentId}`, receive(receiver)));
    }

    // Every conversation gets its opening message before the phases, so that they measure the
    // conversations' steady state rather than the start of 1,000 workflows (the bare server has none).
    await Promise.all(
      Array.from({ length: 8 }, async (_, lane) => {
        for (let i = lane; i < visitors.length; i += 8) {
          const { visitorId, conversationId } = visitors[i]!;
          const opened = await request(info, 'POST', '/v1/messages', { 'X-Public-Key': info.publicKey, 'X-Visitor-Id': visitorId }, { conversationId, item: { id: `open.${conversationId}`, type: 'message', text: 'Hello' } });
          if (opened.status !== 201) throw new Error(`opening message failed: ${opened.status} ${JSON.stringify(opened.json)}`);
        }
      }),
    );
    const settleStarted = performance.now();
    await new Promise((r) => setTimeout(r, options.settleSeconds * 1000));
    const quiet = await waitUntilQuiet(server, settleStarted + options.maxSettleSeconds * 1000);
    const settle = { seconds: round((performance.now() - settleStarted) / 1000), quiet };

    const phases: PhaseResult[] = [];
    for (const rate of options.rates) {
      sentAt = new Map();
      agentLatencies = [];
      deviceLatencies = [];
      deliveries = 0;
      for (const receiver of receivers) receiver.seen.clear();
      server.beginPhase();
      const acked = new Map<string, Set<number>>();
      const ackLatencies: number[] = [];
      let sent = 0;
      let errors = 0;
      let skipped = 0;
      let inFlight = 0;
      let next = 0;
      const maxInFlight = 2_000;
      const tickMs = 10;
      const serverCpuBefore = await server.probeCpuMicros();
      const generatorCpuBefore = cpuMicros();
      const started = performance.now();
      const phaseEnd = started + options.seconds * 1000;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          const now = performance.now();
          if (now >= phaseEnd) {
            clearInterval(timer);
            return resolve();
          }
          // Fixed rate: however late this tick is, send what the schedule says should have gone by now.
          const due = Math.floor(((now - started) / 1000) * rate) - sent - skipped;
          for (let k = 0; k < due; k++) {
            if (inFlight >= maxInFlight) {
              skipped++;
              continue;
            }
            const { visitorId, conversationId } = visitors[next++ % visitors.length]!;
            const id = `bm.${kind}.${rate}.${sent}`;
            sent++;
            inFlight++;
            const at = performance.now();
            sentAt.set(id, { at, conversationId });
            request(info, 'POST', '/v1/messages', { 'X-Public-Key': info.publicKey, 'X-Visitor-Id': visitorId }, { conversationId, item: { id, type: 'message', text: `load ${id}` } })
              .then((res) => {
                if (res.status !== 201) return void errors++;
                ackLatencies.push(performance.now() - at);
                const seqs = acked.get(conversationId) ?? new Set<number>();
                seqs.add(res.json.item.seq);
                acked.set(conversationId, seqs);
              })
              .catch(() => void errors++)
              .finally(() => void inFlight--);
          }
        }, tickMs);
      });
      const sendSeconds = (performance.now() - started) / 1000;
      const generatorCpuMs = (cpuMicros() - generatorCpuBefore) / 1000;
      const serverCpuMs = ((await server.probeCpuMicros()) - serverCpuBefore) / 1000;
      const ackedWhileSending = ackLatencies.length;
      // Let the tail drain (bounded), then check every receiver against what was acknowledged.
      const drainUntil = performance.now() + 10_000;
      const ackedCount = () => [...acked.values()].reduce((n, s) => n + s.size, 0);
      const expectedDeliveries = () => ackedCount() * options.agents + ackedCount();
      while ((inFlight > 0 || deliveries < expectedDeliveries()) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
      let lost = 0;
      let duplicated = 0;
      for (const receiver of receivers) {
        const conversations = receiver.kind === 'agent' ? [...acked.keys()] : [];
        if (receiver.kind === 'device2') {
          const index = receivers.indexOf(receiver);
          const own = visitors[index]?.conversationId;
          if (own && acked.has(own)) conversations.push(own);
        }
        for (const conversationId of conversations) {
          const got = receiver.seen.get(conversationId) ?? new Map<number, number>();
          for (const seq of acked.get(conversationId) ?? []) {
            const times = got.get(seq) ?? 0;
            if (times === 0) lost++;
            if (times > 1) duplicated += times - 1;
          }
        }
      }
      ackLatencies.sort((a, b) => a - b);
      agentLatencies.sort((a, b) => a - b);
      deviceLatencies.sort((a, b) => a - b);
      phases.push({
        targetRate: rate,
        seconds: round(sendSeconds)!,
        sent,
        acknowledged: ackedCount(),
        errors,
        skippedBehind: skipped,
        sustainedMsgPerSec: round(ackedCount() / sendSeconds)!,
        deliveriesPerSec: round(deliveries / sendSeconds)!,
        ackLatencyMs: { p50: round(percentile(ackLatencies, 50)), p99: round(percentile(ackLatencies, 99)) },
        agentLatencyMs: { p50: round(percentile(agentLatencies, 50)), p99: round(percentile(agentLatencies, 99)) },
        secondDeviceLatencyMs: { p50: round(percentile(deviceLatencies, 50)), p99: round(percentile(deviceLatencies, 99)) },
        lost,
        duplicated,
        peakRssMiB: round(server.phasePeakRss / 2 ** 20),
        cpu: {
          serverMsPerMessage: ackedWhileSending > 0 ? round(serverCpuMs / ackedWhileSending) : null,
          serverPercentOfOneCore: round(serverCpuMs / (10 * sendSeconds))!,
          generatorPercentOfOneCore: round(generatorCpuMs / (10 * sendSeconds))!,
        },
      });
    }
    const sustainedUnder100 = phases.filter(
      (p) => p.errors === 0 && p.lost === 0 && p.sustainedMsgPerSec >= 0.95 * p.targetRate && (p.agentLatencyMs.p99 ?? Infinity) < 100 && (p.secondDeviceLatencyMs.p99 ?? Infinity) < 100,
    );
    server.probeRss();
    await new Promise((r) => setTimeout(r, 200));
    return {
      settle,
      phases,
      maxSustainedRateWithP99Under100ms: sustainedUnder100.length ? Math.max(...sustainedUnder100.map((p) => p.targetRate)) : 0,
      peakRssMiB: round(server.peakRss / 2 ** 20),
    };
  } finally {
    clearInterval(rssTimer);
    for (const ws of sockets) ws.terminate();
    await server.stop();
  }
}

export async function benchApi(opts: BenchApiOptions = {}) {
  const options: Required<BenchApiOptions> = {
    conversations: opts.conversations ?? 1_000,
    agents: opts.agents ?? 20,
    rates: opts.rates ?? [250, 1_000, 2_500],
    seconds: opts.seconds ?? Number(process.env.BENCH_SECONDS ?? 20),
    servers: opts.servers ?? ['product', 'bare'],
    settleSeconds: opts.settleSeconds ?? 5,
    maxSettleSeconds: opts.maxSettleSeconds ?? 120,
  };
  const results: Partial<Record<ServerKind, Awaited<ReturnType<typeof measure>>>> = {};
  for (const kind of options.servers) results[kind] = await measure(kind, options);
  const { product, bare } = results;
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? round(a / b) : null);
  return {
    setup: { conversations: options.conversations, visitorSockets: options.conversations * 2, agentSockets: options.agents, secondsPerRate: options.seconds, rates: options.rates },
    product,
    bare,
    ratios:
      product && bare
        ? {
            maxSustainedRate: ratio(product.maxSustainedRateWithP99Under100ms, bare.maxSustainedRateWithP99Under100ms),
            peakRss: ratio(product.peakRssMiB, bare.peakRssMiB),
            perRate: product.phases.map((p, i) => ({
              targetRate: p.targetRate,
              throughput: ratio(p.sustainedMsgPerSec, bare.phases[i]?.sustainedMsgPerSec),
              serverCpuPerMessage: ratio(p.cpu.serverMsPerMessage, bare.phases[i]?.cpu.serverMsPerMessage),
              agentP99: ratio(p.agentLatencyMs.p99, bare.phases[i]?.agentLatencyMs.p99),
              secondDeviceP99: ratio(p.secondDeviceLatencyMs.p99, bare.phases[i]?.secondDeviceLatencyMs.p99),
            })),
          }
        : null,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const serveIndex = process.argv.indexOf('--serve');
  if (serveIndex >= 0) {
    await serve(process.argv[serveIndex + 1] as ServerKind);
  } else {
    console.log(JSON.stringify(await benchApi(), null, 2));
    process.exit(0);
  }
}
