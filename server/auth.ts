/**
 * Authentication, shared by REST (headers) and WebSocket (query parameters):
 * - public key + visitor id, with the calling page's origin checked against the website's allowed origins;
 * - secret key + actor user id naming a team member (without an actor: read-only);
 * - a member token (`mt_…`), which acts as the one person it was made for.
 */
import type { StoredMemberToken } from '../activities/store';
import { AppError } from '../domain/errors';
import type { TeamMember, Visitor, Website } from '../domain/people';
import type { AgentCaller, Caller } from './caller';
import { invalidField } from './http-errors';
import { isMemberToken, keyFingerprintOf, parseMemberToken, secretMatches } from './member-token-secrets';

/** The lookups authentication needs; runtime wiring backs them with the store. */
export interface AuthDirectory {
  websiteByPublicKey(publicKey: string): Promise<Website | undefined>;
  websiteBySecretKey(secretKey: string): Promise<Website | undefined>;
  teamMember(websiteId: string, userId: string): Promise<TeamMember | undefined>;
  /** A member token and its website, by the token's id; undefined when there is none (or it was revoked). */
  memberToken(tokenId: string): Promise<{ token: StoredMemberToken; website: Website } | undefined>;
  /** Gets the visitor, creating it on first sight (with a new id when none is given). */
  visitor(websiteId: string, visitorId: string | undefined): Promise<Visitor>;
}

export interface Credentials {
  publicKey?: string;
  visitorId?: string;
  origin?: string;
  /** The `Host` the request was sent to: a page of that host is one of this server's own. */
  host?: string;
  /** What `Authorization: Bearer` (or `?token=`) carries: the secret key or a member token. */
  bearer?: string;
  actorUserId?: string;
}

/**
 * A credential's value among those sent: none, one, or a `400` naming it (`name`, at `path`). Two
 * (`?token=a&token=b`, two `X-Actor-User-Id` headers) are refused rather than one of them taken:
 * which would act would be the server's guess. An empty value is none.
 */
export function onlyValue(sent: readonly string[], path: string, name: string): string | undefined {
  const given = sent.filter((value) => value !== '');
  if (given.length > 1) throw invalidField(path, `given ${given.length} times: give ${name} once`);
  return given[0];
}

/**
 * Credentials as query parameters, for callers that cannot set headers (browser WebSockets,
 * `<img src>`): `publicKey` + `visitorId`, or `token` + `actorUserId`. `sent` gives a parameter's
 * every value.
 */
export function credentialsFromQuery(sent: (name: string) => readonly string[], page: Pick<Credentials, 'origin' | 'host'>): Credentials {
  const param = (name: string) => onlyValue(sent(name), `query.${name}`, name);
  return { publicKey: param('publicKey'), visitorId: param('visitorId'), bearer: param('token'), actorUserId: param('actorUserId'), ...page };
}

const VISITOR_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export function originAllowed(website: Website, origin: string | undefined): boolean {
  if (website.allowedOrigins.length === 0) return true;
  if (!origin) return false;
  const normalized = origin.replace(/\/$/, '').toLowerCase();
  return website.allowedOrigins.some((allowed) => allowed.replace(/\/$/, '').toLowerCase() === normalized);
}

/** No website has the public key the caller sent: the page's owner mistyped the widget's key (see allowOriginOfErrors). */
export class UnknownPublicKeyError extends AppError {
  constructor() {
    super('ERR_UNAUTHENTICATED', 'Unknown public key: check the widget\'s data-public-key (X-Public-Key)');
  }
}

/**
 * Whether the calling page is one of this server's own (the demo at `/`, the inbox): its origin
 * names the host the request was sent to. Those work whatever ALLOWED_ORIGINS says. A browser
 * cannot send another page's origin, and no credential here is ambient (no cookies), so a name
 * rebound to this server's address gains nothing a script outside a browser does not have.
 */
export function isOwnOrigin(origin: string | undefined, host: string | undefined): boolean {
  return !!origin && !!host && URL.canParse(origin) && new URL(origin).host === host.toLowerCase();
}

export interface AuthenticateOptions {
  /** Give a visitor who calls without an id a new one (only `GET /v1/websites` does). */
  createVisitor?: boolean;
}

