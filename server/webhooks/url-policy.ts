/**
 * Where webhooks may be sent. By default only `https:` URLs whose host is a public address: an
 * endpoint must not make the server reach its own network (metadata services, the store, an admin
 * page on loopback). The host is checked when the URL is given, and its addresses again as each
 * delivery connects (`guardedLookup`), so a name that later resolves to a private address
 * (DNS rebinding) is refused then. `allowPrivate` (WEBHOOK_ALLOW_PRIVATE_URLS) lifts both, for
 * receivers on the same machine or network, and allows `http:`.
 */
import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** An IPv4 address written as IPv6 (`::ffff:127.0.0.1`, or as a URL writes it, `::ffff:7f00:1`) is judged as the IPv4 one it is. */
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const MAPPED_IPV4_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

function mappedIpv4(address: string): string | undefined {
  const dotted = MAPPED_IPV4.exec(address)?.[1];
  if (dotted) return dotted;
  const hex = MAPPED_IPV4_HEX.exec(address);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export function isPublicAddress(address: string): boolean {
  const mapped = mappedIpv4(address);
  if (mapped) return isPublicAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a webhook may not be sent to this URL, or undefined when it may (its name resolved later, as it is sent). */
export function urlRefusal(url: URL, allowPrivate: boolean): string | undefined {
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return allowPrivate ? 'must be an http: or https: URL' : 'must be an https: URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !isPublicAddress(host)) return 'must not name a loopback, private or link-local address';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not name a loopback, private or link-local address';
  return undefined;
}

export class RefusedAddressError extends Error {
  constructor(host: string) {
    // Not the address itself: the deliveries list shows this to the website's admin, who need not learn the operator's network.
    super(`${host} resolves to a loopback, private or link-local address`);
    this.name = 'RefusedAddressError';
  }
}

/** A `lookup` for the request that connects: every address the name has must be public, and the one connected to is one of them. */
export function guardedLookup(allowPrivate: boolean): LookupFunction | undefined {
  if (allowPrivate) return undefined;
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find(({ address }) => !isPublicAddress(address));
      if (refused) return callback(new RefusedAddressError(hostname), '', 0);
      if (options.all) return (callback as unknown as (e: null, all: typeof addresses) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}
