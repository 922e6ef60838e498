/** The workflow functions: what gets bundled into the workflow sandbox (see plugins/bundle-entry.ts). */
export { conversationWorkflow } from './conversation/workflow';
export { teamQueueWorkflow } from './routing';
export { websiteChangesWorkflow } from './website';
