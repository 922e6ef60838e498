/** The website's team as the conversations know it; workflows/index.ts exports it. */
export { teamRosterWorkflow } from './team-roster-workflow';
