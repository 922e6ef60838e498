/** The start banner shows the secrets only where nothing else would tell them, or for a local demo. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config';
import { startBanner } from '../../runtime/start-banner';

const keys = { publicKey: 'pk_public0123', secretKey: 'sk_secret0123456789', identitySecret: 'identity-secret-0123' };
const URL = 'http://127.0.0.1:3000';

describe('startBanner', () => {
  it('for a local demo: the secrets, and an inbox link carrying the secret key in its fragment', () => {
    const banner = startBanner(URL, keys, loadConfig({ DATA_DIR: '/srv/chat' }));
    expect(banner).toContain(`${URL}/inbox#secretKey=${keys.secretKey}`);
    expect(banner).toContain(keys.identitySecret);
  });

  it('for a server others reach: where the secrets are kept, not the secrets', () => {
    const banner = startBanner(URL, keys, loadConfig({ HOST: '0.0.0.0', DATA_DIR: '/srv/chat' }));
    expect(banner).toContain(keys.publicKey);
    expect(banner).not.toContain(keys.secretKey);
    expect(banner).not.toContain(keys.identitySecret);
    expect(banner).toContain('/srv/chat/keys.json');
    expect(banner).toContain(`${URL}/inbox  (sign in with the secret key)`);
  });

  it('with the store in memory: the secrets, kept nowhere else', () => {
    const banner = startBanner(URL, keys, loadConfig({ HOST: '0.0.0.0', EMBEDDED_MONGO_MEMORY: 'true' }));
    expect(banner).toContain(keys.secretKey);
    expect(banner).toContain('(in memory)');
  });
});
