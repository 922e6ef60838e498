/**
 * Sockets opened with member tokens, checked against the store again: once right after each is
 * routed (a revocation handled while its upgrade was authenticating found nothing to close), and on
 * every heartbeat (a revocation whose word never came, a secret key replaced on another instance).
 * A socket whose token no longer stands closes as a refused one does (4401).
 */
import type { Logger } from 'pino';
import type { Store } from '../../activities/store';
import { memberTokenRefusal } from '../auth';
import type { Connection } from './connection';

export class TokenSockets {
  constructor(
    private readonly store: Pick<Store, 'memberTokensStanding' | 'getWebsite'>,
    private readonly closeCode: number,
    private readonly log: Logger,
  ) {}

  /** Checks the sockets among `conns` that a member token opened, by the rule authentication applies; never rejects. */
  async check(conns: Iterable<Connection>): Promise<void> {
    const byToken = new Map<string, Connection[]>();
    for (const conn of conns) {
      const token = conn.caller.kind === 'agent' ? conn.caller.token : undefined;
      if (token) byToken.set(token.id, [...(byToken.get(token.id) ?? []), conn]);
    }
    if (byToken.size === 0) return;
    try {
      const standing = await this.store.memberTokensStanding([...byToken.keys()]);
      const websites = new Map<string, Awaited<ReturnType<Store['getWebsite']>>>();
      for (const [conn] of byToken.values()) {
        const websiteId = conn!.caller.website.id;
        if (!websites.has(websiteId)) websites.set(websiteId, await this.store.getWebsite(websiteId));
      }
      for (const [tokenId, sockets] of byToken) {
        for (const conn of sockets) {
          const token = standing.get(tokenId);
          const website = websites.get(conn.caller.website.id);
          const refusal = !token || !website ? 'member token revoked' : memberTokenRefusal(token, website);
          if (refusal) conn.ws.close(this.closeCode, refusal);
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'checking the member tokens of open sockets failed; the next heartbeat checks again');
    }
  }
}
