import { randomUUID, type webcrypto } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { Unauthorized } from '../platform/errors';
import { hs256Key } from '../platform/hmac-keys';

/**
 * Anonymous buyer sessions: a JWT (HS256) whose subject is the buyer id. Nothing is stored: the
 * signature is the proof, so any handler with the key can check a session without a read.
 *
 * Renewal keeps the buyer: a token still valid, or expired at most RENEWAL_GRACE_SECONDS ago, is
 * exchanged for a new 24 h token of the same buyer id (their place in a waiting room, their open
 * order), as long as the buyer id is at most MAX_BUYER_AGE_SECONDS old (claim `since`: when the
 * id was first issued; renewals carry it on). Beyond that, or for a token that is not ours, the
 * answer is a new buyer. So a stolen token is worth one renewal chain of bounded length.
 */

export interface Session {
  /** `buy_<uuid>`. */
  readonly buyerId: string;
  readonly token: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export const SESSION_LIFETIME_SECONDS = 24 * 60 * 60;
/** How long after its expiry a token may still be renewed (a tab left open overnight). */
export const RENEWAL_GRACE_SECONDS = 24 * 60 * 60;
/** How long one buyer id lives through renewals (then a new buyer starts). */
export const MAX_BUYER_AGE_SECONDS = 7 * 24 * 60 * 60;
const ISSUER = 'ticketdrop';
const AUDIENCE = 'ticketdrop:buyer';
const BUYER_ID = /^buy_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** HS256 needs a key at least as long as its hash (32 bytes) to be as strong as it. */
const MIN_KEY_LENGTH = 32;

/** The HS256 key (imported once per key: lambdas/core/platform/hmac-keys.ts); throws at once when too short. */
function sessionKey(signingKey: string): Promise<webcrypto.CryptoKey> {
  if (signingKey.length < MIN_KEY_LENGTH)
    throw new Error(`The session signing key needs at least ${MIN_KEY_LENGTH} characters`);
  return hs256Key(signingKey);
}

/** A new buyer with a session valid for 24 h from `now` (epoch ms). */
export async function createSession(signingKey: string, now: number = Date.now()): Promise<Session> {
  return signSession(signingKey, `buy_${randomUUID()}`, Math.floor(now / 1000), now);
}

/**
 * The session for whoever presents `token`: the same buyer with a fresh 24 h token when the token
 * is renewable (ours, expired at most RENEWAL_GRACE_SECONDS ago, buyer id at most
 * MAX_BUYER_AGE_SECONDS old), else a new buyer. `renewed` says which.
 */
export async function renewSession(
  signingKey: string,
  token: string | undefined,
  now: number = Date.now(),
): Promise<Session & { readonly renewed: boolean }> {
  const renewable = token ? await renewableBuyer(signingKey, token, now) : undefined;
  if (!renewable) return { ...(await createSession(signingKey, now)), renewed: false };
  return { ...(await signSession(signingKey, renewable.buyerId, renewable.since, now)), renewed: true };
}

async function renewableBuyer(
  signingKey: string,
  token: string,
  now: number,
): Promise<{ buyerId: string; since: number } | undefined> {
  const key = await sessionKey(signingKey);
  const payload = await jwtVerify(token, key, {
    algorithms: ['HS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    currentDate: new Date(now),
    clockTolerance: RENEWAL_GRACE_SECONDS,
    requiredClaims: ['sub', 'exp', 'iat'],
  }).then(
    (verified) => verified.payload,
    () => undefined,
  );
  if (typeof payload?.sub !== 'string' || !BUYER_ID.test(payload.sub)) return undefined;
  const since = typeof payload.since === 'number' ? payload.since : (payload.iat as number);
  if (since + MAX_BUYER_AGE_SECONDS <= Math.floor(now / 1000)) return undefined;
  return { buyerId: payload.sub, since };
}

async function signSession(signingKey: string, buyerId: string, since: number, now: number): Promise<Session> {
  const issuedAt = Math.floor(now / 1000);
  const expiresAtSeconds = issuedAt + SESSION_LIFETIME_SECONDS;
  const token = await new SignJWT({ since })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(buyerId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAtSeconds)
    .sign(await sessionKey(signingKey));
  return { buyerId, token, expiresAt: expiresAtSeconds * 1000 };
}

/** The buyer id of a valid session token; Unauthorized for anything forged, expired or malformed. */
export async function verifySession(signingKey: string, token: string, now: number = Date.now()): Promise<string> {
  const key = await sessionKey(signingKey); // a missing key is a configuration error, not the caller's
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
