import { webcrypto } from 'node:crypto';

/**
 * HS256 keys imported once per secret. Given the secret's bytes, jose imports a WebCrypto key on
 * every sign and verify; a buyer's session is signed or verified on each API request, and those
 * imports were ≈ 1.5 % of the local stack process's time during a sell-out (V8 profile,
 * 2026-12-01). A warm Lambda instance keeps them the same way. Keyed by the secret itself: a
 * process sees one or two (a rotation), never an unbounded set.
 */
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();

export function hs256Key(secret: string): Promise<webcrypto.CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    const bytes = new TextEncoder().encode(secret);
    key = webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}
