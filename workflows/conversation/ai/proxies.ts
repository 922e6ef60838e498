/** Activity proxies for the AI turn, with the retry policies the turn relies on. Workflow code only. */
import { proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_MODEL_ERRORS, type AiActivities } from './activity-types';

/**
 * Model calls retry with backoff (about a minute in all) and then fail, so the turn can hand the
 * conversation to humans instead of leaving the visitor waiting; auth and config errors fail at once.
 * Store and publish activities retry longer: they are fast and their failures are transient.
 */
export function proxyAiActivities(): AiActivities {
  const model = proxyActivities<AiActivities>({
    startToCloseTimeout: '60 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 4, nonRetryableErrorTypes: NON_RETRYABLE_MODEL_ERRORS },
  });
  const store = proxyActivities<AiActivities>({
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 10 },
  });
  const typing = proxyActivities<AiActivities>({ startToCloseTimeout: '5 seconds', retry: { maximumAttempts: 2 } });
  return {
    callModel: model.callModel,
    loadAssistantPolicy: store.loadAssistantPolicy,
    buildConversationContext: store.buildConversationContext,
    recordToolCall: store.recordToolCall,
    postAiReply: store.postAiReply,
    postAiNote: store.postAiNote,
    publishAiTyping: typing.publishAiTyping,
  };
}

/** The model call before a handover the visitor asked for: one attempt, briefly; the handover does not wait on a model that is down. */
export function proxyTriageModel(): AiActivities['callModel'] {
  return proxyActivities<AiActivities>({ startToCloseTimeout: '15 seconds', retry: { maximumAttempts: 1 } }).callModel;
}
