import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import type { LocalStack } from '../../local/local-stack';
import { ARTIFACTS, startBrowserStack, stopBrowserStack } from '../support/browser-stack';

/**
 * The seat map in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), two buyers in two browser contexts (separate storage = separate sessions) against the
 * local stack. Every check waits for a state with a generous timeout; nothing asserts speed.
 */
const STATE_TIMEOUT = 30_000;

const LIVE_EVENT = {
  eventId: 'e2e-live',
  name: 'E2E Live',
  venue: 'Test Hall',
  rows: 5,
  seatsPerRow: 6,
  priceCents: 2500,
  currency: 'EUR',
  holdSeconds: 300,
  maxSeatsPerOrder: 6,
};
const SHORT_HOLD_EVENT = { ...LIVE_EVENT, eventId: 'e2e-short-hold', name: 'E2E Short Hold', holdSeconds: 10 };
const FALLBACK_EVENT = { ...LIVE_EVENT, eventId: 'e2e-no-socket', name: 'E2E Without Socket' };
const CROWDED_EVENT = { ...LIVE_EVENT, eventId: 'e2e-crowded', name: 'E2E Crowded' };

describe('the seat map in two browser windows', () => {
  let stack: LocalStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('e2e'));
    for (const event of [LIVE_EVENT, SHORT_HOLD_EVENT, FALLBACK_EVENT, CROWDED_EVENT])
      await createEvent(stack.store, event);
  });

  afterAll(async () => {
    await stopBrowserStack(stack, browser, contexts);
    expect(pageErrors).toEqual([]);
  });

  /** A buyer: a browser context of its own (its own localStorage, so its own session). */
  async function buyer(name: string, eventId: string, options: { withoutSocket?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1180, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
    if (options.withoutSocket) await page.routeWebSocket(/\/ws/, (ws) => ws.close());
    await page.goto(`${stack.url}/events/${eventId}`);
    await seat(page, 'A1').waitFor({ timeout: STATE_TIMEOUT });
    return page;
  }

  const seat = (page: Page, seatId: string, state?: string) =>
    page.locator(state ? `button[data-seat="${seatId}"][data-state="${state}"]` : `button[data-seat="${seatId}"]`);
  const waitForSeats = (page: Page, seatIds: string[], state: string) =>
    Promise.all(seatIds.map((id) => seat(page, id, state).waitFor({ timeout: STATE_TIMEOUT })));
  const waitForLive = (page: Page) =>
    page.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: STATE_TIMEOUT });
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `seat-map-${name}.png`), fullPage: true });

  it('A holds two seats, B sees them held; A pays, A sees "You confirmed" and tickets, B sees them sold', async () => {
    const a = await buyer('A', LIVE_EVENT.eventId);
    const b = await buyer('B', LIVE_EVENT.eventId);
    await Promise.all([waitForLive(a), waitForLive(b)]);

    await seat(a, 'B3').click();
    await seat(a, 'B4').click();
    await waitForSeats(a, ['B3', 'B4'], 'selected');
    await a.getByRole('button', { name: /^Hold seats/ }).click();

    await waitForSeats(a, ['B3', 'B4'], 'held-by-me');
    await expect
      .poll(() => a.getByTestId('countdown').first().textContent(), { timeout: STATE_TIMEOUT })
      .toMatch(/^0[45]:\d\d$/);
    await expect.poll(() => seat(a, 'B3').textContent()).toMatch(/Yours \d\d:\d\d/);
    await waitForSeats(b, ['B3', 'B4'], 'held-by-others');
    await seat(b, 'A1').click(); // B picks a seat of its own meanwhile: selected is B's, not A's
    await waitForSeats(b, ['A1'], 'selected');
    await Promise.all([shot(a, 'A-holding'), shot(b, 'B-sees-held')]);

    // B cannot take A's seats: clicking a held seat (aria-disabled, so forced) changes nothing and says why.
    await seat(b, 'B3').click({ force: true });
    await b.getByText('B3 is held by someone else').waitFor({ timeout: STATE_TIMEOUT });
    expect(await seat(b, 'B3').getAttribute('data-state')).toBe('held-by-others');
    expect(await seat(b, 'B3').getAttribute('aria-disabled')).toBe('true');
    await seat(b, 'A1').click(); // and B lets its own choice go again
    await waitForSeats(b, ['A1'], 'available');

    // A changes the hold: adds B5 (Update hold), then lets it go again; B follows both times.
    await seat(a, 'B5').click();
    await waitForSeats(a, ['B5'], 'selected');
    await a.getByRole('button', { name: 'Update hold (3)' }).click();
    await waitForSeats(a, ['B3', 'B4', 'B5'], 'held-by-me');
    await waitForSeats(b, ['B5'], 'held-by-others');
    await seat(a, 'B5').click();
    await expect.poll(() => seat(a, 'B5').textContent()).toContain('Release');
    await a.getByRole('button', { name: 'Update hold (2)' }).click();
    await waitForSeats(a, ['B5'], 'available');
    await waitForSeats(b, ['B5'], 'available');
    await waitForSeats(a, ['B3', 'B4'], 'held-by-me');

    await a.getByLabel('Payment code (5 digits)').fill('11111');
    await a.getByRole('button', { name: /^Pay / }).click();
    await a.locator('[data-testid="payment-status"]').waitFor({ timeout: STATE_TIMEOUT });

    await waitForSeats(a, ['B3', 'B4'], 'confirmed-by-me');
    expect(await seat(a, 'B3').textContent()).toContain('You confirmed');
    await a.locator('[data-testid="outcome"][data-status="CONFIRMED"]').waitFor({ timeout: STATE_TIMEOUT });
    const tickets = a.getByTestId('ticket');
    await expect.poll(() => tickets.count(), { timeout: STATE_TIMEOUT }).toBe(2);
    const qr = a.getByRole('img', { name: /QR code of ticket .* for seat B3/ });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // The image decoded (root tsconfig has no DOM types: the element is described structurally).
    expect(await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

    await waitForSeats(b, ['B3', 'B4'], 'sold');
    await seat(b, 'B4').click({ force: true });
    expect(await seat(b, 'B4').getAttribute('data-state')).toBe('sold');
    await Promise.all([shot(a, 'A-confirmed'), shot(b, 'B-sees-sold')]);

    // A refresh is the same buyer: the confirmed seats are still A's, tickets included.
    await a.reload();
    await waitForSeats(a, ['B3', 'B4'], 'confirmed-by-me');
    await expect.poll(() => a.getByTestId('ticket').count(), { timeout: STATE_TIMEOUT }).toBe(2);
  });

  it('a hold that runs out frees the seats in both windows without a reload', async () => {
    const a = await buyer('A', SHORT_HOLD_EVENT.eventId);
    const b = await buyer('B', SHORT_HOLD_EVENT.eventId);
    await Promise.all([waitForLive(a), waitForLive(b)]);

    await seat(a, 'C3').click();
    await seat(a, 'C4').click();
    await a.getByRole('button', { name: /^Hold seats/ }).click();
    await waitForSeats(a, ['C3', 'C4'], 'held-by-me');
    await waitForSeats(b, ['C3', 'C4'], 'held-by-others');

    // 10 s hold: the order flow expires the order and releases the seats; both pages follow.
    await a.locator('[data-testid="outcome"][data-status="EXPIRED"]').waitFor({ timeout: 60_000 });
    await a.getByText('Your hold ran out').waitFor();
    await waitForSeats(a, ['C3', 'C4'], 'available');
    await waitForSeats(b, ['C3', 'C4'], 'available');
    await Promise.all([shot(a, 'A-expired'), shot(b, 'B-after-expiry')]);

    // Freed for real: B can now hold them.
    await seat(b, 'C3').click();
    await b.getByRole('button', { name: /^Hold seats/ }).click();
    await waitForSeats(b, ['C3'], 'held-by-me');
    await waitForSeats(a, ['C3'], 'held-by-others');
  });

  it('without the socket the page still works (polling), and a seat taken meanwhile is named', async () => {
    const a = await buyer('A', FALLBACK_EVENT.eventId);
    const b = await buyer('B (no socket)', FALLBACK_EVENT.eventId, { withoutSocket: true });
    await waitForLive(a);
    await b.locator('[data-testid="connection"]:not([data-status="live"])').waitFor({ timeout: STATE_TIMEOUT });

    // B chooses D1 + D2; A holds D1 first; B does not learn it live, so its hold is refused by name.
    await seat(b, 'D1').click();
    await seat(b, 'D2').click();
    await seat(a, 'D1').click();
    await a.getByRole('button', { name: /^Hold seats/ }).click();
    await waitForSeats(a, ['D1'], 'held-by-me');
    await b.getByRole('button', { name: /^Hold seats/ }).click();
    await b
      .getByTestId('notice')
      .filter({ hasText: /seat D1 was just taken/ })
      .waitFor({ timeout: STATE_TIMEOUT });
    await shot(b, 'B-seats-taken');

    // B holds D2 and pays with the socket down: the status comes from polling the order.
    await waitForSeats(b, ['D1'], 'held-by-others'); // the map refetch shows it
    await b.getByRole('button', { name: /^Hold seats/ }).click();
    await waitForSeats(b, ['D2'], 'held-by-me');
    await b.getByLabel('Payment code (5 digits)').fill('11111');
    await b.getByRole('button', { name: /^Pay / }).click();
    await b.locator('[data-testid="outcome"][data-status="CONFIRMED"]').waitFor({ timeout: STATE_TIMEOUT });
    await waitForSeats(b, ['D2'], 'confirmed-by-me');
    await waitForSeats(a, ['D2'], 'sold');
  });

  it('beyond the socket budget the page polls the snapshot by itself (same states), and a buyer gets the socket back', async () => {
    // A budget of one socket viewer in one shard: the first window gets it, the second is crowded out.
    stack.configure({ LIVE_MAP_SHARDS: '1', LIVE_MAP_SOCKET_VIEWERS: '1' });
    try {
      const a = await buyer('A', CROWDED_EVENT.eventId);
      await waitForLive(a);
      const b = await buyer('B (crowded)', CROWDED_EVENT.eventId);
      await b.locator('[data-testid="connection"][data-status="polling"]').waitFor({ timeout: STATE_TIMEOUT });

      // A holds; B sees it by polling, in the same state a socket would show.
      await seat(a, 'C1').click();
      await a.getByRole('button', { name: /^Hold seats/ }).click();
      await waitForSeats(a, ['C1'], 'held-by-me');
      await waitForSeats(b, ['C1'], 'held-by-others');
      await shot(b, 'B-polling');

      // B starts buying: an open order keeps a socket whatever the audience, so B is live again.
      await seat(b, 'C3').click();
      await b.getByRole('button', { name: /^Hold seats/ }).click();
      await waitForSeats(b, ['C3'], 'held-by-me');
      await waitForLive(b);
      await waitForSeats(a, ['C3'], 'held-by-others');
      // And B sees A's next change over the socket.
      await a.getByRole('button', { name: /^Cancel/ }).click();
      await waitForSeats(b, ['C1'], 'available');
    } finally {
      stack.configure({ LIVE_MAP_SHARDS: undefined, LIVE_MAP_SOCKET_VIEWERS: undefined });
    }
  });
});
