import { describe, expect, it } from 'vitest';
import { initialOf, memberLabels } from '../../../web/shared/member-labels';

describe('memberLabels', () => {
  it('names each member, adding the id only where a name is shared', () => {
    const labels = memberLabels([
      { id: 'agent_alex', name: 'Alex' },
      { id: 'agent_1', name: 'Sam Lee' },
      { id: 'agent_2', name: 'Sam Lee' },
    ]);
    expect([...labels.values()]).toEqual(['Alex', 'Sam Lee (agent_1)', 'Sam Lee (agent_2)']);
  });

  it('takes a whole first character as the initial, an emoji or a letter with its accent included', () => {
    expect(initialOf('🦄 Zoë')).toBe('🦄');
    expect(initialOf('👩🏽‍💻 Kim')).toBe('👩🏽‍💻');
    expect(initialOf('Zoë')).toBe('Z');
    expect(initialOf('e\u0301mile')).toBe('e\u0301');
    expect(initialOf('')).toBe('');
  });
});
