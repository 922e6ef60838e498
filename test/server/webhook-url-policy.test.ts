import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { postJson } from '../../server/webhooks/post';
import { guardedLookup, isPublicAddress } from '../../server/webhooks/url-policy';

describe('Webhook URL policy', () => {
  it('takes public addresses, and no loopback, private, link-local or mapped one', () => {
    expect(['93.184.216.34', '8.8.8.8', '2606:4700::1111'].filter(isPublicAddress)).toHaveLength(3);
    expect(['127.0.0.1', '10.0.0.8', '172.20.1.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12::1', '::ffff:10.0.0.1'].filter(isPublicAddress)).toEqual([]);
    // As a URL writes a mapped address (`https://[::ffff:127.0.0.1]/` has the host `[::ffff:7f00:1]`).
    expect(['::ffff:7f00:1', '::ffff:a9fe:a9fe', '::FFFF:c0a8:101'].filter(isPublicAddress)).toEqual([]);
    expect(isPublicAddress('::ffff:808:808')).toBe(true);
  });

  it("refuses, as it connects, a name that resolves to a loopback address, without saying the address (the website's admin reads it)", async () => {
    const lookup = guardedLookup(false)!;
    const error = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (err) => resolve(err)));
    expect(error?.message).toBe('localhost resolves to a loopback, private or link-local address');
  });

  it('neither sends to a private address nor follows a redirect when sending', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(302, { Location: 'https://hooks.example.com/elsewhere' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      expect(await postJson(url, '{}', { headers: {}, timeoutMs: 2_000, allowPrivate: false })).toEqual({ error: 'url must be an https: URL' });
      expect(hits).toBe(0);
      expect(await postJson(url, '{}', { headers: {}, timeoutMs: 2_000, allowPrivate: true })).toEqual({ statusCode: 302 });
      expect(hits).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
