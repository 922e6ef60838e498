import { bundleWorkflowCode } from '@temporalio/worker';
import { quietLogger } from '../quiet-logger';
import { parseWorkflowCode } from './sdk-internals';

export type ParsedWorkflowBundle = ReturnType<typeof parseWorkflowCode>;

/** What the sandbox runs: workflow code to bundle (with the modules to preload), or code bundled already. */
export type WorkflowSource = { workflowsPath: string; preloadModules?: readonly string[] } | { workflowCode: string };

/** Bundling takes about a second, so each workflows path (with its preloads) is bundled once per process. */
const bundles = new Map<string, Promise<string>>();

/**
 * The bundled code for a workflows path. Bundle in a thread that lives as long as the process: the
 * bundler's native compiler (swc) crashes the process when it is loaded again in a second worker
 * thread after the first one ended, so an engine thread is handed its code (see runtime/engine-thread).
 */
export function bundleWorkflows(workflowsPath: string, preloadModules: readonly string[] = []): Promise<string> {
  const key = JSON.stringify([workflowsPath, preloadModules]);
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, preloadModules: [...preloadModules], logger: quietLogger }).then((b) => b.code);
    bundle.catch(() => bundles.delete(key));
    bundles.set(key, bundle);
  }
  return bundle;
}

/** The workflow bundle as the sandbox loads it (code with its source map, and a file name). */
export async function loadWorkflowBundle(source: WorkflowSource): Promise<ParsedWorkflowBundle> {
  return parseWorkflowCode('workflowCode' in source ? source.workflowCode : await bundleWorkflows(source.workflowsPath, source.preloadModules));
}
