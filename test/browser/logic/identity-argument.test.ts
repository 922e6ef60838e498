import { describe, expect, it } from 'vitest';
import { parseIdentity } from '../../../web/widget/identity-argument';

describe('parseIdentity', () => {
  it('says that externalId must be a string when it is a number or missing, not just "Invalid input"', () => {
    expect(parseIdentity({ externalId: 42, userHash: 'ab' })).toEqual({ problem: "externalId: must be a string (the signed-in user's id in your system), not a number" });
    expect(parseIdentity({ userHash: 'ab' })).toEqual({ problem: "externalId: missing: give the signed-in user's id in your system, a string" });
    expect(parseIdentity('user-42')).toEqual({ problem: 'argument: give an object: {externalId, userHash, email?, name?}' });
  });

  it('takes a well-formed identity as it is', () => {
    expect(parseIdentity({ externalId: 'user-42', userHash: 'ab', name: 'Ada' })).toEqual({ identity: { externalId: 'user-42', userHash: 'ab', name: 'Ada' } });
  });
});
