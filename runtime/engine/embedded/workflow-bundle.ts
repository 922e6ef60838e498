import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { quietLogger } from '../quiet-logger';
import { parseWorkflowCode } from './sdk-internals';

export type ParsedWorkflowBundle = ReturnType<typeof parseWorkflowCode>;

/** Bundling takes about a second, so each workflows path is bundled once per process. */
const bundles = new Map<string, Promise<ParsedWorkflowBundle>>();

/** The workflow bundle for a path, as the sandbox loads it (code with its source map, and a file name). */
export function loadWorkflowBundle(workflowsPath: string): Promise<ParsedWorkflowBundle> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, logger: quietLogger }).then((b: WorkflowBundleWithSourceMap) => parseWorkflowCode(b.code));
    bundle.catch(() => bundles.delete(workflowsPath));
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}
