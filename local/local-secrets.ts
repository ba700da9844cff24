import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The local stand-in for the secrets that Secrets Manager holds on AWS (ticket signing key,
 * session signing key, admin key): random, kept in the data folder so tickets, buyer sessions
 * and the admin key stay valid across restarts; fresh per run when there is no data folder.
 */
export async function localSecret(dataDir: string | undefined, name: string): Promise<string> {
  if (dataDir === undefined) return randomBytes(32).toString('base64url');
  const file = join(dataDir, name);
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing && existing.trim().length >= 16) return existing.trim();
  const key = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, key, { mode: 0o600 });
  return key;
}
