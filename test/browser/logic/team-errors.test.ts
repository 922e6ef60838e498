import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/shared/api-client';
import { teamChangeErrorText } from '../../../web/inbox/team-errors';

const refusal = (teams: unknown) => new ApiError(409, 'ERR_CONFLICT', 'The routing rules send conversations to x, which would have nobody in it: change the routing rules first', { teams });

describe('teamChangeErrorText', () => {
  it('says which routed teams a change would leave with nobody, in plain words', () => {
    expect(teamChangeErrorText(refusal(['technical']))).toBe(
      'Not saved: The technical team would have nobody left, and the routing rules send conversations to it. Change the routing rules first.',
    );
    expect(teamChangeErrorText(refusal(['technical', 'support']))).toBe(
      'Not saved: The technical and support teams would have nobody left, and the routing rules send conversations to them. Change the routing rules first.',
    );
    expect(teamChangeErrorText(refusal(['billing', 'technical', 'support']))).toContain('The billing, technical and support teams');
  });

  it("gives any other failure's own words", () => {
    expect(teamChangeErrorText(new ApiError(409, 'ERR_CONFLICT', 'Someone changed it first'))).toBe('Someone changed it first');
    expect(teamChangeErrorText(new Error('Network down'))).toBe('Network down');
  });
});
