import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepKeys, readKeysFile, resolveKeys } from '../../runtime/keys';

const dirs: string[] = [];
const dataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('resolveKeys', () => {
  it('generates keys on first start and keeps them across restarts', async () => {
    const dir = dataDir();
    const first = await resolveKeys({ dataDir: dir, keys: {} }, true);
    expect(first.publicKey).toMatch(/^pk_/);
    expect(first.secretKey).toMatch(/^sk_/);
    expect(await resolveKeys({ dataDir: dir, keys: {} }, true)).toEqual(first);
    expect((fs.statSync(path.join(dir, 'keys.json')).mode & 0o777).toString(8)).toBe('600');
  });

  it('lets configured keys win one by one, without writing them to the file', async () => {
    const dir = dataDir();
    const generated = await resolveKeys({ dataDir: dir, keys: {} }, true);
    const configured = await resolveKeys({ dataDir: dir, keys: { secretKey: 'sk_from_env' } }, true);
    expect(configured).toEqual({ ...generated, secretKey: 'sk_from_env' });
    expect(await readKeysFile(dir)).toEqual(generated);
  });

  it('keeps the keys in force in the file (configured ones, or the store’s), so tools that read it use them', async () => {
    const dir = dataDir();
    const generated = await resolveKeys({ dataDir: dir, keys: {} }, true);
    const website = { id: 'web_default', name: 'Acme', ...generated, secretKey: 'sk_in_force' };
    await keepKeys(dir, website);
    expect(await readKeysFile(dir)).toEqual({ ...generated, secretKey: 'sk_in_force' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'keys.json'), 'utf8'))).not.toHaveProperty('name');
    fs.chmodSync(path.join(dir, 'keys.json'), 0o644);
    await keepKeys(dir, { ...website, secretKey: 'sk_rotated_again' });
    expect((fs.statSync(path.join(dir, 'keys.json')).mode & 0o777).toString(8)).toBe('600');
  });

  it('writes nothing for an in-memory run', async () => {
    const dir = dataDir();
    await resolveKeys({ dataDir: dir, keys: { publicKey: 'pk_x' } }, false);
    expect(await readKeysFile(dir)).toBeUndefined();
  });
});
