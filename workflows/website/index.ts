/** What a website's conversations hear of changes to the website; workflows/index.ts exports it. */
export { websiteChangesWorkflow } from './website-changes-workflow';
