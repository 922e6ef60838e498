/** Routing of escalated conversations to teams and agents; workflows/index.ts exports it. */
export { teamQueueWorkflow } from './team-queue-workflow';
