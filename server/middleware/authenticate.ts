import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../domain/errors';
import { authenticate, credentialsFromQuery, onlyValue, originAllowed, type AuthDirectory, type AuthenticateOptions, type Credentials } from '../auth';
import type { Caller } from '../caller';
import { anyQuery } from '../schemas/common';
import { parseInput } from '../schemas/parse';
import { allowOrigin, varyByWidgetCors } from './cors';

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * The calling page's origin, checked against the website's allowed origins: the `Origin` header,
 * or, where a browser sends none (a plain `<img src>` GET, a same-origin GET), its `Referer`'s.
 */
function pageOriginOf(req: Request): string | undefined {
  const origin = header(req, 'origin');
  if (origin) return origin;
  const referer = header(req, 'referer');
  if (!referer || !URL.canParse(referer)) return undefined;
  const fromReferer = new URL(referer).origin;
  return fromReferer === 'null' ? undefined : fromReferer;
}

/**
 * A credential header's one value, from the headers as sent: Node keeps only the first of two
 * `Authorization` headers and joins two `X-Actor-User-Id` with a comma, neither of which is what
 * the caller meant.
 */
const CREDENTIAL_HEADERS = ['Authorization', 'X-Public-Key', 'X-Visitor-Id', 'X-Actor-User-Id'] as const;

/** Each credential header's one value, read in one pass over the headers as sent (`onlyValue`). */
function credentialHeaders(req: Request): Record<(typeof CREDENTIAL_HEADERS)[number], string | undefined> {
  const sent = new Map<string, string[]>(CREDENTIAL_HEADERS.map((name) => [name.toLowerCase(), []]));
  for (let at = 0; at < req.rawHeaders.length; at += 2) sent.get(req.rawHeaders[at]!.toLowerCase())?.push(req.rawHeaders[at + 1]!);
  const one = (name: string) => onlyValue(sent.get(name.toLowerCase())!, `headers.${name.toLowerCase()}`, name);
  return Object.fromEntries(CREDENTIAL_HEADERS.map((name) => [name, one(name)])) as Record<(typeof CREDENTIAL_HEADERS)[number], string | undefined>;
}

export function credentialsOf(req: Request): Credentials {
  const sent = credentialHeaders(req);
  return {
    publicKey: sent['X-Public-Key'],
    visitorId: sent['X-Visitor-Id'],
    origin: pageOriginOf(req),
    host: header(req, 'host'),
    bearer: /^Bearer\s+(\S+)$/i.exec(sent.Authorization ?? '')?.[1],
    actorUserId: sent['X-Actor-User-Id'],
  };
}

/** Credentials in the query, which is checked as a route's is: a bracketed or undecodable parameter is a `400` naming it. */
function queryParam(req: Request): (name: string) => string[] {
  // Read once: in Express 5 `req.query` is a getter that parses the query string again on every read.
  const query = req.query;
  parseInput(anyQuery, query, 'query');
  return (name) => [query[name]].flat().filter((value) => typeof value === 'string');
}

export interface AuthenticatedOptions extends AuthenticateOptions {
  /** Also accept query-parameter credentials when the headers carry none (file downloads). */
  queryCredentials?: boolean;
}

/** Authenticates the request and keeps the caller in `res.locals.caller`. */
export function authenticated(directory: AuthDirectory, options: AuthenticatedOptions = {}): RequestHandler {
  return async (req, res, next) => {
    const fromHeaders = credentialsOf(req);
    const creds =
      options.queryCredentials && !fromHeaders.publicKey && !fromHeaders.bearer ? credentialsFromQuery(queryParam(req), { origin: fromHeaders.origin, host: fromHeaders.host }) : fromHeaders;
    const caller = await authenticate(directory, creds, options);
    // Only a request that sent `Origin` is a CORS request whose answer needs the header. A visitor's
    // origin was checked by authentication; a team caller's page (a member token) is checked here.
    const origin = header(req, 'origin');
    if (caller.kind === 'visitor' || originAllowed(caller.website, origin)) {
      if (origin) allowOrigin(res, origin);
      else varyByWidgetCors(res);
    }
    res.locals.caller = caller;
    next();
  };
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new AppError('ERR_UNAUTHENTICATED', 'Not authenticated');
  return caller;
}
