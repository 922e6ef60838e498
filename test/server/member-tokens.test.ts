import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { TeamChangeSession } from '../../activities/store';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { keyFingerprintOf, newMemberToken } from '../../server/member-token-secrets';
import { AGENT, upgrade, type SocketClient, type Who } from './support/clients';
import { useTestApp } from './support/app';

// Beats often, so the sockets' token checks on each heartbeat show within a test.
const t = useTestApp({ ws: { heartbeatMs: 300 } });

const BACKEND = { agent: null };

/** Adds a person to the team. */
async function person(id: string): Promise<void> {
  expect((await t.api.call('POST', '/v1/team/members', AGENT, { id, name: id })).status).toBe(201);
}

async function tokenFor(memberId: string, body: object = {}): Promise<{ token: string; tokenId: string; expiresAt: string }> {
  const made = await t.api.call('POST', `/v1/team/members/${memberId}/tokens`, BACKEND, body);
  expect(made.status).toBe(201);
  return made.body;
}

async function conversation(id: string): Promise<void> {
  const visitor = { visitorId: await t.api.newVisitor() };
  expect((await t.api.call('POST', '/v1/conversations', visitor, { conversationId: id })).status).toBe(201);
}

const post = (who: Who | Record<string, string>, conversationId: string, text: string) =>
  t.api.call('POST', '/v1/messages', who, { conversationId, item: { type: 'message', text } });

/**
 * Makes a token for `memberId` while a change of the team, `during` (given the change's
 * transaction), is written and not yet committed; the answer, or 'waited' if it took longer than
 * the change was held open (it then comes once the change commits).
 */
async function tokenDuringTeamChange(memberId: string, during: (session: TeamChangeSession) => Promise<unknown>) {
  let made: Promise<{ status: number }> | undefined;
  const beforeCommit = await t.app.store.changeTeam(t.app.websiteId, async (session) => {
    await during(session);
    made ??= t.api.call('POST', `/v1/team/members/${memberId}/tokens`, BACKEND, {});
    return Promise.race([made, sleep(3_000, 'waited' as const)]);
  });
  return { beforeCommit, afterCommit: await made! };
}

/** Resolves with the close code once the socket closes. */
const closeCodeOf = (socket: SocketClient): Promise<number> => new Promise((resolve) => socket.ws.once('close', (code) => resolve(code)));

