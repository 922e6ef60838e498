/**
 * What `npm start` prints once it serves: where, and the keys to use. It goes to stderr, so that
 * stdout holds the log's JSON lines only. The secrets are printed for a local demo (with an inbox
 * link that signs in with the secret key: in the fragment, which no server receives) or a store
 * in memory (nowhere else to learn them); otherwise the banner says where they are kept, so they
 * do not end up in every log collector at every restart.
 */
import type { AppConfig } from './config';
import { keysPath, type WebsiteKeys } from './keys';
import { DEFAULT_AGENT_ID } from './seed';

export function startBanner(url: string, keys: WebsiteKeys, config: Pick<AppConfig, 'demoPages' | 'dataDir' | 'store'>): string {
  const showSecrets = config.demoPages || config.store.memory;
  const inbox = config.demoPages ? `${url}/inbox#secretKey=${encodeURIComponent(keys.secretKey)}` : `${url}/inbox  (sign in with the secret key)`;
  return [
    '',
    `Support chat listening on ${url}`,
    `  widget demo  ${url}/`,
    `  agent inbox  ${inbox}`,
    `  public key   ${keys.publicKey}`,
    ...(showSecrets
      ? [`  secret key   ${keys.secretKey}`, `  identity secret ${keys.identitySecret}`]
      : [`  secret key and identity secret in ${keysPath(config.dataDir)}`]),
    `  act as       X-Actor-User-Id: ${DEFAULT_AGENT_ID}`,
    `  data         ${config.store.memory ? '(in memory)' : config.dataDir}`,
    '',
    '',
  ].join('\n');
}