/**
 * A member token's caller: the person it was made for, while the token is unexpired and unrevoked
 * and the person is still on the team. `X-Actor-User-Id`, if sent, may only name that person.
 */
async function memberTokenCaller(directory: AuthDirectory, token: string, actorUserId: string | undefined): Promise<AgentCaller> {
  const parsed = parseMemberToken(token);
  const found = parsed && (await directory.memberToken(parsed.id));
  // An expired token is deleted within about a minute (a TTL index), after which it is unknown too.
  if (!parsed || !found || !secretMatches(parsed.secret, found.token.secretHash)) throw new AppError('ERR_UNAUTHENTICATED', 'Unknown, revoked or expired member token: ask your backend for a new one');
  const { token: stored, website } = found;
  const refusal = memberTokenRefusal(stored, website);
  if (refusal) throw new AppError('ERR_UNAUTHENTICATED', refusal);
  const member = await directory.teamMember(website.id, stored.userId);
  if (!member) throw new AppError('ERR_UNAUTHENTICATED', 'The member token\'s team member is no longer on the team');
  if (actorUserId !== undefined && actorUserId !== member.id) throw new AppError('ERR_FORBIDDEN', 'A member token acts only as its own team member');
  return { kind: 'agent', website, userId: member.id, memberKind: member.kind, token: { id: stored.id, role: stored.role, expiresAt: stored.expiresAt } };
}

/** Why a stored member token no longer stands (expired, or made under a secret key since replaced), or undefined. */
export function memberTokenRefusal(token: Pick<StoredMemberToken, 'expiresAt' | 'keyFingerprint'>, website: Pick<Website, 'secretKey'>): string | undefined {
  if (Date.parse(token.expiresAt) <= Date.now()) return 'The member token has expired: ask your backend for a new one';
  if (token.keyFingerprint !== keyFingerprintOf(website.secretKey)) return 'The member token was made under a secret key since replaced: ask your backend for a new one';
  return undefined;
}

/** A bearer that is no secret key; a public key there is a mix-up of the two credentials, said as such. */
const unknownBearer = (bearer: string): string =>
  bearer.startsWith('pk_')
    ? 'That is a public key: it goes in X-Public-Key (with X-Visitor-Id); Authorization: Bearer takes the secret key or a member token'
    : 'Unknown secret key';

export async function authenticate(directory: AuthDirectory, creds: Credentials, options: AuthenticateOptions = {}): Promise<Caller> {
  if (creds.bearer && isMemberToken(creds.bearer)) return memberTokenCaller(directory, creds.bearer, creds.actorUserId);
  if (creds.bearer) {
    const website = await directory.websiteBySecretKey(creds.bearer);
    if (!website) throw new AppError('ERR_UNAUTHENTICATED', unknownBearer(creds.bearer));
    if (!creds.actorUserId) return { kind: 'agent', website };
    const member = await directory.teamMember(website.id, creds.actorUserId);
    if (!member) throw new AppError('ERR_UNAUTHENTICATED', 'The actor user id names no team member of this website');
    return { kind: 'agent', website, userId: member.id, memberKind: member.kind };
  }
  if (creds.publicKey) {
    const website = await directory.websiteByPublicKey(creds.publicKey);
    if (!website) throw new UnknownPublicKeyError();
    if (!originAllowed(website, creds.origin) && !isOwnOrigin(creds.origin, creds.host)) throw new AppError('ERR_FORBIDDEN', 'Origin not allowed for this website');
    const { visitorId } = creds;
    if (!visitorId && !options.createVisitor) throw new AppError('ERR_UNAUTHENTICATED', 'A visitor id is required');
    if (visitorId && !VISITOR_ID.test(visitorId)) {
      throw new AppError('ERR_INVALID_INPUT', 'Malformed visitor id', { fields: [{ path: 'visitorId', message: 'expected 1-128 of A-Z a-z 0-9 _ . : -' }] });
    }
    const visitor = await directory.visitor(website.id, visitorId);
    return { kind: 'visitor', website, visitorId: visitor.id, ...(visitor.contactId ? { contactId: visitor.contactId } : {}) };
  }
  throw new AppError(
    'ERR_UNAUTHENTICATED',
    'Missing credentials: the widget sends X-Public-Key and X-Visitor-Id; the team sends Authorization: Bearer <secret key or member token>',
  );
}
