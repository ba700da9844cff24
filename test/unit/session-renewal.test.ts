import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createSession,
  MAX_BUYER_AGE_SECONDS,
  RENEWAL_GRACE_SECONDS,
  renewSession,
  SESSION_LIFETIME_SECONDS,
  verifySession,
} from '../../lambdas/core/access/buyer-sessions';

/** #12, "a renewed session loses the buyer's place": renewal keeps the buyer id, within bounds. */

const KEY = 'unit-session-signing-key-0123456789abcdef';
const T0 = Date.parse('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;

describe('session renewal', () => {
  it('a valid token renews for the same buyer, with a fresh 24 h token', async () => {
    const first = await createSession(KEY, T0);
    const renewed = await renewSession(KEY, first.token, T0 + HOUR);
    expect(renewed).toMatchObject({ buyerId: first.buyerId, renewed: true });
    expect(renewed.expiresAt).toBe(Math.floor((T0 + HOUR) / 1000) * 1000 + SESSION_LIFETIME_SECONDS * 1000);
    expect(await verifySession(KEY, renewed.token, T0 + 24 * HOUR + HOUR / 2)).toBe(first.buyerId);
  });

  it('a token expired less than the grace ago still renews for the same buyer; later it gets a new buyer', async () => {
    const first = await createSession(KEY, T0);
    const expired = first.expiresAt + 1000;
    await expect(verifySession(KEY, first.token, expired)).rejects.toThrow();
    expect(await renewSession(KEY, first.token, expired)).toMatchObject({ buyerId: first.buyerId, renewed: true });
    const tooLate = first.expiresAt + RENEWAL_GRACE_SECONDS * 1000 + 1000;
    const fresh = await renewSession(KEY, first.token, tooLate);
    expect(fresh.renewed).toBe(false);
    expect(fresh.buyerId).not.toBe(first.buyerId);
  });

  it('one buyer id lives at most 7 days through renewals', async () => {
    let session = await createSession(KEY, T0);
    const buyerId = session.buyerId;
    let now = T0;
    for (; now + 20 * HOUR < T0 + MAX_BUYER_AGE_SECONDS * 1000; now += 20 * HOUR) {
      session = await renewSession(KEY, session.token, now + 20 * HOUR);
      expect(session.buyerId).toBe(buyerId);
    }
    const last = await renewSession(KEY, session.token, now + 20 * HOUR);
    expect(last).toMatchObject({ renewed: false });
    expect(last.buyerId).not.toBe(buyerId);
  });

  it('no token, a forged one, or another audience’s gets a new buyer', async () => {
    const first = await createSession(KEY, T0);
    const forged = await createSession('another-signing-key-0123456789abcdefgh', T0);
    const admission = await new SignJWT({ eventId: 'ev', position: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(first.buyerId)
      .setIssuer('ticketdrop')
      .setAudience('ticketdrop:admission')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(KEY));
    for (const token of [undefined, forged.token, admission, 'not-a-jwt']) {
      const session = await renewSession(KEY, token, T0);
      expect(session.renewed).toBe(false);
      expect(session.buyerId).not.toBe(first.buyerId);
    }
  });
});
