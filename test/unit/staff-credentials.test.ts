import { describe, expect, it } from 'vitest';
import { createSession } from '../../lambdas/core/access/buyer-sessions';
import {
  createDoorCredential,
  createOperatorSession,
  DOOR_CREDENTIAL_SECONDS,
  OPERATOR_SESSION_SECONDS,
  staffCredentialOf,
} from '../../lambdas/core/access/staff-credentials';

const KEY = 'unit-test-session-signing-key-0123456789ab';
const OTHER = 'another-session-signing-key-0123456789abcd';
const NOW = Date.UTC(2026, 11, 1, 12);

describe('staff credentials', () => {
  it('an operator session is the operator for 1 h, each sign-in its own id', async () => {
    const a = await createOperatorSession(KEY, NOW);
    const b = await createOperatorSession(KEY, NOW);
    expect(a.expiresAt).toBe(NOW + OPERATOR_SESSION_SECONDS * 1000);
    expect(a.operatorId).toMatch(/^op_[0-9a-f-]{36}$/);
    expect(a.operatorId).not.toBe(b.operatorId);
    expect(await staffCredentialOf(KEY, a.token, NOW)).toEqual({ role: 'operator', operatorId: a.operatorId });
    expect(await staffCredentialOf(KEY, a.token, a.expiresAt + 1000)).toBeUndefined();
  });

  it('a door credential names its event and door, for 12 h', async () => {
    const door = await createDoorCredential(KEY, { eventId: 'ev-1', door: 'Tor Süd' }, NOW);
    expect(door.expiresAt).toBe(NOW + DOOR_CREDENTIAL_SECONDS * 1000);
    expect(await staffCredentialOf(KEY, door.token, NOW)).toEqual({ role: 'door', eventId: 'ev-1', door: 'Tor Süd' });
    expect(await staffCredentialOf(KEY, door.token, door.expiresAt + 1000)).toBeUndefined();
  });

  it('is nothing for a buyer session, another key, an altered token or garbage', async () => {
    const buyer = await createSession(KEY, NOW);
    expect(await staffCredentialOf(KEY, buyer.token, NOW)).toBeUndefined();
    const foreign = await createOperatorSession(OTHER, NOW);
    expect(await staffCredentialOf(KEY, foreign.token, NOW)).toBeUndefined();

    // A door credential's claims rewritten to another event: the signature no longer fits.
    const door = await createDoorCredential(KEY, { eventId: 'ev-1', door: 'A' }, NOW);
    const [header, payload, signature] = door.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const altered = Buffer.from(JSON.stringify({ ...claims, eventId: 'ev-2' })).toString('base64url');
    expect(await staffCredentialOf(KEY, `${header}.${altered}.${signature}`, NOW)).toBeUndefined();
    expect(await staffCredentialOf(KEY, 'not-a-jwt', NOW)).toBeUndefined();
  });

  it('refuses a signing key too short to be as strong as HS256', async () => {
    await expect(createOperatorSession('short')).rejects.toThrow(/at least 32 characters/);
  });
});
