import type { StaffCredential } from './staff-api';

/**
 * Where the console and the door page keep their credential: the tab's sessionStorage (gone when
 * the tab closes), and only the short-lived signed token — never the admin key. An expired one
 * is dropped when read.
 */

const KEYS = { operator: 'ticketdrop.operator', door: 'ticketdrop.door' } as const;

export function loadCredential(role: StaffCredential['role'], now = Date.now()): StaffCredential | undefined {
  try {
    const raw = window.sessionStorage.getItem(KEYS[role]);
    const credential = raw ? (JSON.parse(raw) as StaffCredential) : undefined;
    if (credential && credential.role === role && credential.expiresAt > now) return credential;
    window.sessionStorage.removeItem(KEYS[role]);
  } catch {
    // Storage unavailable (private mode) or damaged: sign in again.
  }
  return undefined;
}

export function saveCredential(credential: StaffCredential): void {
  try {
    window.sessionStorage.setItem(KEYS[credential.role], JSON.stringify(credential));
  } catch {
    // Without storage the credential lives as long as the page.
  }
}

export function forgetCredential(role: StaffCredential['role']): void {
  try {
    window.sessionStorage.removeItem(KEYS[role]);
  } catch {
    // nothing kept
  }
}

/**
 * A door credential handed over in a link's fragment (`/door#credential=<token>`; a fragment never
 * reaches a server or its logs): its claims are read for display only — the API verifies it.
 */
export function doorCredentialFromToken(token: string): StaffCredential | undefined {
  try {
    const binary = atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'));
    const text = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const payload = JSON.parse(text) as {
      eventId?: unknown;
      door?: unknown;
      exp?: unknown;
    };
    if (typeof payload.eventId !== 'string' || typeof payload.door !== 'string' || typeof payload.exp !== 'number')
      return undefined;
    return { role: 'door', token, eventId: payload.eventId, door: payload.door, expiresAt: payload.exp * 1000 };
  } catch {
    return undefined;
  }
}
