import { jwtVerify, SignJWT } from 'jose';
import { AdmissionRequired } from '../platform/errors';

/**
 * The admission token: proof that the waiting room admitted this buyer to this event, at this
 * position (one turn), until the admission lapses. Signed with the session key under its own
 * audience, so a session token can never pass for an admission (nor the other way round). The
 * position ties the token to one admission: a token from an earlier turn never opens a later one.
 */

const ISSUER = 'ticketdrop';
const AUDIENCE = 'ticketdrop:admission';

export async function signAdmission(
  signingKey: string,
  claims: { buyerId: string; eventId: string; position: number; expiresAt: number },
): Promise<string> {
  return new SignJWT({ eventId: claims.eventId, position: claims.position })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.buyerId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime(Math.floor(claims.expiresAt / 1000))
    .sign(new TextEncoder().encode(signingKey));
}

/**
 * Checks the token admits this buyer to this event now and returns the position it was issued
 * for (the admission it stands for); AdmissionRequired otherwise.
 */
export async function verifyAdmission(
  signingKey: string,
  token: string | undefined,
  expected: { buyerId: string; eventId: string; now: number },
): Promise<number> {
  if (!token) throw new AdmissionRequired();
  const payload = await jwtVerify(token, new TextEncoder().encode(signingKey), {
    algorithms: ['HS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: expected.buyerId,
    currentDate: new Date(expected.now),
    requiredClaims: ['sub', 'exp'],
  }).then(
    (verified) => verified.payload,
    () => undefined,
  );
  if (payload?.eventId !== expected.eventId || typeof payload.position !== 'number')
    throw new AdmissionRequired('Your admission is not valid (expired, or for another buyer or event)');
  return payload.position;
}
