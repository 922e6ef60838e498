/**
 * The only file that reaches into `@temporalio/worker/lib/...`: the embedded engine drives the SDK's own
 * workflow sandbox the way the SDK's test suite does, through modules that are not public API.
 *
 * Their shapes (creator constructors, `WorkflowCreateOptions`, activation/completion handling) change
 * between SDK releases without notice, which is why every `@temporalio/*` package is pinned to one exact
 * version in package.json. When upgrading the SDK, re-check this file and run test/runtime/engine.
 */
export { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
export { parseWorkflowCode } from '@temporalio/worker/lib/worker';
export type { Workflow as SandboxWorkflow, WorkflowCreator } from '@temporalio/worker/lib/workflow/interface';
export type { WorkflowCreateOptions } from '@temporalio/workflow/lib/interfaces';
