import { describe, expect, it } from 'vitest';
import { commandVariants } from '../../../runtime/engine/embedded/replay';

describe('commandVariants', () => {
  it('names each command a replay must produce again, an activity with its type, leaving out answers to updates and queries', () => {
    const commands = [
      { startTimer: { seq: 1 } },
      { scheduleActivity: { seq: 2, activityType: 'recordEvents' } },
      { updateResponse: { protocolInstanceId: 'u1', accepted: {} } },
      { respondToQuery: { queryId: 'q1' } },
      { userMetadata: { summary: 'x' }, completeWorkflowExecution: {} },
    ];
    expect(commandVariants(commands)).toEqual(['startTimer', 'scheduleActivity:recordEvents', 'completeWorkflowExecution']);
  });
});
