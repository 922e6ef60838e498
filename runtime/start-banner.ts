/**
 * What `npm start` prints once it serves: where, and the keys to use. It goes to stderr, so that
 * stdout holds the log's JSON lines only. The secrets are printed for a local demo (with an inbox
 * link that signs in with the secret key: in the fragment, which no server receives) or a store
 * in memory (nowhere else to learn them); otherwise the banner says where they are kept, so they
 * do not end up in every log collector at every restart.
 */
import type { Store } from '../activities/store';
import type { AppConfig } from './config';
import { keysPath, type WebsiteKeys } from './keys';
import { identityTokenKey } from '../server/services/identity-token';

/** A person on the team to act as (the first by name), or undefined when the team has none: the seeded one may have been removed. */
export async function personToActAs(store: Pick<Store, 'listTeamMembers'>, websiteId: string): Promise<string | undefined> {
  return (await store.listTeamMembers(websiteId)).find((member) => member.kind === 'human')?.id;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/** `url` is where this machine reaches the server; listening on every interface, others reach it at this machine's own addresses. */
const listening = (url: string, host: string) =>
  WILDCARD_HOSTS.has(host) ? `Support chat listening on every interface (HOST=${host}); on this machine ${url}` : `Support chat listening on ${url}`;

export function startBanner(
  url: string,
  keys: WebsiteKeys,
  config: Pick<AppConfig, 'demoPages' | 'dataDir' | 'store' | 'host'>,
  actor: string | undefined,
): string {
  const showSecrets = config.demoPages || config.store.memory;
  const inbox = config.demoPages ? `${url}/inbox#secretKey=${encodeURIComponent(keys.secretKey)}` : `${url}/inbox  (sign in with the secret key)`;
  return [
    '',
    listening(url, config.host),
    `  widget demo  ${url}/`,
    `  agent inbox  ${inbox}`,
    `  public key   ${keys.publicKey}`,
    ...(showSecrets
      ? [`  secret key   ${keys.secretKey}`, `  identity secret ${keys.identitySecret}`, `  identity token key ${identityTokenKey(keys.identitySecret)}  (signs userJwt)`]
      : [`  secret key and identity secret in ${keysPath(config.dataDir)}`]),
    actor
      ? `  act as       X-Actor-User-Id: ${actor}`
      : `  act as       nobody yet: add a person with POST /v1/team/members {"name": "…"} (secret key), then X-Actor-User-Id: <their id>`,
    `  data         ${config.store.memory ? '(in memory)' : config.dataDir}`,
    '',
    '',
  ].join('\n');
}
