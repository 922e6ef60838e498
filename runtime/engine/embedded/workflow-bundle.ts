import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import { quietLogger } from '../quiet-logger';
import { BundleCache, type BundleInputs } from './bundle-cache';
import { parseWorkflowCode } from './sdk-internals';

export type ParsedWorkflowBundle = ReturnType<typeof parseWorkflowCode>;

/** What the sandbox runs: workflow code to bundle (with the modules to preload), or code bundled already. */
export type WorkflowSource = { workflowsPath: string; preloadModules?: readonly string[] } | { workflowCode: string };

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/** Bundling takes about three seconds, so each workflows path (with its preloads) is bundled once per process… */
const bundles = new Map<string, Promise<string>>();
/** …and kept for the next processes (`npm start`, each test file) while nothing it was made from changed. */
const cache = new BundleCache(fileURLToPath(new URL('../../../.tmp/workflow-bundles', import.meta.url)));
/** The bundler's settings (loaders, aliases) are not among the files a bundle reads; its version stands for them. */
const BUNDLER_VERSION: string = createRequire(import.meta.url)('@temporalio/worker/package.json').version;

/** Adds a plugin to webpack's configuration that hands `report` what the finished bundle read. */
function reportingInputs(report: (inputs: BundleInputs) => void): (config: WebpackConfig) => WebpackConfig {
  const plugin = {
    apply(compiler: { hooks: { done: { tap(name: string, callback: (stats: { compilation: { fileDependencies: Iterable<string>; missingDependencies: Iterable<string> } }) => void): void } } }) {
      compiler.hooks.done.tap('report-bundle-inputs', ({ compilation }) => {
        report({ files: [...compilation.fileDependencies], missing: [...compilation.missingDependencies] });
      });
    },
  };
  return (config) => ({ ...config, plugins: [...(config.plugins ?? []), plugin] });
}

async function bundleOrReuse(workflowsPath: string, preloadModules: readonly string[]): Promise<string> {
  const key = JSON.stringify([BUNDLER_VERSION, workflowsPath, preloadModules]);
  // The cache only saves time: a folder that cannot be read or written means bundling as if it were empty.
  const cached = await cache.read(key).catch(() => undefined);
  if (cached !== undefined) return cached;
  const startedAt = Date.now();
  let inputs: BundleInputs | undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    preloadModules: [...preloadModules],
    logger: quietLogger,
    webpackConfigHook: reportingInputs((reported) => (inputs = reported)),
  });
  if (inputs) await cache.write(key, code, inputs, startedAt).catch(() => false);
  return code;
}

/**
 * The bundled code for a workflows path. Bundle in a thread that lives as long as the process: the
 * bundler's native compiler (swc) crashes the process when it is loaded again in a second worker
 * thread after the first one ended, so an engine thread is handed its code (see runtime/engine-thread).
 */
export function bundleWorkflows(workflowsPath: string, preloadModules: readonly string[] = []): Promise<string> {
  const key = JSON.stringify([workflowsPath, preloadModules]);
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = bundleOrReuse(workflowsPath, preloadModules);
    bundle.catch(() => bundles.delete(key));
    bundles.set(key, bundle);
  }
  return bundle;
}

/** The workflow bundle as the sandbox loads it (code with its source map, and a file name). */
export async function loadWorkflowBundle(source: WorkflowSource): Promise<ParsedWorkflowBundle> {
  return parseWorkflowCode('workflowCode' in source ? source.workflowCode : await bundleWorkflows(source.workflowsPath, source.preloadModules));
}
