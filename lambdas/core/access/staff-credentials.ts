import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/**
 * Credentials of the organizer's staff, signed like buyer sessions (HS256 with the session key,
 * nothing stored) but each kind under its own audience, so no token of one kind ever passes as
 * another: a buyer session is not an operator session, and a door credential is neither.
 *
 * - Operator session: what the console holds after trading the admin key for it once
 *   (`POST /api/admin/sessions`). Short-lived, so the key itself never has to stay in a browser.
 * - Door credential: issued by an operator for one event and one named door; it can only check
 *   that event's tickets in. Lasts a working day at the door.
 */

export const OPERATOR_SESSION_SECONDS = 60 * 60;
export const DOOR_CREDENTIAL_SECONDS = 12 * 60 * 60;
const ISSUER = 'ticketdrop';
const OPERATOR_AUDIENCE = 'ticketdrop:operator';
const DOOR_AUDIENCE = 'ticketdrop:door';
const MIN_KEY_LENGTH = 32;

export type StaffCredential =
  | { readonly role: 'operator'; readonly operatorId: string }
  | { readonly role: 'door'; readonly eventId: string; readonly door: string };

export interface SignedCredential {
  readonly token: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

function keyBytes(signingKey: string): Uint8Array {
  if (signingKey.length < MIN_KEY_LENGTH)
    throw new Error(`The session signing key needs at least ${MIN_KEY_LENGTH} characters`);
  return new TextEncoder().encode(signingKey);
}

async function sign(
  signingKey: string,
  audience: string,
  subject: string,
  claims: Record<string, string>,
  lifetimeSeconds: number,
  now: number,
): Promise<SignedCredential> {
  const issuedAt = Math.floor(now / 1000);
  const expiresAtSeconds = issuedAt + lifetimeSeconds;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAtSeconds)
    .sign(keyBytes(signingKey));
  return { token, expiresAt: expiresAtSeconds * 1000 };
}

/** A new operator session (1 h): each sign-in its own operator id, so log lines tell sessions apart. */
export function createOperatorSession(
  signingKey: string,
  now: number = Date.now(),
): Promise<SignedCredential & { operatorId: string }> {
  const operatorId = `op_${randomUUID()}`;
  return sign(signingKey, OPERATOR_AUDIENCE, operatorId, {}, OPERATOR_SESSION_SECONDS, now).then((signed) => ({
    ...signed,
    operatorId,
  }));
}

/** A door credential for one event's door (12 h): it checks that event's tickets in, nothing else. */
export function createDoorCredential(
  signingKey: string,
  scope: { eventId: string; door: string },
  now: number = Date.now(),
): Promise<SignedCredential> {
  return sign(
    signingKey,
    DOOR_AUDIENCE,
    `door_${randomUUID()}`,
    { eventId: scope.eventId, door: scope.door },
    DOOR_CREDENTIAL_SECONDS,
    now,
  );
}

/**
 * The staff credential `token` proves, or undefined when it is none (forged, expired, another
 * audience — a buyer session included): the caller decides whether that means 401 or 403.
 */
export async function staffCredentialOf(
  signingKey: string,
  token: string,
  now: number = Date.now(),
): Promise<StaffCredential | undefined> {
  const key = keyBytes(signingKey);
  const payload = await jwtVerify(token, key, {
    algorithms: ['HS256'],
    issuer: ISSUER,
    audience: [OPERATOR_AUDIENCE, DOOR_AUDIENCE],
    currentDate: new Date(now),
    requiredClaims: ['sub', 'exp'],
  }).then(
    (verified) => verified.payload,
    () => undefined,
  );
  if (!payload || typeof payload.sub !== 'string') return undefined;
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audiences.length !== 1) return undefined; // one token, one kind
  if (audiences[0] === OPERATOR_AUDIENCE && payload.sub.startsWith('op_'))
    return { role: 'operator', operatorId: payload.sub };
  if (audiences[0] === DOOR_AUDIENCE && typeof payload.eventId === 'string' && typeof payload.door === 'string')
    return { role: 'door', eventId: payload.eventId, door: payload.door };
  return undefined;
}
