/**
 * `npm run audit -- <conversationId>`: prints a conversation's audit trail from the running
 * server (GET /v1/conversations/:id/audit), one readable line per entry. The server is
 * SUPPORT_URL (default http://127.0.0.1:PORT); the secret key is SECRET_KEY or the keys file in
 * DATA_DIR.
 */
import type { AuditEntry } from './engine/audit';
import { formatAuditEntries } from './engine/audit-format';
import { loadConfig } from './config';
import { readKeysFile } from './keys';

async function main(): Promise<number> {
  const conversationId = process.argv[2];
  if (!conversationId) {
    process.stderr.write('usage: npm run audit -- <conversationId>\n');
    return 2;
  }
  const config = loadConfig();
  const secretKey = config.keys.secretKey ?? (await readKeysFile(config.dataDir))?.secretKey;
  if (!secretKey) {
    process.stderr.write(`No secret key: set SECRET_KEY or start the server once so ${config.dataDir}/keys.json exists\n`);
    return 2;
  }
  const baseUrl = process.env.SUPPORT_URL ?? `http://127.0.0.1:${config.port}`;
  const url = `${baseUrl}/v1/conversations/${encodeURIComponent(conversationId)}/audit`;
  const res = await fetch(url, { headers: { Authorization: `Bearer ${secretKey}` } }).catch((err: unknown) => {
    // fetch says only "fetch failed"; its cause says why (ECONNREFUSED…).
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    const from = process.env.SUPPORT_URL === undefined ? `PORT ${config.port}` : 'SUPPORT_URL';
    throw new Error(`could not reach the server at ${url} (${cause}; the address comes from ${from}). Start the server, or set SUPPORT_URL to where it listens (e.g. SUPPORT_URL=http://host:3000) or PORT to its port on this machine.`);
  });
  const body = (await res.json()) as { entries?: AuditEntry[]; error?: { code: string; message: string } };
  if (!res.ok || !body.entries) {
    process.stderr.write(`${res.status} ${body.error?.code ?? ''} ${body.error?.message ?? ''}\n`);
    return 1;
  }
  process.stdout.write(`Audit trail of conversation ${conversationId} (${body.entries.length} entries)\n`);
  for (const line of formatAuditEntries(body.entries)) process.stdout.write(`${line}\n`);
  return 0;
}

process.exitCode = await main().catch((err: unknown) => {
  process.stderr.write(`audit failed: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
});
