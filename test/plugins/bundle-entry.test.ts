import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWorkflowEntry } from '../../plugins/bundle-entry';
import { PluginLoadError } from '../../plugins/errors';

const rootDir = fileURLToPath(new URL('./fixtures', import.meta.url));
// workflows/index.ts is another engineer's; the fixture stands in for it.
const workflowsModule = path.join(rootDir, 'workflows/index.ts');
const ignore = () => undefined;
const quiet = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

describe('writeWorkflowEntry', () => {
  let outDir: string;
  beforeAll(async () => {
    // Inside the project, as the bundler resolves @temporalio/workflow from the entry's folder.
    const scratch = fileURLToPath(new URL('../../.tmp', import.meta.url));
    await mkdir(scratch, { recursive: true });
    outDir = await mkdtemp(path.join(scratch, 'workflow-entry-'));
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('writes an entry and a preloaded plugins module that registers every plugin’s workflow part, and bundles for the sandbox', async () => {
    const entry = await writeWorkflowEntry({ outDir, plugins: ['./acme'], rootDir, workflowsModule });
    expect(entry.preloadModules).toHaveLength(1);
    const plugins = await readFile(entry.preloadModules[0]!, 'utf8');
    for (const part of ['examples/rating/workflow', 'examples/ai_tool_call/workflow', 'examples/quick_replies/workflow', 'fixtures/acme/workflow']) {
      expect(plugins).toContain(part);
    }
    const source = await readFile(entry.workflowsPath, 'utf8');
    expect(source).toContain(`import ${JSON.stringify(entry.preloadModules[0]!.replace(/\.ts$/, ''))}`);
    expect(source).toContain(`export * from ${JSON.stringify(workflowsModule.replace(/\.ts$/, ''))}`);

    const { code } = await bundleWorkflowCode({ workflowsPath: entry.workflowsPath, preloadModules: [...entry.preloadModules], logger: quiet });
    expect(code).toContain('acme.order_status');
    expect(code).toContain('pluginProbe');
  });

  it('leaves files that already hold the same entry untouched, so a bundle cached from them stays valid', async () => {
    const first = await writeWorkflowEntry({ outDir, rootDir, workflowsModule });
    const written = await Promise.all([first.workflowsPath, ...first.preloadModules].map(async (file) => (await stat(file)).mtimeMs));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await writeWorkflowEntry({ outDir, rootDir, workflowsModule });
    expect(again).toEqual(first);
    expect(await Promise.all([again.workflowsPath, ...again.preloadModules].map(async (file) => (await stat(file)).mtimeMs))).toEqual(written);

    await writeWorkflowEntry({ outDir, plugins: ['./acme'], rootDir, workflowsModule });
    expect(await readFile(first.preloadModules[0]!, 'utf8')).toContain('fixtures/acme/workflow');
  });

  it('refuses a folder outside the project, where the workflow SDK does not resolve', async () => {
    await expect(writeWorkflowEntry({ outDir: path.join(tmpdir(), 'elsewhere'), rootDir, workflowsModule })).rejects.toThrow(
      '@temporalio/workflow does not resolve from there',
    );
  });

  it('refuses a plugin whose workflow part imports a Node module, naming the plugin and the module', async () => {
    const attempt = writeWorkflowEntry({ outDir, plugins: ['./node_import'], rootDir, workflowsModule });
    await expect(attempt).rejects.toBeInstanceOf(PluginLoadError);
    await expect(attempt).rejects.toThrow(
      'Plugin "./node_import" cannot be loaded: its workflow part imports Node modules not allowed in workflow code: crypto',
    );
  });
});
