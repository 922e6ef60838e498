import { TypedSearchAttributes } from '@temporalio/common';
import type { WorkflowInfo } from '@temporalio/workflow';
import { disablePromiseStackTracking, type SandboxWorkflow } from './sdk-internals';
import { SharedGlobalsWorkflowCreator } from './shared-globals-vm';
import { loadWorkflowBundle, type WorkflowSource } from './workflow-bundle';

/** What the sandbox needs to know about a run to create its workflow instance. */
export interface RunIdentity {
  workflowId: string;
  runId: string;
  workflowType: string;
  firstExecutionRunId: string;
  continuedFromRunId?: string;
  /** Start of the first run of the continue-as-new chain (epoch ms). */
  chainStartedAt: number;
  runStartedAt: number;
  /** 8 bytes, hex. */
  randomnessSeed: string;
}

export type SandboxFactoryOptions = WorkflowSource & {
  activityNames: Iterable<string>;
  taskQueue: string;
  namespace?: string;
  /** How long one call into the sandbox may run before it is aborted (runaway loops); unlimited when absent. */
  isolateExecutionTimeoutMs?: number;
};

/**
 * Creates workflow instances in the SDK's workflow sandbox. One shared V8 context (the reusable VM) hosts
 * every instance, with frozen globals shared by all and only the activator switched between them
 * (shared-globals-vm.ts): far less memory per open workflow than a context each.
 */
export class SandboxFactory {
  private constructor(
    private readonly creator: SharedGlobalsWorkflowCreator,
    private readonly taskQueue: string,
    private readonly namespace: string,
  ) {}

  static async create(options: SandboxFactoryOptions): Promise<SandboxFactory> {
    const bundle = await loadWorkflowBundle(options);
    // The SDK types the timeout as required, but `vm` treats an absent one as "no limit" (and starts no watchdog).
    const creator = await SharedGlobalsWorkflowCreator.create(bundle, options.isolateExecutionTimeoutMs as number, new Set(options.activityNames));
    disablePromiseStackTracking();
    return new SandboxFactory(creator, options.taskQueue, options.namespace ?? 'default');
  }

  async createWorkflow(run: RunIdentity, now: number): Promise<SandboxWorkflow> {
    return this.creator.createWorkflow({
      info: this.workflowInfo(run),
      randomnessSeed: seedBytes(run.randomnessSeed),
      now,
      showStackTraceSources: false,
    });
  }

  async destroy(): Promise<void> {
    await this.creator.destroy();
  }

  private workflowInfo(run: RunIdentity): WorkflowInfo {
    return {
      workflowId: run.workflowId,
      runId: run.runId,
      workflowType: run.workflowType,
      searchAttributes: {},
      typedSearchAttributes: new TypedSearchAttributes(),
      taskQueue: this.taskQueue,
      namespace: this.namespace,
      firstExecutionRunId: run.firstExecutionRunId,
      originalExecutionRunId: run.runId,
      continuedFromExecutionRunId: run.continuedFromRunId,
      startTime: new Date(run.chainStartedAt),
      runStartTime: new Date(run.runStartedAt),
      taskTimeoutMs: 10_000,
      attempt: 1,
      historyLength: 0,
      historySize: 0,
      continueAsNewSuggested: false,
      targetWorkerDeploymentVersionChanged: false,
      // Replaced inside the sandbox by its own deterministic sources (see the SDK's initRuntime).
      unsafe: { now: () => run.runStartedAt, isReplaying: false, isReplayingHistoryEvents: false, random: { random: () => 0 } } as never,
    };
  }
}

function seedBytes(hex: string): number[] {
  return Array.from(Buffer.from(hex, 'hex'));
}
