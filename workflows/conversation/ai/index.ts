/** The conversation workflow's AI assistant: what the workflow imports. */
export { createAiAssistant, type AiAssistant, type AiAssistantOptions } from './assistant';
export { proxyAiActivities, proxyTriageModel } from './proxies';
export { runAiTurn, type AiTurnDeps, type AiTurnInput, type AiTurnOutcome, type ApplyResult } from './turn';
export { AiTurnScheduler, type TurnJob } from './scheduler';
export { workflowTurnRuntime, type TurnRuntime } from './turn-runtime';
export { isAiTurnTrigger, policyAllowsAnswer } from './gate';
export { escalationBeforeModel, escalationForState, isUncertainReply, type EscalationReason } from './escalation-rules';
export type { AiActivities } from './activity-types';
export type * from './types';
