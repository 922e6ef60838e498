import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

// A fixed folder inside the project (the bundler resolves the workflow SDK from there), so each run replaces its cache entry.
const folder = fileURLToPath(new URL('../../../.tmp/workflow-bundle-test', import.meta.url));
const workflowsFile = path.join(folder, 'workflows.ts');
const cacheFolder = fileURLToPath(new URL('../../../.tmp/workflow-bundles', import.meta.url));

/** Writes the workflows file, then lets the time pass within which a change makes a new bundle unfit to store. */
async function writeWorkflows(name: string): Promise<void> {
  await writeFile(workflowsFile, `export async function ${name}(): Promise<string> { return '${name}'; }\n`);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
}

/** `bundleWorkflows` as a newly started process has it: nothing bundled in memory yet. */
async function bundleInNewProcess(): Promise<string> {
  vi.resetModules();
  const { bundleWorkflows } = await import('../../../runtime/engine/embedded/workflow-bundle');
  return bundleWorkflows(workflowsFile);
}

/** The cache entries made from this test's workflows file (other test files write theirs meanwhile). */
async function entries(): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(cacheFolder).catch(() => [])) {
    if (!name.endsWith('.bundle')) continue;
    const file = path.join(cacheFolder, name);
    const stored = await readFile(file, 'utf8').catch(() => '');
    // The manifest, on the first line, lists the workflows file among the paths read.
    if (stored.slice(0, stored.indexOf('\n')).includes(`${JSON.stringify(workflowsFile)}:`)) found.push(file);
  }
  return found;
}

const removeEntries = async () => Promise.all((await entries()).map((file) => rm(file, { force: true })));

/** The inode of this test's cache entry: a new one each time the entry is written. */
async function entryInode(): Promise<number> {
  const [file, ...others] = await entries();
  if (!file || others.length > 0) throw new Error(`expected one cache entry for the test workflows, found ${others.length + (file ? 1 : 0)}`);
  return (await stat(file)).ino;
}

describe('bundleWorkflows across processes', () => {
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('reuses the bundle an earlier process made until a workflow file changes, or a package could resolve elsewhere', async () => {
    await rm(folder, { recursive: true, force: true });
    await removeEntries(); // an earlier run's, kept under another key (another bundler version) would be found first
    await mkdir(folder, { recursive: true });
    await writeWorkflows('greetingBefore');
    expect(await bundleInNewProcess()).toContain('greetingBefore');

    await writeWorkflows('greetingAfter');
    const edited = await bundleInNewProcess();
    expect(edited).toContain('greetingAfter');
    expect(edited).not.toContain('greetingBefore');

    const stored = await entryInode();
    expect(await bundleInNewProcess()).toBe(edited);
    expect(await entryInode()).toBe(stored); // taken from the cache: not bundled and written again

    // A node_modules folder next to the workflows, where resolving the workflow SDK looks first.
    await mkdir(path.join(folder, 'node_modules'));
    expect(await bundleInNewProcess()).toBe(edited);
    expect(await entryInode()).not.toBe(stored);
  });
});
