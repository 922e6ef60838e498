import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPluginRegistry } from '../../plugins/loader';
import { AGENT } from './authors';

const rootDir = fileURLToPath(new URL('./fixtures', import.meta.url));

/** A local stand-in for Acme's webhook: answers `status`, records each body. */
async function acmeWebhook(status: number) {
  const bodies: unknown[] = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    bodies.push(JSON.parse(body));
    response.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.ACME_WEBHOOK_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  return { bodies, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('loadPluginRegistry', () => {
  afterEach(() => {
    delete process.env.ACME_WEBHOOK_URL;
  });

  it('always loads the built-in and example types', async () => {
    const registry = await loadPluginRegistry({ rootDir });
    expect(registry.isVisibleTo({ type: 'rating', visibility: 'public' }, 'visitor')).toBe(true);
    expect(registry.isVisibleTo({ type: 'quick_replies', visibility: 'public' }, 'visitor')).toBe(true);
    expect(registry.isVisibleTo({ type: 'ai_tool_call', visibility: 'public' }, 'team')).toBe(true);
  });

  it('loads a configured plugin’s workflow and activity parts', async () => {
    const registry = await loadPluginRegistry({ plugins: ['./acme'], rootDir });
    const item = registry.validateNewItem({ input: { type: 'acme.order_status', orderId: 'A-1001', status: 'shipped' }, author: AGENT, callerKind: 'human' });
    const webhook = await acmeWebhook(204);
    try {
      await registry.runEffects({ item: { ...item, id: 'i1', seq: 1, createdAt: '2025-01-01T00:00:00.000Z' }, conversationId: 'c1' });
      expect(webhook.bodies).toEqual([{ orderId: 'A-1001', status: 'shipped', conversationId: 'c1' }]);
    } finally {
      await webhook.close();
    }
  });

  it('reports a failing effect naming the plugin and the hook', async () => {
    const registry = await loadPluginRegistry({ plugins: ['./acme'], rootDir });
    const webhook = await acmeWebhook(503);
    try {
      const item = { id: 'i1', type: 'acme.order_status', seq: 1, author: AGENT, visibility: 'public' as const, createdAt: '2025-01-01T00:00:00.000Z', fields: { orderId: 'A-1', status: 'placed' } };
      await expect(registry.runEffects({ item, conversationId: 'c1' })).rejects.toThrow('Plugin "acme" hook "onItemCreated" failed: Acme answered 503');
    } finally {
      await webhook.close();
    }
  });

  it('stops at a plugin that throws while loading, naming it', async () => {
    await expect(loadPluginRegistry({ plugins: ['./throwing'], rootDir })).rejects.toThrow(
      /^Plugin "\.\/throwing" cannot be loaded: .*workflow\.ts threw while loading: missing ACME_API_KEY$/,
    );
  });

  it('stops at a plugin without a workflow part, naming it', async () => {
    await expect(loadPluginRegistry({ plugins: ['./nowhere'], rootDir })).rejects.toThrow('Plugin "./nowhere" cannot be loaded: no workflow part found');
  });

  it('takes a folder under the root written without ./', async () => {
    const registry = await loadPluginRegistry({ plugins: ['acme'], rootDir });
    expect(registry.isVisibleTo({ type: 'acme.order_status', visibility: 'public' }, 'visitor')).toBe(true);
  });

  it('says where it looked for a name that is neither a folder nor a package', async () => {
    await expect(loadPluginRegistry({ plugins: ['nowhere'], rootDir })).rejects.toThrow(
      `Plugin "nowhere" cannot be loaded: no workflow part found (no folder nowhere in ${rootDir}, and no installed package exports nowhere/workflow)`,
    );
  });

  it('stops at a plugin listed twice', async () => {
    await expect(loadPluginRegistry({ plugins: ['./acme', './acme'], rootDir })).rejects.toThrow('Plugin "acme" cannot be loaded: another plugin is named "acme"');
  });
});