describe('Member tokens', () => {
  it('a token acts as its person only: writes are theirs, and it cannot name anyone else', async () => {
    await person('usr-tok-ana');
    await conversation('tok-1');
    const { token, expiresAt } = await tokenFor('usr-tok-ana');
    expect(token).toMatch(/^mt_[0-9a-f]{24}\.[A-Za-z0-9_-]{43}$/);
    // Twelve hours unless asked otherwise.
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(11.9 * 3600_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(12 * 3600_000);

    const written = await post({ memberToken: token }, 'tok-1', 'hello from Ana');
    expect(written.status).toBe(201);
    expect(written.body.item.author).toEqual({ kind: 'human', id: 'usr-tok-ana' });
    const asOther = await post({ Authorization: `Bearer ${token}`, 'X-Actor-User-Id': AGENT.agent }, 'tok-1', 'pretending');
    expect(asOther.status).toBe(403);
    expect(asOther.body.error.message).toContain('only as its own team member');
    expect((await post({ Authorization: `Bearer ${token}`, 'X-Actor-User-Id': 'usr-tok-ana' }, 'tok-1', 'as myself')).status).toBe(201);

    const me = await t.api.call('GET', '/v1/team/me', { memberToken: token });
    expect(me.body.member).toMatchObject({ id: 'usr-tok-ana', name: 'usr-tok-ana', kind: 'human' });
    const socket = await t.open({ memberToken: token });
    expect(socket.of('CONNECTION_ESTABLISHED')[0]!.payload.userId).toBe('usr-tok-ana');
    await socket.close();
  });

  it('only the secret key makes tokens, for people on the team, for a minute to a week', async () => {
    await person('usr-tok-ben');
    const { token } = await tokenFor('usr-tok-ben');
    const byToken = await t.api.call('POST', '/v1/team/members/usr-tok-ben/tokens', { memberToken: token }, {});
    expect(byToken.status).toBe(403);
    expect(byToken.body.error.message).toContain('secret key');
    expect((await t.api.call('POST', '/v1/team/members/usr-nobody/tokens', BACKEND, {})).status).toBe(404);
    expect((await t.api.call('POST', `/v1/team/members/${DEFAULT_ASSISTANT_ID}/tokens`, BACKEND, {})).status).toBe(409);
    for (const expiresInSeconds of [59, 7 * 24 * 3600 + 1, 1.5]) {
      const refused = await t.api.call('POST', '/v1/team/members/usr-tok-ben/tokens', BACKEND, { expiresInSeconds });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.fields[0].path).toBe('body.expiresInSeconds');
    }
    const short = await tokenFor('usr-tok-ben', { expiresInSeconds: 60 });
    expect(Date.parse(short.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it('a wrong, malformed or unknown token is a 401, over REST and the socket, saying it may have expired (the store deletes expired tokens)', async () => {
    await person('usr-tok-cat');
    const { token } = await tokenFor('usr-tok-cat');
    const wrongSecret = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [wrongSecret, newMemberToken().token, 'mt_short']) {
      const refused = await t.api.call('GET', '/v1/conversations', { memberToken: bad });
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toContain('expired member token');
      expect((await upgrade(t.app, `/ws?token=${encodeURIComponent(bad)}`)).status).toBe(401);
    }
  });

  it('revoking a token refuses it at once and closes its sockets; the person\'s other tokens go on', async () => {
    await person('usr-tok-dan');
    const first = await tokenFor('usr-tok-dan');
    const second = await tokenFor('usr-tok-dan');
    const byFirst = await t.open({ memberToken: first.token });
    const bySecond = await t.open({ memberToken: second.token });
    const bySecretKey = await t.open({ agent: 'usr-tok-dan' });
    const firstClosed = closeCodeOf(byFirst);

    // Signing out: the person's own token revokes itself.
    expect((await t.api.call('DELETE', `/v1/team/members/usr-tok-dan/tokens/${first.tokenId}`, { memberToken: first.token })).status).toBe(204);
    expect((await t.api.call('GET', '/v1/conversations', { memberToken: first.token })).status).toBe(401);
    expect(await firstClosed).toBe(4401);
    expect((await t.api.call('GET', '/v1/conversations', { memberToken: second.token })).status).toBe(200);
    // A retry of the revoke is done already.
    expect((await t.api.call('DELETE', `/v1/team/members/usr-tok-dan/tokens/${first.tokenId}`, BACKEND)).status).toBe(204);

    // The backend revokes them all: token sockets close, the secret key's stays.
    const secondClosed = closeCodeOf(bySecond);
    expect((await t.api.call('DELETE', '/v1/team/members/usr-tok-dan/tokens', BACKEND)).status).toBe(204);
    expect(await secondClosed).toBe(4401);
    expect((await t.api.call('GET', '/v1/conversations', { memberToken: second.token })).status).toBe(401);
    expect(bySecretKey.ws.readyState).toBe(bySecretKey.ws.OPEN);
    await bySecretKey.close();
  });

  it('a person\'s token cannot revoke someone else\'s', async () => {
    await person('usr-tok-eve');
    await person('usr-tok-fay');
    const eve = await tokenFor('usr-tok-eve');
    const fay = await tokenFor('usr-tok-fay');
    const refused = await t.api.call('DELETE', `/v1/team/members/usr-tok-fay/tokens/${fay.tokenId}`, { memberToken: eve.token });
    expect(refused.status).toBe(403);
    expect((await t.api.call('GET', '/v1/conversations', { memberToken: fay.token })).status).toBe(200);
    expect((await t.api.call('DELETE', '/v1/team/members/usr-tok-fay/tokens/not-a-token-id', BACKEND)).status).toBe(400);
  });

  it('a token is made while a change of the team that leaves its person alone is under way, without waiting for it', async () => {
    await person('usr-tok-oli');
    await person('usr-tok-pam');
    const { beforeCommit } = await tokenDuringTeamChange('usr-tok-oli', (session) => t.app.store.updateTeamMember(t.app.websiteId, 'usr-tok-pam', { capacity: 3 }, session));
    expect(beforeCommit).toMatchObject({ status: 201 });
    // What the token's transaction writes on the person's record (so a removal waits for it) is the store's own.
    expect(Object.keys((await t.app.store.getTeamMember('usr-tok-oli'))!).sort()).toEqual(['capacity', 'id', 'kind', 'name', 'teams', 'websiteId']);
  });

  it('a token asked for while its person is being removed waits for the removal, and is then a 404', async () => {
    await person('usr-tok-quin');
    const { beforeCommit, afterCommit } = await tokenDuringTeamChange('usr-tok-quin', (session) => t.app.store.removeTeamMember(t.app.websiteId, 'usr-tok-quin', { kind: 'human', id: AGENT.agent }, session));
    expect(beforeCommit).toBe('waited');
    expect(afterCommit.status).toBe(404);
  });

  it('a token made as its person is removed is refused: the removal came first (404) or took it along', async () => {
    for (let round = 0; round < 8; round++) {
      const id = `usr-tok-race-${round}`;
      await person(id);
      const [made, removed] = await Promise.all([t.api.call('POST', `/v1/team/members/${id}/tokens`, BACKEND, {}), t.api.call('DELETE', `/v1/team/members/${id}`, AGENT)]);
      expect(removed.status).toBe(204);
      expect([201, 404]).toContain(made.status);
      if (made.status === 201) {
        expect(await t.app.store.getMemberToken(made.body.tokenId)).toBeNull();
        expect((await t.api.call('GET', '/v1/conversations', { memberToken: made.body.token })).status).toBe(401);
      }
    }
  });

  it('a person removed from the team takes their tokens along, also when brought back under the same id', async () => {
    await person('usr-tok-gil');
    const { token } = await tokenFor('usr-tok-gil');
    expect((await t.api.call('DELETE', '/v1/team/members/usr-tok-gil', AGENT)).status).toBe(204);
    expect((await t.api.call('GET', '/v1/conversations', { memberToken: token })).status).toBe(401);
    expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: 'usr-tok-gil', name: 'usr-tok-gil' })).status).toBe(201);
    expect((await t.api.call('GET', '/v1/conversations', { memberToken: token })).status).toBe(401);
  });

  it('an expired token is refused, and a socket it opened closes when it expires', async () => {
    await person('usr-tok-hal');
    const stored = (expiresAt: number) => {
      const made = newMemberToken();
      const record = {
        ...{ id: made.id, websiteId: t.app.websiteId, userId: 'usr-tok-hal', role: 'agent' as const, secretHash: made.secretHash, keyFingerprint: keyFingerprintOf(t.app.keys.secretKey) },
        ...{ createdAt: new Date().toISOString(), expiresAt: new Date(expiresAt).toISOString() },
      };
      return t.app.store.addMemberToken(record).then(() => made.token);
    };
    const expired = await stored(Date.now() - 1_000);
    const answer = await t.api.call('GET', '/v1/conversations', { memberToken: expired });
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toContain('expired');

    // Time enough for the socket to open on a loaded machine before the token expires; closed when it does, not before.
    const expiresAt = Date.now() + 3_000;
    const expiring = await stored(expiresAt);
    const socket = await t.open({ memberToken: expiring });
    expect(await closeCodeOf(socket)).toBe(4401);
    // Give or take a timer's slack: a Node timer counts from its event loop's clock, which may lag the wall clock a little.
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 100);
  });

  it('the store keeps a hash of the secret, never the token', async () => {
    await person('usr-tok-ivy');
    const { token, tokenId } = await tokenFor('usr-tok-ivy');
    const kept = await t.app.store.getMemberToken(tokenId);
    expect(kept).toMatchObject({ id: tokenId, userId: 'usr-tok-ivy', websiteId: t.app.websiteId });
    expect(JSON.stringify(kept)).not.toContain(token.split('.')[1]);
  });

  it('an agent token works the conversations; changing the team, settings or assistants needs an admin token', async () => {
    await person('usr-tok-jon');
    const agent = await tokenFor('usr-tok-jon');
    const admin = await tokenFor('usr-tok-jon', { role: 'admin' });
    expect((await tokenFor('usr-tok-jon')).token).toBeDefined();
    const add = (who: Who, id: string) => t.api.call('POST', '/v1/team/members', who, { id, name: id });
    const refused = await add({ memberToken: agent.token }, 'usr-tok-by-agent');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('admin member token');
    expect((await t.api.call('PUT', '/v1/settings/routing', { memberToken: agent.token }, { rules: [], defaultTeam: 'support' })).status).toBe(403);
    expect((await add({ memberToken: admin.token }, 'usr-tok-by-admin')).status).toBe(201);
    expect((await t.api.call('POST', '/v1/team/members/usr-tok-jon/tokens', BACKEND, { role: 'owner' })).status).toBe(400);
  });

  it('GET /v1/team/me says whether the caller may change the configuration: admin for the secret key and an admin token, agent for an agent token', async () => {
    await person('usr-tok-role');
    const roleOf = async (who: Who) => (await t.api.call('GET', '/v1/team/me', who)).body.role;
    expect(await roleOf({ memberToken: (await tokenFor('usr-tok-role')).token })).toBe('agent');
    expect(await roleOf({ memberToken: (await tokenFor('usr-tok-role', { role: 'admin' })).token })).toBe('admin');
    expect(await roleOf(AGENT)).toBe('admin');
  });

  it('a token revoked without word to the instance (a lost event) still closes its socket at the next heartbeat', async () => {
    await person('usr-tok-kim');
    const { token, tokenId } = await tokenFor('usr-tok-kim');
    const socket = await t.open({ memberToken: token });
    const closed = closeCodeOf(socket);
    // Straight in the store: no instance hears of it.
    expect(await t.app.store.revokeMemberTokens(t.app.websiteId, 'usr-tok-kim', tokenId)).toBe(1);
    expect(await closed).toBe(4401);
  });

  it('revoking someone else\'s token id by a person\'s id is a 404, not a 204 that revoked nothing', async () => {
    await person('usr-tok-lou');
    await person('usr-tok-max');
    const max = await tokenFor('usr-tok-max');
    const mixed = await t.api.call('DELETE', `/v1/team/members/usr-tok-lou/tokens/${max.tokenId}`, BACKEND);
    expect(mixed.status).toBe(404);
    expect((await t.api.call('GET', '/v1/conversations', { memberToken: max.token })).status).toBe(200);
  });

  it('a token id that is not the person\'s answers the same whether it is someone else\'s or nobody\'s, so it does not tell that another\'s exists', async () => {
    await person('usr-tok-ola');
    await person('usr-tok-pia');
    const pia = await tokenFor('usr-tok-pia');
    const ola = await tokenFor('usr-tok-ola');
    const nobodys = newMemberToken().id;
    for (const who of [BACKEND, { memberToken: ola.token }]) {
      const [someoneElses, none] = await Promise.all(
        [pia.tokenId, nobodys].map(async (tokenId) => {
          const answer = await t.api.call('DELETE', `/v1/team/members/usr-tok-ola/tokens/${tokenId}`, who);
          return { status: answer.status, body: JSON.stringify(answer.body).replace(tokenId, '<id>') };
        }),
      );
      expect(someoneElses).toEqual(none);
      expect(none!.status).toBe(404);
    }
    // The person's own, revoked already (here with all of theirs), is still a retry that is done.
    expect((await t.api.call('DELETE', '/v1/team/members/usr-tok-ola/tokens', BACKEND)).status).toBe(204);
    expect((await t.api.call('DELETE', `/v1/team/members/usr-tok-ola/tokens/${ola.tokenId}`, BACKEND)).status).toBe(204);
    expect((await t.api.call('GET', '/v1/conversations', { memberToken: ola.token })).status).toBe(401);
    expect((await t.api.call('GET', '/v1/conversations', { memberToken: pia.token })).status).toBe(200);
  });

  // Last: it replaces the website's secret key (and puts it back).
  it('a new secret key ends the tokens the old one made, over REST and on open sockets', async () => {
    await person('usr-tok-ned');
    const used = await tokenFor('usr-tok-ned');
    const unused = await tokenFor('usr-tok-ned');
    const socket = await t.open({ memberToken: used.token });
    const closed = closeCodeOf(socket);
    const website = (await t.app.store.getWebsite(t.app.websiteId))!;
    await t.app.store.ensureWebsite(website, { secretKey: 'sk_replaced_0123456789abcdef' });
    try {
      expect(await closed).toBe(4401);
      const refused = await t.api.call('GET', '/v1/conversations', { memberToken: unused.token });
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toContain('secret key since replaced');
    } finally {
      await t.app.store.ensureWebsite(website, { secretKey: website.secretKey });
    }
  });
});
