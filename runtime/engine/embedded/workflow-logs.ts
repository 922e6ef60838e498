/**
 * What workflow code logs (`log.warn(…)` from `@temporalio/workflow`): the sandbox holds each call
 * (a "sink call") until its worker takes them after the activation, as the SDK's Worker does. Taken
 * after every activation, so they neither go unseen nor pile up in the live instance.
 */
import type { Logger, LogLevel } from '@temporalio/common';
import type { SandboxWorkflow } from './sdk-internals';

type SinkCall = Awaited<ReturnType<SandboxWorkflow['getAndResetSinkCalls']>>[number];

const LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };
/** The SDK's logger sink, under its current name and its deprecated one. */
const LOGGER_SINKS = new Set(['__temporal_logger', 'defaultWorkerLogger']);

function logCall(logger: Logger, call: SinkCall): void {
  const level = LEVELS[call.fnName];
  if (!LOGGER_SINKS.has(call.ifaceName) || !level) {
    logger.error('Workflow called a sink the embedded engine does not have', { workflowId: call.workflowInfo.workflowId, sink: `${call.ifaceName}.${call.fnName}` });
    return;
  }
  const [message, attributes] = call.args as [string, Record<string, unknown> | undefined];
  logger.log(level, message, { sdkComponent: 'workflow', ...attributes });
}

/**
 * Takes the workflow's log calls from the sandbox and writes them, except those made while replaying
 * history: they were written when it first ran.
 */
export async function takeWorkflowLogs(sandbox: SandboxWorkflow, logger: Logger): Promise<void> {
  for (const call of await sandbox.getAndResetSinkCalls()) {
    if (!call.workflowInfo.unsafe.isReplayingHistoryEvents) logCall(logger, call);
  }
}
