/**
 * The buyer's order ids per event, newest last, in localStorage: a refresh resumes the current
 * hold, and seats of earlier confirmed orders still show as "You confirmed".
 */
const MAX_ORDERS_PER_EVENT = 20;

const key = (buyerId: string) => `ticketdrop:orders:${buyerId}`;

type Stored = Record<string, string[]>;

function read(buyerId: string): Stored {
  try {
    const value = JSON.parse(localStorage.getItem(key(buyerId)) ?? '{}') as unknown;
    return value && typeof value === 'object' ? (value as Stored) : {};
  } catch {
    return {};
  }
}

export function storedOrderIds(buyerId: string, eventId: string): string[] {
  const ids = read(buyerId)[eventId];
  return Array.isArray(ids) ? ids.filter((id) => typeof id === 'string') : [];
}

export function rememberOrder(buyerId: string, eventId: string, orderId: string): void {
  const all = read(buyerId);
  const ids = (all[eventId] ?? []).filter((id) => id !== orderId);
  ids.push(orderId);
  all[eventId] = ids.slice(-MAX_ORDERS_PER_EVENT);
  localStorage.setItem(key(buyerId), JSON.stringify(all));
}

export function forgetOrder(buyerId: string, eventId: string, orderId: string): void {
  const all = read(buyerId);
  all[eventId] = (all[eventId] ?? []).filter((id) => id !== orderId);
  localStorage.setItem(key(buyerId), JSON.stringify(all));
}
