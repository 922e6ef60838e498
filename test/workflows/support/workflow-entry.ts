/** The bundle the workflow suites run: the project's workflows with the rating example and the fixture plugins. */
import aiToolCall from '../../../plugins/examples/ai_tool_call/workflow';
import rating from '../../../plugins/examples/rating/workflow';
import { registerWorkflowPlugins } from '../../../plugins/workflow-registry';
import chaos from './chaos-plugin';
import effects from './effects-plugin';

registerWorkflowPlugins([rating, aiToolCall, chaos, effects]);

export * from '../../../workflows';
