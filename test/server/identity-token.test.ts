/** Identify with a signed token: the profile comes signed, a token expires, and every wrong one is refused with a reason. */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { userHashOf } from '../../server/services/identity';
import { identityTokenKey } from '../../server/services/identity-token';
import { useTestApp } from './support/app';

const t = useTestApp();

/** A token as a website's backend makes it; `secret` the website's identity secret unless given. */
const tokenFor = (claims: Record<string, unknown>, { secret, expiresIn = '10m', alg = 'HS256' }: { secret?: string; expiresIn?: string | number | null; alg?: string } = {}) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg });
  if (expiresIn !== null) jwt.setExpirationTime(expiresIn);
  return jwt.sign(new TextEncoder().encode(secret ?? identityTokenKey(t.app.keys.identitySecret)));
};

const identify = async (body: Record<string, unknown>) => {
  const device = { visitorId: await t.api.newVisitor() };
  return { device, answer: await t.api.call('POST', '/v1/contacts/identify', device, body) };
};

describe('identifying a visitor with a signed token (userJwt)', () => {
  it("links the visitor to the token's user with the name and email it signs, and a second device to the same contact", async () => {
    const userJwt = await tokenFor({ sub: 'user-jwt-1', email: 'ada@example.com', name: 'Ada Lovelace' });
    const { device, answer } = await identify({ userJwt });
    expect(answer.status).toBe(200);
    expect(answer.body.contact).toMatchObject({ externalId: 'user-jwt-1', email: 'ada@example.com', name: 'Ada Lovelace' });
    await t.api.call('POST', '/v1/conversations', device, { conversationId: 'jwt-shared' });
    const other = await identify({ userJwt, externalId: 'user-jwt-1' });
    expect(other.answer.body.contact.id).toBe(answer.body.contact.id);
    expect((await t.api.call('GET', '/v1/conversations', other.device)).body.conversations.map((c: { id: string }) => c.id)).toEqual(['jwt-shared']);
  });

  it('refuses, 401 saying why, a token expired, signed with another secret or another algorithm, without an expiry, or not a token', async () => {
    const refusals = [
      [await tokenFor({ sub: 'u' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }), 'userJwt has expired'],
      [await tokenFor({ sub: 'u' }, { secret: 'not-the-website-secret' }), "userJwt's signature does not match"],
      [await tokenFor({ sub: 'u' }, { alg: 'HS512' }), 'userJwt must be signed with HS256'],
      [await tokenFor({ sub: 'u' }, { expiresIn: null }), "userJwt's exp claim is missing"],
      [await tokenFor({}), "userJwt's sub claim is missing"],
      ['not.a.token', 'userJwt is not a signed JWT'],
    ] as const;
    for (const [userJwt, reason] of refusals) {
      const { answer } = await identify({ userJwt });
      expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status: 401, code: 'ERR_UNAUTHENTICATED' });
      expect(answer.body.error.message).toContain(reason);
    }
    // Signed with the identity secret itself (the key userHash uses), or living longer than a day: refused too.
    const withSecret = await tokenFor({ sub: 'u' }, { secret: t.app.keys.identitySecret });
    expect((await identify({ userJwt: withSecret })).answer.body.error.message).toContain("signature does not match: sign it with this website's identity token key");
    const lasting = (await identify({ userJwt: await tokenFor({ sub: 'u' }, { expiresIn: '25h' }) })).answer;
    expect({ status: lasting.status, message: lasting.body.error.message }).toEqual({ status: 401, message: expect.stringContaining('expires more than 24 hours from now') });
    expect((await identify({ userJwt: await tokenFor({ sub: 'user-jwt-day' }, { expiresIn: '23h' }) })).answer.status).toBe(200);
    // An unsigned token ("alg": "none") proves nothing either.
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'u', exp: 4_102_444_800 })).toString('base64url')}.`;
    expect((await identify({ userJwt: unsigned })).answer.status).toBe(401);
  });

  it('takes name and email from the token only, refusing them beside it, and a claim of the wrong shape names it', async () => {
    const userJwt = await tokenFor({ sub: 'user-jwt-2', email: 'bob@example.com' });
    const beside = (await identify({ userJwt, email: 'mallory@example.com', name: 'Mallory' })).answer;
    expect(beside.status).toBe(400);
    expect(beside.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.email', 'body.name']);
    const other = (await identify({ userJwt, externalId: 'someone-else' })).answer;
    expect(other.status).toBe(400);
    expect(other.body.error.details.fields).toEqual([{ path: 'body.externalId', message: "names another user than userJwt's sub" }]);
    const both = (await identify({ userJwt, externalId: 'user-jwt-2', userHash: 'ab' })).answer;
    expect(both.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.userHash']);
    const badEmail = (await identify({ userJwt: await tokenFor({ sub: 'user-jwt-3', email: 'not an address' }) })).answer;
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.userJwt.email']);
  });

  it('still takes externalId with userHash, and says what is missing when neither proof is given', async () => {
    const none = (await identify({ externalId: 'user-jwt-4' })).answer;
    expect(none.status).toBe(400);
    expect(none.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.userHash']);
    const empty = (await identify({})).answer;
    expect(empty.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.externalId', 'body.userHash']);
  });

  it("cannot be forged from a userHash: an id chosen to be a token's header and payload gives a hash that is no token's signature", async () => {
    const signingInput = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'victim-42', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')}`;
    const hashOfChosenId = userHashOf(t.app.keys.identitySecret, signingInput);
    const forged = `${signingInput}.${Buffer.from(hashOfChosenId, 'hex').toString('base64url')}`;
    const { answer } = await identify({ userJwt: forged });
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toContain('signature does not match');
  });
});
