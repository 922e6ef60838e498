import { describe, expect, it } from 'vitest';
import { generateKeys } from '../../runtime/keys';
import { seedDefaults } from '../../runtime/seed';
import { useStore } from '../activities/store/fixtures';

const ctx = useStore('seed');

describe('seedDefaults', () => {
  it('creates the default website with the keys given, then applies and names what the configuration changes', async () => {
    const keys = generateKeys();
    const first = await seedDefaults(ctx.get(), keys, {});
    expect(first.website).toMatchObject({ ...keys, allowedOrigins: [] });
    expect(first.changed).toEqual([]);

    const again = await seedDefaults(ctx.get(), generateKeys(), { publicKey: keys.publicKey, allowedOrigins: [] });
    expect(again.website.secretKey).toBe(keys.secretKey); // generated keys do not replace stored ones
    expect(again.changed).toEqual([]);

    const rotated = await seedDefaults(ctx.get(), generateKeys(), { secretKey: 'sk_rotated_0123456789', allowedOrigins: ['https://shop.example'] });
    expect(rotated.website).toMatchObject({ publicKey: keys.publicKey, secretKey: 'sk_rotated_0123456789', allowedOrigins: ['https://shop.example'] });
    expect(rotated.changed).toEqual(['secretKey', 'allowedOrigins']);
  });
});
