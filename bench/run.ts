/**
 * `npm run bench`: runs every benchmark in turn and prints one JSON document.
 * Each part is a module exporting an async function that returns its own JSON-safe report.
 */
import os from 'node:os';

const parts: Array<[name: string, load: () => Promise<() => Promise<object>>]> = [
  ['mongo', async () => (await import('./mongo')).benchMongo],
  ['ttl', async () => (await import('./ttl')).benchTtl],
  ['compaction', async () => (await import('./compaction')).benchCompaction],
  ['store', async () => (await import('./store')).benchStore],
  ['search', async () => (await import('./search')).benchSearch],
  ['engine', async () => (await import('./engine')).benchEngine],
  ['instances', async () => (await import('./instances')).benchInstances],
  ['api', async () => (await import('./api')).benchApi],
  ['restart', async () => (await import('./restart')).benchRestart],
];

const only = process.argv.slice(2);
const report: Record<string, unknown> = {
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  startedAt: new Date().toISOString(),
};
for (const [name, load] of parts) {
  if (only.length > 0 && !only.includes(name)) continue;
  const run = await load();
  report[name] = await run();
}
console.log(JSON.stringify(report, null, 2));
process.exit(0);
