import { describe } from 'vitest';
import { temporalSettingsFromEnv, wantsTemporal } from '../../../runtime/engine/temporal-connection';
import { embeddedEngineUnderTest, temporalEngineUnderTest } from './harness';
import { describeConversationWorkflow } from './workflow-suite';

describe('conversationWorkflow', () => {
  describeConversationWorkflow(embeddedEngineUnderTest);

  describe.skipIf(!wantsTemporal(temporalSettingsFromEnv()))('on real Temporal (skipped: set TEMPORAL_ADDRESS or TEMPORAL_CLI_PATH)', () => {
    describeConversationWorkflow(temporalEngineUnderTest);
  });
});
