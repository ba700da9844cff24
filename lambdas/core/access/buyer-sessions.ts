import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { Unauthorized } from '../platform/errors';

/**
 * Anonymous buyer sessions: a JWT (HS256) whose subject is the buyer id. Nothing is stored: the
 * signature is the proof, so any handler with the key can check a session without a read.
 */

export interface Session {
  /** `buy_<uuid>`. */
  readonly buyerId: string;
  readonly token: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export const SESSION_LIFETIME_SECONDS = 24 * 60 * 60;
const ISSUER = 'ticketdrop';
const AUDIENCE = 'ticketdrop:buyer';
const BUYER_ID = /^buy_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** HS256 needs a key at least as long as its hash (32 bytes) to be as strong as it. */
const MIN_KEY_LENGTH = 32;

function keyBytes(signingKey: string): Uint8Array {
  if (signingKey.length < MIN_KEY_LENGTH)
    throw new Error(`The session signing key needs at least ${MIN_KEY_LENGTH} characters`);
  return new TextEncoder().encode(signingKey);
}

/** A new buyer with a session valid for 24 h from `now` (epoch ms). */
export async function createSession(signingKey: string, now: number = Date.now()): Promise<Session> {
  const buyerId = `buy_${randomUUID()}`;
  const issuedAt = Math.floor(now / 1000);
  const expiresAtSeconds = issuedAt + SESSION_LIFETIME_SECONDS;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(buyerId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAtSeconds)
    .sign(keyBytes(signingKey));
  return { buyerId, token, expiresAt: expiresAtSeconds * 1000 };
}

/** The buyer id of a valid session token; Unauthorized for anything forged, expired or malformed. */
export async function verifySession(signingKey: string, token: string, now: number = Date.now()): Promise<string> {
  const key = keyBytes(signingKey); // a missing key is a configuration error, not the caller's
  // Whatever is wrong with the token (shape, signature, algorithm, claims, expiry) is one answer.
  const payload = await jwtVerify(token, key, {
    algorithms: ['HS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    currentDate: new Date(now),
    requiredClaims: ['sub', 'exp'],
  }).then(
    (verified) => verified.payload,
    () => undefined,
  );
  if (typeof payload?.sub !== 'string' || !BUYER_ID.test(payload.sub)) throw new Unauthorized();
  return payload.sub;
}
