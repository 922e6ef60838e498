/**
 * Start-up check that plugins' workflow parts can run in Temporal's workflow sandbox: no Node
 * modules (fs, crypto, …), nothing that fails to bundle. The parts are bundled together once (one
 * to a few seconds); only when that fails is each bundled alone, to name the plugin at fault. (Parts
 * that fail only together are left to the engine's own bundling to report.)
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PluginLoadError } from './errors';
import type { PluginSource } from './sources';

/** Why `file` cannot be bundled for the sandbox, or undefined when it can. */
async function bundleProblem(file: string): Promise<string | undefined> {
  const errors: string[] = [];
  const ignore = () => undefined;
  const logger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: (m: string) => void errors.push(m) };
  try {
    await bundleWorkflowCode({ workflowsPath: file, logger });
    return undefined;
  } catch (thrown) {
    const report = [thrown instanceof Error ? thrown.message : String(thrown), ...errors].join('\n');
    // The SDK lists bare names it refused (`  - 'fs'`); webpack itself fails on `node:` imports.
    const refused = [...report.matchAll(/^\s+- '([^']+)'$/gm), ...report.matchAll(/Reading from "node:([^"]+)"/g)];
    const modules = [...new Set(refused.map((match) => match[1]))];
    if (modules.length > 0) return `its workflow part imports Node modules not allowed in workflow code: ${modules.join(', ')}`;
    return `its workflow part does not bundle for the workflow sandbox: ${report.slice(0, 2_000)}`;
  }
}

/** Why the parts cannot be bundled together, or undefined when they can. */
async function bundleTogetherProblem(sources: readonly PluginSource[], scratchDir: string): Promise<string | undefined> {
  const combined = path.join(scratchDir, `plugin-check-${process.pid}.ts`);
  await writeFile(combined, sources.map((s) => `import ${JSON.stringify(s.workflowPath)};\n`).join(''));
  return bundleProblem(combined).finally(() => rm(combined, { force: true }));
}

/**
 * Throws `PluginLoadError` naming the first plugin whose workflow part cannot run in the sandbox.
 * `scratchDir` (inside the project) holds a temporary entry for the combined bundle.
 */
export async function assertSandboxSafe(sources: readonly PluginSource[], scratchDir: string): Promise<void> {
  if (sources.length > 1 && (await bundleTogetherProblem(sources, scratchDir)) === undefined) return;
  for (const source of sources) {
    const problem = await bundleProblem(source.workflowPath);
    if (problem) throw new PluginLoadError(source.specifier, problem);
  }
}
