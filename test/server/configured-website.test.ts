/**
 * The default website's keys and allowed origins follow the configuration on every start, not only
 * the first: an instance started with a new SECRET_KEY or ALLOWED_ORIGINS on an existing store
 * rotates the key or locks the widget down; one started without them leaves the store's as they are.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { Api } from './support/clients';
import { startTestApp } from './support/app';

const apps: RunningApp[] = [];
afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
});

describe('The default website on an existing store', () => {
  it('takes the configured keys and origins, and keeps them when a later start configures none', async () => {
    const database = { MONGODB_DB: `test_configured_${process.pid}_${Date.now()}` };
    const first = await startTestApp(undefined, { env: database });
    apps.push(first);
    const onStore = { ...database, MONGODB_URI: first.mongoUri };
    const configured = await startTestApp(undefined, { engine: first.engine, env: { ...onStore, SECRET_KEY: 'sk_rotated_0123456789', ALLOWED_ORIGINS: 'https://shop.example' } });
    apps.push(configured);
    expect(configured.keys).toEqual({ ...first.keys, secretKey: 'sk_rotated_0123456789' });

    const api = new Api(configured);
    const read = (secretKey: string) => api.call('GET', '/v1/team', { Authorization: `Bearer ${secretKey}` });
    expect((await read(first.keys.secretKey)).status).toBe(401);
    expect((await read('sk_rotated_0123456789')).status).toBe(200);
    const widget = (origin: string) => api.call('GET', '/v1/websites', { 'X-Public-Key': first.keys.publicKey, Origin: origin });
    expect((await widget('https://evil.example')).status).toBe(403);
    expect((await widget('https://shop.example')).status).toBe(200);

    const unconfigured = await startTestApp(undefined, { engine: first.engine, env: onStore });
    apps.push(unconfigured);
    expect(unconfigured.keys).toEqual(configured.keys);
    expect((await new Api(unconfigured).call('GET', '/v1/websites', { 'X-Public-Key': first.keys.publicKey, Origin: 'https://evil.example' })).status).toBe(403);
  });
});
