/**
 * Which caller a request comes from, for the per-IP limits: REST calls (Express's `req.ip`) and
 * WebSocket upgrades, which never pass through Express, by one rule.
 */
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
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

/**
 * The key a per-IP limit counts a caller by: an IPv4 address (also one written as IPv6, `::ffff:…`),
 * or an IPv6 address's /64, since one subscriber is handed a whole /64 and could take a new address
 * of it for each request.
 */
export function ipLimitKey(ip: string | undefined): string {
  // Every request is counted: an IPv4 address (no `:`) is taken as it is, unparsed.
  if (!ip || !ip.includes(':') || !ipaddr.IPv6.isValid(ip)) return ip ?? 'unknown';
  const v6 = ipaddr.IPv6.parse(ip);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}
