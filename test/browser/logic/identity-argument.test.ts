import { describe, expect, it } from 'vitest';
import { personName } from '../../../server/schemas/common';
import { identifyBody } from '../../../server/schemas/contacts';
import { parseIdentity } from '../../../web/widget/identity-argument';

describe('parseIdentity', () => {
  it('says that externalId must be a string when it is a number or missing, not just "Invalid input"', () => {
    expect(parseIdentity({ externalId: 42, userHash: 'ab' })).toEqual({ problem: "externalId: must be a string (the signed-in user's id in your system), not a number" });
    expect(parseIdentity({ userHash: 'ab' })).toEqual({ problem: "externalId: missing: give the signed-in user's id in your system, a string" });
    expect(parseIdentity('user-42')).toEqual({ problem: 'argument: give an object: {externalId, userHash, email?, name?} or {userJwt}' });
  });

  it('takes a well-formed identity as it is', () => {
    expect(parseIdentity({ externalId: 'user-42', userHash: 'ab', name: 'Ada' })).toEqual({ identity: { externalId: 'user-42', userHash: 'ab', name: 'Ada' } });
  });

  it('sends a name the server would refuse as one it takes, or none, rather than lose the link over it', () => {
    const identify = (name: string) => parseIdentity({ externalId: 'user-42', userHash: 'ab', name });
    expect(identify('  Ada\n\tLovelace\u202e ')).toEqual({ identity: { externalId: 'user-42', userHash: 'ab', name: 'Ada Lovelace' } });
    expect(identify('\u3164')).toEqual({ identity: { externalId: 'user-42', userHash: 'ab' } });
    expect(identify('\u200b \u0000')).toEqual({ identity: { externalId: 'user-42', userHash: 'ab' } });
    expect((identify(`${'x'.repeat(199)}😀`) as { identity: { name: string } }).identity.name).toBe('x'.repeat(199));
    for (const name of ['  Ada\n\tLovelace\u202e ', `${'é'.repeat(300)}`]) {
      const sent = (identify(name) as { identity: { name?: string } }).identity.name;
      expect(personName.safeParse(sent).success, name).toBe(true);
    }
  });

  it('sends an email address as the server takes it, trimmed, and leaves out one it would refuse, saying so, rather than lose the link over it', () => {
    const identify = (email: string) => parseIdentity({ externalId: 'user-42', userHash: 'ab', email });
    expect(identify(' ada@example.com ')).toEqual({ identity: { externalId: 'user-42', userHash: 'ab', email: 'ada@example.com' } });
    expect(identify('')).toEqual({ identity: { externalId: 'user-42', userHash: 'ab' } });
    const leftOut = 'email: not sent, as it is no address the server takes (an email address of at most 320 characters); the contact is linked without it';
    for (const email of ['ada', 'ada@example.com\u202e', `${'a'.repeat(310)}@example.com`]) {
      expect(identify(email), email).toEqual({ identity: { externalId: 'user-42', userHash: 'ab' }, leftOut });
      expect(identifyBody.safeParse({ externalId: 'user-42', userHash: 'ab', email: email.trim() }).success, email).toBe(false);
    }
    expect(identifyBody.safeParse({ externalId: 'user-42', userHash: 'ab', email: 'ada@example.com' }).success).toBe(true);
  });

  it("takes a signed token, keeping the user its sub names, and says when it is none", () => {
    const part = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');
    const userJwt = `${part({ alg: 'HS256' })}.${part({ sub: 'user-ü-42', exp: 4_102_444_800 })}.c2lnbmF0dXJl`;
    expect(parseIdentity({ userJwt })).toEqual({ identity: { externalId: 'user-ü-42', userJwt } });
    expect(parseIdentity({ userJwt: 'not-a-token' })).toEqual({ problem: 'userJwt: not a JWT naming the user in its sub claim' });
    expect(parseIdentity({ userJwt: `${part({ alg: 'HS256' })}.${part({ exp: 1 })}.x` })).toEqual({ problem: 'userJwt: not a JWT naming the user in its sub claim' });
    expect(parseIdentity({ userJwt: 42 })).toEqual({ problem: 'userJwt: must be a string (the JWT your backend signed for the user (HS256, with sub and exp)), not a number' });
  });
});
