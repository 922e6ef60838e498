/**
 * Which caller a request comes from, for the per-IP limits: REST calls (Express's `req.ip`) and
 * WebSocket upgrades, which never pass through Express, by one rule.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * The hops whose `X-Forwarded-For` is believed (TRUST_PROXY), as Express's `trust proxy` takes
 * them: how many hops, or addresses, subnets and proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = number | string[];

export type ProxyTrust = (address: string, hop: number) => boolean;

/** Throws, naming the entry, for one that is neither an address, a subnet nor a name. */
export const proxyTrust = (setting: TrustProxy): ProxyTrust =>
  typeof setting === 'number' ? (_address, hop) => hop < setting : proxyaddr.compile(setting);

/** The client's address as Express's `req.ip` gives it, for a request Express did not see. */
export const clientIpOf = (req: IncomingMessage, trust: ProxyTrust): string => proxyaddr(req, trust);
