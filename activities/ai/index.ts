/** The AI assistant's activity side: what runtime/ and server/ import. */
export { createAiActivities, type AiActivityDeps, type AiStore, type AiTypingEvent } from './activities';
export { createModelResolver, modelProblem, type ModelResolver, type OpenAiSettings } from './resolve-model';
export { assistantConfigFields, assistantConfigSchema, checkFieldsTogether, defaultAssistantConfig, parseAssistantConfig, policyOf } from './config';
export { createRuleBasedModel } from './rule-based-model';
export { toConversationContext, type ContextOptions } from './context';
export { warnOfUnrunnableAssistants } from './unrunnable-assistants';
export {
  assignRejectionOutcome,
  createRoutingActivities,
  createTeamQueueSignals,
  engineAssigner,
  ROUTING_ACTOR,
  type AgentNow,
  type AssignerTeam,
  type ConversationUpdateEngine,
  type RoutingDeps,
  type SignalWithStartEngine,
} from './routing';
export { assistantConfigOf, assistantSettingKey, configOfAssistant, countOpenAssigned, loadAssistantConfig, loadRoutingRules, recentItems, ROUTING_RULES_SETTING, routingRulesOf } from './store-lookups';
