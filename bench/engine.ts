/**
 * Benchmark of the embedded workflow engine on the fixture counter workflow:
 * signals/s into 1,000 open workflows, update round trip p50/p99, RSS per 1,000 open workflows,
 * and restart time with 1,000 open workflows. `npx tsx bench/engine.ts` prints the report as JSON.
 */
import { pathToFileURL } from 'node:url';
import { EmbeddedEngine } from '../runtime/engine/embedded/embedded-engine';
import { MemoryJournalStore } from '../runtime/engine/memory-journal-store';
import { fixtureWorkflowsPath } from '../test/runtime/engine/fixture-engine';
import { silentLogger } from '../test/runtime/engine/silent-logger';
import { collectGarbage } from './gc';

const WORKFLOWS = 1_000;
const SIGNALS = 20_000;
const SIGNALS_IN_FLIGHT = 1_000;
const UPDATES = 2_000;

export async function benchEngine(): Promise<object> {
  const journal = new MemoryJournalStore();
  const open = (cacheSize?: number) => EmbeddedEngine.create({ workflowsPath: fixtureWorkflowsPath, activities: {}, journal, logger: silentLogger, cacheSize });
  const ids = Array.from({ length: WORKFLOWS }, (_, i) => `bench-${i}`);

  const engine = await open();
  const rssBefore = settledRss();
  const startBegan = performance.now();
  for (const workflowId of ids) await engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{}] });
  await Promise.all(ids.map((workflowId) => engine.query({ workflowId, query: 'counterState' })));
  const startMs = performance.now() - startBegan;
  const rssPer1000OpenMb = ((settledRss() - rssBefore) / 2 ** 20) * (1_000 / WORKFLOWS);

  const signalsBegan = performance.now();
  for (let sent = 0; sent < SIGNALS; sent += SIGNALS_IN_FLIGHT) {
    await Promise.all(
      Array.from({ length: SIGNALS_IN_FLIGHT }, (_, i) => engine.signal({ workflowId: ids[(sent + i) % WORKFLOWS]!, signal: 'increment', args: [{ by: 1 }] })),
    );
  }
  const signalsPerSecond = SIGNALS / ((performance.now() - signalsBegan) / 1_000);

  const latencies: number[] = [];
  for (let i = 0; i < UPDATES; i++) {
    const began = performance.now();
    await engine.executeUpdate({ workflowId: ids[(i * 7919) % WORKFLOWS]!, update: 'setCount', args: [{ value: i }] });
    latencies.push(performance.now() - began);
  }
  latencies.sort((a, b) => a - b);
  await engine.shutdown();

  const restartBegan = performance.now();
  const restarted = await open();
  const restartMs = performance.now() - restartBegan;
  await Promise.all(ids.map((workflowId) => restarted.query({ workflowId, query: 'counterState' })));
  const restartAndReplayAllMs = performance.now() - restartBegan;
  await restarted.shutdown();

  return {
    workflows: WORKFLOWS,
    startAllMs: Math.round(startMs),
    rssPer1000OpenMb: Math.round(rssPer1000OpenMb),
    signalsPerSecond: Math.round(signalsPerSecond),
    updateRoundTripMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1)!) },
    restartMs: Math.round(restartMs),
    restartAndReplayAllMs: Math.round(restartAndReplayAllMs),
    replayPerWorkflowMs: round((restartAndReplayAllMs - restartMs) / WORKFLOWS),
  };
}

function settledRss(): number {
  collectGarbage();
  return process.memoryUsage().rss;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchEngine(), null, 2));
  process.exit(0);
}
