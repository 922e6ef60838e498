/**
 * The only file that reaches into `@temporalio/worker/lib/...`: the embedded engine drives the SDK's own
 * workflow sandbox the way the SDK's test suite does, through modules that are not public API.
 *
 * Their shapes (creator constructors, `WorkflowCreateOptions`, activation/completion handling, the global
 * handlers) change between SDK releases without notice, which is why every `@temporalio/*` package is
 * pinned to one exact version in package.json. When upgrading the SDK, re-check this file and run
 * test/runtime/engine.
 */
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';

export { ReusableVMWorkflow, ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
export { parseWorkflowCode } from '@temporalio/worker/lib/worker';
export type { Workflow as SandboxWorkflow, WorkflowCreateOptions } from '@temporalio/worker/lib/workflow/interface';

/** Whether workflows should capture promise stack traces (off once `disablePromiseStackTracking` ran). */
export const promiseStackTrackingEnabled = (): boolean => globalHandlers.promiseHookInstalled;

/**
 * The sandbox installs a process-wide promise hook that captures a source-mapped stack trace for every
 * promise a workflow creates, only to serve the "enhanced stack trace" query. In a worker thread that is
 * affordable; in this process it roughly halves activation throughput, so the embedded engine turns it
 * off (workflow failures keep their source-mapped stack traces). Call after creating a creator.
 */
export function disablePromiseStackTracking(): void {
  (globalHandlers as unknown as { stopPromiseHook(): void }).stopPromiseHook();
  globalHandlers.promiseHookInstalled = false;
}
