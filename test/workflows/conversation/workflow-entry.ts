/** The bundle the workflow suite runs: the project's workflows with the rating example and the chaos fixture plugin. */
import rating from '../../../plugins/examples/rating/workflow';
import { registerWorkflowPlugins } from '../../../plugins/workflow-registry';
import chaos from './fixture-plugin';

registerWorkflowPlugins([
  { plugin: rating, hasEffects: false },
  { plugin: chaos, hasEffects: false },
]);

export * from '../../../workflows';
