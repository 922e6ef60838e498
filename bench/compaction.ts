/**
 * The embedded MongoDB server's compaction of its log into a snapshot, with 200,000 documents
 * (ephemeral events, as in bench/ttl.ts) in a store on disk, the engine in this thread with
 * nothing else to do:
 * - atOnce: the explicit compaction (the `compact` command, a clean close), which holds the
 *   thread for all of it.
 * - inSteps: the one the engine starts as its log grows (the state captured, then written a slice
 *   per event-loop turn); a setImmediate loop measures the longest time the thread went without a
 *   turn (what a command arriving then would wait for), and how long the compaction took.
 * Each runs `ROUNDS` times, alternately. Run directly: `npx tsx bench/compaction.ts`, or
 * `npm run bench -- compaction`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../runtime/mongo/engine';
import { FileJournal, MemoryJournal } from '../runtime/mongo/persistence';
import { ephemeral, summary } from './ttl';

const DOCS = 200_000;
const ROUNDS = 3;

/** Measures the gaps between event-loop turns until `done` settles. */
async function turnsUntil(done: Promise<void>): Promise<number[]> {
  const turns: number[] = [];
  let finished = false;
  void done.then(() => (finished = true));
  let last = performance.now();
  while (!finished) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = performance.now();
    turns.push(now - last);
    last = now;
  }
  return turns;
}

export async function benchCompaction(): Promise<object> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-compaction-'));
  try {
    const engine = new Engine(new MemoryJournal());
    const journal = new FileJournal(dir, (record) => engine.applyRecord(record));
    engine.attachJournal(journal);
    const setup = engine.newContext();
    const collection = engine.ensureCollection(setup, 'bench', 'ephemeral');
    const expireAt = new Date(Date.now() + 60_000);
    for (let n = 0; n < DOCS; n++) engine.insert(setup, collection, ephemeral(n, expireAt));
    await engine.finish(setup);

    const atOnceMs: number[] = [];
    const inSteps: object[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      engine.compactNow();
      atOnceMs.push(Math.round(performance.now() - started));

      // As the engine starts it (engine.ts maybeCompact), within one turn: the capture, the switch to the next log, the first slice.
      const stepsStarted = performance.now();
      const state = engine.captureState();
      const captureMs = performance.now() - stepsStarted;
      const compaction = journal.compactInSteps(state.records).finally(state.release);
      const startMs = performance.now() - stepsStarted;
      const turns = await turnsUntil(compaction);
      inSteps.push({
        tookMs: Math.round(performance.now() - stepsStarted),
        captureMs: Number(captureMs.toFixed(2)),
        startMs: Number(startMs.toFixed(2)),
        msBetweenTurnsAfter: summary(turns),
      });
    }
    engine.close();
    return { docs: DOCS, atOnceMs, inSteps };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchCompaction(), null, 2));
}
