import { jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { hs256Key } from '../../lambdas/core/platform/hmac-keys';

const SECRET = 'a-signing-key-of-at-least-32-characters';

describe('hs256Key', () => {
  it('imports a secret once: the same key for the same secret, another for another', async () => {
    expect(hs256Key(SECRET)).toBe(hs256Key(SECRET));
    expect(await hs256Key(SECRET)).not.toBe(await hs256Key(`${SECRET}-rotated`));
  });

  it("signs and verifies as the secret's bytes do", async () => {
    const bytes = new TextEncoder().encode(SECRET);
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(await hs256Key(SECRET));
    await expect(jwtVerify(token, bytes)).resolves.toBeDefined();
    const other = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(bytes);
    await expect(jwtVerify(other, await hs256Key(SECRET))).resolves.toBeDefined();
    await expect(jwtVerify(other, await hs256Key(`${SECRET}-rotated`))).rejects.toThrow();
  });
});
