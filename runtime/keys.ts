/**
 * The default website's keys: taken from the configuration when given, otherwise generated on
 * first start and kept in `<DATA_DIR>/keys.json` (mode 0600) so restarts keep them.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AppConfig } from './config';

export interface WebsiteKeys {
  publicKey: string;
  secretKey: string;
  identitySecret: string;
}

const keysFile = z.object({ publicKey: z.string(), secretKey: z.string(), identitySecret: z.string() });

export const keysPath = (dataDir: string): string => path.join(dataDir, 'keys.json');

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

export function generateKeys(): WebsiteKeys {
  return { publicKey: `pk_${random(18)}`, secretKey: `sk_${random(32)}`, identitySecret: random(32) };
}

export async function readKeysFile(dataDir: string): Promise<WebsiteKeys | undefined> {
  try {
    return keysFile.parse(JSON.parse(await readFile(keysPath(dataDir), 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Configured keys win one by one; the rest come from the keys file, or are generated (and kept in
 * it). With `persist` false (in-memory runs) nothing is written.
 */
export async function resolveKeys(config: Pick<AppConfig, 'keys' | 'dataDir'>, persist: boolean): Promise<WebsiteKeys> {
  const stored = persist ? await readKeysFile(config.dataDir) : undefined;
  const base = stored ?? generateKeys();
  if (persist && !stored) await writeKeysFile(config.dataDir, base);
  return {
    publicKey: config.keys.publicKey ?? base.publicKey,
    secretKey: config.keys.secretKey ?? base.secretKey,
    identitySecret: config.keys.identitySecret ?? base.identitySecret,
  };
}

/**
 * Keeps the website's keys in the keys file when they differ from it (configured ones, or those
 * another instance sharing the store created the website with), so that tools reading it
 * (`npm run audit`) use the keys in force.
 */
export async function keepKeys(dataDir: string, keys: WebsiteKeys): Promise<void> {
  const { publicKey, secretKey, identitySecret } = keys;
  const stored = await readKeysFile(dataDir);
  if (stored?.publicKey === publicKey && stored.secretKey === secretKey && stored.identitySecret === identitySecret) return;
  await writeKeysFile(dataDir, { publicKey, secretKey, identitySecret });
}

async function writeKeysFile(dataDir: string, keys: WebsiteKeys): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(keysPath(dataDir), `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  // The mode applies only when the file is created; a file made before keeps its own otherwise.
  await chmod(keysPath(dataDir), 0o600);
}
