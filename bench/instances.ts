/**
 * What one conversation workflow instance costs to build in the sandbox with the product's plugins:
 * time and heap per instance, with the plugins module preloaded (as the engines run it) and, for
 * comparison, evaluated again for every instance. `npx tsx bench/instances.ts` prints the report.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeWorkflowEntry, type WorkflowEntry } from '../plugins/bundle-entry';
import { SandboxFactory } from '../runtime/engine/embedded/sandbox-factory';
import { collectGarbage } from './gc';

const WARM_UP = 50;
const INSTANCES = 500;
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

async function measure(entry: WorkflowEntry, preload: boolean) {
  const factory = await SandboxFactory.create({ workflowsPath: entry.workflowsPath, preloadModules: preload ? entry.preloadModules : [], activityNames: [], taskQueue: 'bench' });
  const build = (i: number) =>
    factory.createWorkflow({ workflowId: `w${i}`, runId: `r${i}`, workflowType: 'conversationWorkflow', firstExecutionRunId: `r${i}`, chainStartedAt: 0, runStartedAt: 0, randomnessSeed: '0011223344556677' }, 0);
  const live: Array<Awaited<ReturnType<typeof build>>> = []; // kept alive, as open workflows are
  for (let i = 0; i < WARM_UP; i++) live.push(await build(-1 - i));
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const began = performance.now();
  for (let i = 0; i < INSTANCES; i++) live.push(await build(i));
  const msPerInstance = (performance.now() - began) / INSTANCES;
  collectGarbage();
  const kBPerInstance = (process.memoryUsage().heapUsed - heapBefore) / INSTANCES / 1024;
  for (const instance of live) await instance.dispose();
  await factory.destroy();
  return { msPerInstance: Math.round(msPerInstance * 100) / 100, kBPerInstance: Math.round(kBPerInstance) };
}

export async function benchInstances(): Promise<object> {
  const outDir = await mkdtemp(path.join(projectRoot, '.tmp', 'bench-instances-'));
  try {
    const entry = await writeWorkflowEntry({ outDir, rootDir: projectRoot });
    return { instances: INSTANCES, pluginsPreloaded: await measure(entry, true), pluginsPerInstance: await measure(entry, false) };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchInstances(), null, 2));
  process.exit(0);
}
