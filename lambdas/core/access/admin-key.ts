import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The operator credential check. Both sides are hashed first, so the comparison takes the same
 * time whatever the length or content of the guess (timingSafeEqual alone needs equal lengths).
 * No configured key means no admin access at all.
 */
export function isAdminKey(given: string | undefined, expected: string | undefined): boolean {
  return matchesSecret(given, expected);
}

/** The same constant-time comparison for any shared secret a request carries (CloudFront's edge key). */
export function matchesSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!expected || given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
