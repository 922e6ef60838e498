/**
 * Which caller a request comes from, for the per-IP limits: REST calls (Express's `req.ip`) and
 * WebSocket upgrades, which never pass through Express, by one rule.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** Hops whose `X-Forwarded-For` is believed: a reverse proxy on this machine (Express's `trust proxy`). */
export const TRUSTED_PROXIES = 'loopback';

const trusted = proxyaddr.compile(TRUSTED_PROXIES);

/** The client's address as Express's `req.ip` gives it, for a request Express did not see. */
export const clientIpOf = (req: IncomingMessage): string => proxyaddr(req, trusted);
