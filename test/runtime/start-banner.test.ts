/** The start banner shows the secrets only where nothing else would tell them, or for a local demo. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config';
import type { TeamMember } from '../../domain/people';
import { personToActAs, startBanner } from '../../runtime/start-banner';
import { identityTokenKey } from '../../server/services/identity-token';

const keys = { publicKey: 'pk_public0123', secretKey: 'sk_secret0123456789', identitySecret: 'identity-secret-0123' };
const URL = 'http://127.0.0.1:3000';

describe('startBanner', () => {
  it('for a local demo: the secrets, and an inbox link carrying the secret key in its fragment', () => {
    const banner = startBanner(URL, keys, loadConfig({ DATA_DIR: '/srv/chat' }), 'agent_alex');
    expect(banner).toContain(`${URL}/inbox#secretKey=${keys.secretKey}`);
    expect(banner).toContain(keys.identitySecret);
    expect(banner).toContain(`identity token key ${identityTokenKey(keys.identitySecret)}`);
  });

  it('for a server others reach: where the secrets are kept, not the secrets', () => {
    const banner = startBanner(URL, keys, loadConfig({ HOST: '0.0.0.0', DATA_DIR: '/srv/chat' }), 'agent_alex');
    expect(banner).toContain(keys.publicKey);
    expect(banner).not.toContain(keys.secretKey);
    expect(banner).not.toContain(keys.identitySecret);
    expect(banner).not.toContain(identityTokenKey(keys.identitySecret));
    expect(banner).toContain('/srv/chat/keys.json');
    expect(banner).toContain(`${URL}/inbox  (sign in with the secret key)`);
  });

  it('with the store in memory: the secrets, kept nowhere else', () => {
    const banner = startBanner(URL, keys, loadConfig({ HOST: '0.0.0.0', EMBEDDED_MONGO_MEMORY: 'true' }), 'agent_alex');
    expect(banner).toContain(keys.secretKey);
    expect(banner).toContain('(in memory)');
  });

  it('names a person on the team to act as, or, with nobody on it, says how to add one (the seeded person may have been removed)', async () => {
    const member = (id: string, kind: TeamMember['kind']) => ({ id, kind }) as TeamMember;
    const team = (members: TeamMember[]) => ({ listTeamMembers: async () => members });
    const sam = await personToActAs(team([member('ai_assistant', 'ai'), member('usr_sam', 'human')]), 'web_default');
    expect(sam).toBe('usr_sam');
    const named = startBanner(URL, keys, loadConfig({}), sam);
    expect(named).toContain('X-Actor-User-Id: usr_sam');
    expect(named).not.toContain('agent_alex');
    const nobody = await personToActAs(team([member('ai_assistant', 'ai')]), 'web_default');
    expect(nobody).toBeUndefined();
    const empty = startBanner(URL, keys, loadConfig({}), nobody);
    expect(empty).toContain('POST /v1/team/members');
    expect(empty).not.toContain('agent_alex');
  });

  it('says that a server on every interface (HOST=0.0.0.0) is reached at 127.0.0.1 from this machine only', () => {
    const banner = startBanner(URL, keys, loadConfig({ HOST: '0.0.0.0', DATA_DIR: '/srv/chat' }), 'agent_alex');
    expect(banner).toContain(`listening on every interface (HOST=0.0.0.0); on this machine ${URL}`);
    expect(startBanner(URL, keys, loadConfig({}), 'agent_alex')).toContain(`listening on ${URL}\n`);
  });
});
