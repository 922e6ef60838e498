import { describe, expect, it } from 'vitest';
import { unroutedWarning } from '../../../web/inbox/unrouted-warning';

describe('unroutedWarning', () => {
  it('says why routing gives a person nothing: no team, or no team the rules name', () => {
    expect(unroutedWarning({ id: 'a', name: 'A', kind: 'human', teams: [], routed: false })).toBe('Not in any team: routing does not give them conversations.');
    expect(unroutedWarning({ id: 'a', name: 'A', kind: 'human', teams: ['sales'], routed: false })).toBe(
      'In no team the routing rules send conversations to: routing does not give them conversations.',
    );
  });

  it('says nothing of a person routing gives conversations to, of an AI assistant, or when the server does not say', () => {
    expect(unroutedWarning({ id: 'a', name: 'A', kind: 'human', teams: ['support'], routed: true })).toBeUndefined();
    expect(unroutedWarning({ id: 'ai', name: 'AI', kind: 'ai', teams: [], routed: false })).toBeUndefined();
    expect(unroutedWarning({ id: 'a', name: 'A', kind: 'human', teams: [] })).toBeUndefined();
  });
});
