import { describe, expect, it } from 'vitest';
import { memberLabels } from '../../../web/shared/member-labels';

describe('memberLabels', () => {
  it('names each member, adding the id only where a name is shared', () => {
    const labels = memberLabels([
      { id: 'agent_alex', name: 'Alex' },
      { id: 'agent_1', name: 'Sam Lee' },
      { id: 'agent_2', name: 'Sam Lee' },
    ]);
    expect([...labels.values()]).toEqual(['Alex', 'Sam Lee (agent_1)', 'Sam Lee (agent_2)']);
  });
});
