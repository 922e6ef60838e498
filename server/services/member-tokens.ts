/**
 * Member tokens made and revoked: the website's backend, which signs its own people in, makes each
 * person's page a token that acts only as that person (the secret key would let it act as anyone),
 * for a bounded time; a person signs out by revoking their token, or all of theirs, and every
 * instance refuses it from then on and closes the sockets it opened.
 */
import type { MemberTokenRole, Store } from '../../activities/store';
import { AppError } from '../../domain/errors';
import { requireAgent, type Caller } from '../caller';
import type { StoreDirectory } from '../directory';
import { KeyedLines } from '../keyed-lines';
import { keyFingerprintOf, newMemberToken } from '../member-token-secrets';
import type { EphemeralPublisher } from '../realtime/ephemeral';
import type { TeamMembers } from './team-members';

export interface MemberTokensDeps {
  store: Store;
  directory: Pick<StoreDirectory, 'forgetMemberTokens'>;
  publisher: Pick<EphemeralPublisher, 'memberTokensRevoked'>;
  teamMembers: Pick<TeamMembers, 'ofKind'>;
}

/** What the backend is given, once: the token itself is not kept. */
export interface MadeMemberToken {
  token: string;
  tokenId: string;
  memberId: string;
  role: MemberTokenRole;
  expiresAt: string;
}

export class MemberTokens {
  /** One token made for a person at a time on this instance: the transactions of two at once would conflict and run again. */
  private readonly lines = new KeyedLines();

  constructor(private readonly deps: MemberTokensDeps) {}

  /**
   * A token for a person on the team, made by the website's secret key only (a member token cannot
   * make more). Written in a transaction that waits for any change of that person, so a removal of
   * the person at the same moment either comes first (a 404) or takes the token along; tokens for
   * other people, and changes of the team that leave the person alone, go on alongside.
   */
  async make(caller: Caller, memberId: string, { lifetimeSeconds, role }: { lifetimeSeconds: number; role: MemberTokenRole }): Promise<MadeMemberToken> {
    const agent = requireAgent(caller);
    if (agent.token) throw new AppError('ERR_FORBIDDEN', 'A member token cannot make tokens: your backend makes them with the website\'s secret key');
    const { id: websiteId, secretKey } = agent.website;
    const { id, token, secretHash } = newMemberToken();
    const now = Date.now();
    const expiresAt = new Date(now + lifetimeSeconds * 1000).toISOString();
    const stored = { id, websiteId, userId: memberId, role, createdAt: new Date(now).toISOString(), expiresAt, secretHash, keyFingerprint: keyFingerprintOf(secretKey) };
    await this.lines.run(memberId, () =>
      this.deps.store.changeForMember(websiteId, memberId, async (session) => {
        // People only: the AI assistant acts through the server, never through a page.
        await this.deps.teamMembers.ofKind(websiteId, memberId, 'human', session);
        await this.deps.store.addMemberToken(stored, session);
      }),
    );
    return { token, tokenId: id, memberId, role, expiresAt };
  }

  /**
   * Revokes one of a person's tokens, or all of them: by the secret key, or by that person's own
   * token (signing out). Revoking one revoked already is done, as a retry needs. A token id that is
   * not the person's is a 404, the same whether it is someone else's or nobody's, so the answer
   * does not tell whether another person's token exists.
   */
  async revoke(caller: Caller, memberId: string, tokenId?: string): Promise<void> {
    const agent = requireAgent(caller);
    if (agent.token && agent.userId !== memberId) throw new AppError('ERR_FORBIDDEN', 'A member token may revoke only its own member\'s tokens');
    const websiteId = agent.website.id;
    await this.deps.teamMembers.ofKind(websiteId, memberId, 'human');
    const named = await this.deps.store.revokeMemberTokens(websiteId, memberId, tokenId);
    if (named === 0 && tokenId !== undefined) throw new AppError('ERR_NOT_FOUND', `${tokenId} is not a token of ${memberId}`);
    // Refused here at once; other instances as they hear of it (within the directory's cache time at most).
    this.deps.directory.forgetMemberTokens(memberId);
    await this.deps.publisher.memberTokensRevoked(websiteId, { memberId, ...(tokenId === undefined ? {} : { tokenId }) });
  }
}
