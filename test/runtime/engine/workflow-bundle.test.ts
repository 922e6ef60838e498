import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

// A fixed folder inside the project (the bundler resolves the workflow SDK from there), so each run replaces its cache entry.
const folder = fileURLToPath(new URL('../../../.tmp/workflow-bundle-test', import.meta.url));
const workflowsFile = path.join(folder, 'workflows.ts');
const cacheFolder = fileURLToPath(new URL('../../../.tmp/workflow-bundles', import.meta.url));

/** Writes the workflows file dated in the past, as if edited before the process started. */
async function writeWorkflows(name: string): Promise<void> {
  await writeFile(workflowsFile, `export async function ${name}(): Promise<string> { return '${name}'; }\n`);
  const past = new Date(Date.now() - 10_000);
  await utimes(workflowsFile, past, past);
}

/** `bundleWorkflows` as a newly started process has it: nothing bundled in memory yet. */
async function bundleInNewProcess(): Promise<string> {
  vi.resetModules();
  const { bundleWorkflows } = await import('../../../runtime/engine/embedded/workflow-bundle');
  return bundleWorkflows(workflowsFile);
}

/** When this test's cache entry was last written (other test files may write theirs meanwhile). */
async function entryWrittenAt(): Promise<number> {
  for (const name of await readdir(cacheFolder)) {
    const file = path.join(cacheFolder, name);
    const stored = await readFile(file, 'utf8');
    if (stored.slice(0, stored.indexOf('\n')).includes(JSON.stringify(workflowsFile))) return (await stat(file)).mtimeMs;
  }
  throw new Error('no cache entry for the test workflows');
}

describe('bundleWorkflows across processes', () => {
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('reuses the bundle an earlier process made until a workflow file changes', async () => {
    await mkdir(folder, { recursive: true });
    await writeWorkflows('greetingBefore');
    expect(await bundleInNewProcess()).toContain('greetingBefore');

    await writeWorkflows('greetingAfter');
    const edited = await bundleInNewProcess();
    expect(edited).toContain('greetingAfter');
    expect(edited).not.toContain('greetingBefore');

    const writtenAt = await entryWrittenAt();
    expect(await bundleInNewProcess()).toBe(edited);
    expect(await entryWrittenAt()).toBe(writtenAt); // taken from the cache: not bundled and written again
  }, 60_000);
});
