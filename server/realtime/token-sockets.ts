/**
 * Sockets opened with member tokens, checked against the store again: once right after each is
 * routed (a revocation handled while its upgrade was authenticating found nothing to close), and on
 * every heartbeat (a revocation whose word never came, a secret key replaced on another instance).
 * A socket whose token no longer stands closes as a refused one does (4401).
 */
import type { Logger } from 'pino';
import type { Store } from '../../activities/store';
import { keyFingerprintOf } from '../member-token-secrets';
import type { Connection } from './connection';

export class TokenSockets {
  constructor(
    private readonly store: Pick<Store, 'liveMemberTokens' | 'getWebsite'>,
    private readonly closeCode: number,
    private readonly log: Logger,
  ) {}

  /** Checks the sockets among `conns` that a member token opened; never rejects. */
  async check(conns: Iterable<Connection>): Promise<void> {
    const byToken = new Map<string, Connection[]>();
    for (const conn of conns) {
      const token = conn.caller.kind === 'agent' ? conn.caller.token : undefined;
      if (token) byToken.set(token.id, [...(byToken.get(token.id) ?? []), conn]);
    }
    if (byToken.size === 0) return;
    try {
      const live = await this.store.liveMemberTokens([...byToken.keys()]);
      const websiteIds = new Set([...byToken.values()].map(([conn]) => conn!.caller.website.id));
      const keys = new Map<string, string | undefined>();
      for (const websiteId of websiteIds) {
        const website = await this.store.getWebsite(websiteId);
        keys.set(websiteId, website ? keyFingerprintOf(website.secretKey) : undefined);
      }
      for (const [tokenId, sockets] of byToken) {
        for (const conn of sockets) {
          const fingerprint = live.get(tokenId);
          if (fingerprint === undefined) conn.ws.close(this.closeCode, 'member token revoked or expired');
          else if (fingerprint !== keys.get(conn.caller.website.id)) conn.ws.close(this.closeCode, 'member token made under a secret key since replaced');
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'checking the member tokens of open sockets failed; the next heartbeat checks again');
    }
  }
}
