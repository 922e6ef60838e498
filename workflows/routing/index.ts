/** Routing of escalated conversations to teams and agents. Add `export * from './routing';` to workflows/index.ts. */
export { teamQueueWorkflow } from './team-queue-workflow';
