import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIpOf, ipLimitKey, proxyTrust, type TrustProxy } from '../../server/client-ip';

/** The IP a request from `peer` that says `forwarded` in X-Forwarded-For is charged to. */
const ipOf = (trust: TrustProxy, peer: string, forwarded: string): string =>
  clientIpOf({ socket: { remoteAddress: peer }, headers: { 'x-forwarded-for': forwarded } } as unknown as IncomingMessage, proxyTrust(trust));

describe('clientIpOf', () => {
  it('believes X-Forwarded-For from a proxy on this machine only, by default', () => {
    expect(ipOf(['loopback'], '127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    expect(ipOf(['loopback'], '172.17.0.1', '203.0.113.7')).toBe('172.17.0.1');
  });

  it('believes it from the subnets and names configured, as far back as the hops are trusted', () => {
    expect(ipOf(['loopback', '172.16.0.0/12'], '172.17.0.1', '203.0.113.7')).toBe('203.0.113.7');
    expect(ipOf(['uniquelocal'], '10.0.0.5', '203.0.113.7, 10.0.0.9')).toBe('203.0.113.7');
    expect(ipOf(['10.0.0.5'], '10.0.0.5', '203.0.113.7, 198.51.100.1')).toBe('198.51.100.1');
  });

  it('believes a hop count of proxies whatever their addresses, and 0 none', () => {
    expect(ipOf(1, '192.0.2.1', '203.0.113.7, 198.51.100.1')).toBe('198.51.100.1');
    expect(ipOf(2, '192.0.2.1', '203.0.113.7, 198.51.100.1')).toBe('203.0.113.7');
    expect(ipOf(0, '127.0.0.1', '203.0.113.7')).toBe('127.0.0.1');
  });
});

describe('ipLimitKey', () => {
  it('counts an IPv4 address as itself, also written as IPv6, and an IPv6 address by its /64', () => {
    expect(ipLimitKey('203.0.113.7')).toBe('203.0.113.7');
    expect(ipLimitKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(ipLimitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(ipLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(ipLimitKey(undefined)).toBe('unknown');
    expect(ipLimitKey('not an address')).toBe('not an address');
  });
});
