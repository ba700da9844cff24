import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import type { LocalStack } from '../../local/local-stack';
import { ARTIFACTS, startBrowserStack, stopBrowserStack } from '../support/browser-stack';

/**
 * The waiting room in a real browser (Debian's Chromium via playwright-core, never a downloaded
 * browser), against the local stack: one purchase slot, so buyers take turns. Every check waits
 * for a state with a generous timeout; nothing asserts speed.
 */
const STATE_TIMEOUT = 30_000;
/** Turns pass through the stream consumers and the socket (or the 5 s poll): give them room. */
const TURN_TIMEOUT = 60_000;

const ROOM_EVENT = {
  eventId: 'e2e-waiting-room',
  name: 'E2E Waiting Room',
  venue: 'Queue Hall',
  rows: 3,
  seatsPerRow: 5,
  priceCents: 4000,
  currency: 'EUR',
  holdSeconds: 300,
  maxSeatsPerOrder: 4,
  waitingRoom: { enabled: true, maxActivePurchasers: 1, admissionSeconds: 60 },
};
/** Turns of 10 s (the least allowed): long enough to see, short enough to let lapse. */
const SHORT_TURN_EVENT = {
  ...ROOM_EVENT,
  eventId: 'e2e-short-turn',
  name: 'E2E Short Turn',
  waitingRoom: { ...ROOM_EVENT.waitingRoom, admissionSeconds: 10 },
};
/** Two seats: one order sells out the event. */
const TINY_EVENT = { ...ROOM_EVENT, eventId: 'e2e-tiny-room', name: 'E2E Tiny Room', rows: 1, seatsPerRow: 2 };

describe('the waiting room in three browser windows', () => {
  let stack: LocalStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  /** Per buyer: the `{type:"queue"}` messages its socket received. */
  const waitingRoomMessages = new Map<string, unknown[]>();

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('e2eq'));
    for (const event of [ROOM_EVENT, SHORT_TURN_EVENT, TINY_EVENT]) await createEvent(stack.store, event);
  });

  afterAll(async () => {
    await stopBrowserStack(stack, browser, contexts);
    expect(pageErrors).toEqual([]);
  });

  // A failed test leaves a picture of every window it opened.
  const openPages = new Map<string, Page>();
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const [name, page] of openPages) await shot(page, `failed-${name}`).catch(() => undefined);
    }
    openPages.clear();
  });

  /** A buyer: a browser context of its own (its own localStorage, so its own session). */
  async function buyer(
    name: string,
    eventId = ROOM_EVENT.eventId,
    options: { withoutSocket?: boolean; beforeOpening?: (page: Page) => Promise<unknown> } = {},
  ): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1180, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
    openPages.set(name, page);
    waitingRoomMessages.set(name, []);
    if (options.withoutSocket) await page.routeWebSocket(/\/ws/, (ws) => ws.close());
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        const message: unknown = typeof payload === 'string' ? JSON.parse(payload) : undefined;
        if ((message as { type?: unknown } | undefined)?.type === 'queue') waitingRoomMessages.get(name)?.push(message);
      }),
    );
    await options.beforeOpening?.(page);
    await page.goto(`${stack.url}/events/${eventId}`);
    return page;
  }

  const seat = (page: Page, seatId: string, state?: string) =>
    page.locator(state ? `button[data-seat="${seatId}"][data-state="${state}"]` : `button[data-seat="${seatId}"]`);
  const waitForSeats = (page: Page, seatIds: string[], state: string, timeout = STATE_TIMEOUT) =>
    Promise.all(seatIds.map((id) => seat(page, id, state).waitFor({ timeout })));
  const room = (page: Page, state: string) => page.locator(`[data-testid="waiting-room"][data-state="${state}"]`);
  /** My place as the page shows it: number in line and people ahead. */
  const place = async (page: Page) => {
    const box = page.getByTestId('queue-position');
    await box.waitFor({ timeout: STATE_TIMEOUT });
    return { position: await box.getAttribute('data-position'), ahead: await box.getAttribute('data-ahead') };
  };
  const admitted = async (page: Page, timeout = STATE_TIMEOUT) => {
    await page.getByTestId('admission-banner').waitFor({ timeout });
    await seat(page, 'A1').waitFor({ timeout });
  };
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `waiting-room-${name}.png`), fullPage: true });

  async function holdAndPay(page: Page, seatIds: string[]): Promise<void> {
    for (const id of seatIds) await seat(page, id).click();
    await waitForSeats(page, seatIds, 'selected');
    await page.getByRole('button', { name: /^Hold seats/ }).click();
    await waitForSeats(page, seatIds, 'held-by-me');
    await page.getByLabel('Payment code (5 digits)').fill('11111');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.locator('[data-testid="outcome"][data-status="CONFIRMED"]').waitFor({ timeout: STATE_TIMEOUT });
    await waitForSeats(page, seatIds, 'confirmed-by-me');
  }

  it('buyers take turns: A buys first, B waits as number 2 (also after a reload) and is let in live when A is done', async () => {
    // A is first: admitted at once, the seat map with the turn's countdown.
    const a = await buyer('A');
    await admitted(a);
    expect(await a.getByTestId('admission-banner').textContent()).toMatch(
      /It's your turn — start your order within 0[01]:\d\d/,
    );
    await a.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: STATE_TIMEOUT });

    // B waits: number 2, nobody ahead of them (A is buying); one of one purchase slots in use.
    const b = await buyer('B');
    await room(b, 'WAITING').waitFor({ timeout: STATE_TIMEOUT });
    await b.getByRole('heading', { name: 'You are number 2 in line' }).waitFor({ timeout: STATE_TIMEOUT });
    expect(await place(b)).toEqual({ position: '2', ahead: '0' });
    expect(await b.getByTestId('active-purchasers').textContent()).toBe('1 / 1');
    expect(await seat(b, 'A1').count()).toBe(0); // no seat map while waiting

    // C waits behind B: number 3, one person ahead.
    const c = await buyer('C');
    await room(c, 'WAITING').waitFor({ timeout: STATE_TIMEOUT });
    expect(await place(c)).toEqual({ position: '3', ahead: '1' });
    await Promise.all([shot(b, 'B-waiting'), shot(c, 'C-waiting')]);
    // The README's picture (docs/waiting-room.png is a copy of this one).
    await c.screenshot({
      path: join(ARTIFACTS, 'waiting-room-readme.png'),
      clip: { x: 0, y: 0, width: 1180, height: 540 },
    });

    // A refresh is the same buyer: still number 2.
    await b.reload();
    await room(b, 'WAITING').waitFor({ timeout: STATE_TIMEOUT });
    expect(await place(b)).toEqual({ position: '2', ahead: '0' });
    await b.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: STATE_TIMEOUT });

    // A holds and pays; the order ends, the slot goes to B, who is let in without a reload.
    await holdAndPay(a, ['B2']);
    expect(await seat(a, 'B2').textContent()).toContain('You confirmed');
    await a.getByRole('button', { name: 'Buy more (join the line again)' }).waitFor({ timeout: STATE_TIMEOUT });
    await admitted(b, TURN_TIMEOUT);
    await waitForSeats(b, ['B2'], 'sold');
    // The line moved over the socket (the GET every 5 s is only the safety net).
    expect(waitingRoomMessages.get('C')?.length).toBeGreaterThan(0);
    // C moved up live: nobody ahead any more.
    await expect.poll(() => place(c), { timeout: TURN_TIMEOUT }).toEqual({ position: '3', ahead: '0' });
    await Promise.all([shot(a, 'A-confirmed'), shot(b, 'B-admitted'), shot(c, 'C-next')]);

    // C gives up their place; A lines up again for more (at the back: number 4).
    await c.getByRole('button', { name: 'Leave the line' }).click();
    await room(c, 'LEFT').waitFor({ timeout: STATE_TIMEOUT });
    await c.getByRole('heading', { name: 'You left the line' }).waitFor();
    await a.getByRole('button', { name: 'Buy more (join the line again)' }).click();
    await room(a, 'WAITING').waitFor({ timeout: STATE_TIMEOUT });
    expect((await place(a)).position).toBe('4');
    await shot(a, 'A-rejoined');

    // B buys too; the line passes over C (left) and A's second turn starts, live.
    await holdAndPay(b, ['B3', 'B4']);
    await admitted(a, TURN_TIMEOUT);
    await waitForSeats(a, ['B2'], 'confirmed-by-me');
    await waitForSeats(a, ['B3', 'B4'], 'sold');
    expect(await room(c, 'LEFT').count()).toBe(1); // who left is not let in
    await Promise.all([shot(b, 'B-confirmed'), shot(a, 'A-second-turn')]);
  });

  it('a turn that lapsed before the order started sends the buyer back in line, and says why', async () => {
    // D's turn (10 s) starts; from then on D's page hears nothing from the queue (reads fail, no
    // socket), so it still shows the seat map when the turn has long lapsed on the server.
    const d = await buyer('D', SHORT_TURN_EVENT.eventId, { withoutSocket: true });
    await admitted(d);
    await d.route('**/api/events/*/queue', (route) =>
      route.request().method() === 'GET' ? route.abort() : route.continue(),
    );
    // E comes next: waiting, or let in at once if D's turn already lapsed (a slow machine).
    const e = await buyer('E', SHORT_TURN_EVENT.eventId);
    await admitted(e, TURN_TIMEOUT);

    // D tries to hold a seat with the lapsed admission: 403 AdmissionRequired, back in line behind E.
    await seat(d, 'A1').click();
    await waitForSeats(d, ['A1'], 'selected');
    await d.getByRole('button', { name: /^Hold seats/ }).click();
    await room(d, 'WAITING').waitFor({ timeout: STATE_TIMEOUT });
    await d
      .getByTestId('room-note')
      .filter({ hasText: 'Your turn to buy ended before your order started' })
      .waitFor({ timeout: STATE_TIMEOUT });
    expect((await place(d)).position).toBe('3');
    await shot(d, 'D-back-in-line');

    // E lets its own turn run out without ordering, and is told so.
    await room(e, 'DONE').waitFor({ timeout: TURN_TIMEOUT });
    await e
      .getByTestId('room-note')
      .filter({ hasText: 'Your turn to buy ended before you started an order' })
      .waitFor({ timeout: STATE_TIMEOUT });
    await e.getByRole('button', { name: 'Join the line again' }).waitFor();
    await shot(e, 'E-turn-ran-out');
  });

  it('when the last seats sell, the buyer waiting in line sees "Sold out for now" and gets no turn', async () => {
    const f = await buyer('F', TINY_EVENT.eventId);
    await admitted(f);
    const g = await buyer('G', TINY_EVENT.eventId);
    await room(g, 'WAITING').waitFor({ timeout: STATE_TIMEOUT });

    // Sold out follows the free-seat count (not one refused request): once F's order takes the
    // last seats, the line stops admitting and every waiting window says so.
    await holdAndPay(f, ['A1', 'A2']);
    await g.getByTestId('sold-out').waitFor({ timeout: TURN_TIMEOUT });
    await room(g, 'WAITING').waitFor({ timeout: STATE_TIMEOUT });
    expect(await g.getByTestId('admission-banner').count()).toBe(0);
    await g.getByTestId('sold-out').getByRole('button', { name: 'Leave the line' }).waitFor();
    await shot(g, 'G-sold-out');
  });

  it('a fair start: a countdown and the pre-queue, a random place for everyone there at the start, then the turn and the purchase', async () => {
    // The sale opens in 25 s: both buyers arrive before it.
    const salesStartAt = new Date(Date.now() + 25_000).toISOString();
    await createEvent(stack.store, {
      ...ROOM_EVENT,
      eventId: 'e2e-fair-start',
      name: 'E2E Fair Start',
      salesStartAt,
    });
    const h = await buyer('H', 'e2e-fair-start');
    const i = await buyer('I', 'e2e-fair-start');
    for (const page of [h, i]) {
      await room(page, 'PRE_QUEUE').waitFor({ timeout: STATE_TIMEOUT });
      await page.getByTestId('sales-start').getByTestId('countdown').waitFor({ timeout: STATE_TIMEOUT });
    }
    expect(await h.getByText('Keep this tab open').count()).toBeGreaterThan(0);
    await shot(h, 'H-pre-queue');
    // At the start the draw gives one of them number 1 (admitted: the seat map) and the other number 2.
    const first = await Promise.race([
      h
        .getByTestId('admission-banner')
        .waitFor({ timeout: TURN_TIMEOUT })
        .then(() => h),
      i
        .getByTestId('admission-banner')
        .waitFor({ timeout: TURN_TIMEOUT })
        .then(() => i),
    ]);
    const second = first === h ? i : h;
    expect(await place(second)).toEqual({ position: '2', ahead: '0' }); // number 1 is being served: next
    await seat(first, 'A1').waitFor({ timeout: STATE_TIMEOUT });
    await holdAndPay(first, ['B2']);
    await admitted(second, TURN_TIMEOUT);
    await shot(second, 'second-admitted-after-draw');
  });

  it('refused as too many requests (429), the page says so, waits the Retry-After and joins by itself', async () => {
    await createEvent(stack.store, { ...ROOM_EVENT, eventId: 'e2e-busy-room', name: 'E2E Busy Room' });
    // The first two joins are refused as the abuse limit would refuse them (Retry-After: 2).
    let refused = 0;
    const j = await buyer('J', 'e2e-busy-room', {
      beforeOpening: (page) =>
        page.route('**/api/events/*/queue', async (route) => {
          if (route.request().method() !== 'POST' || refused >= 2) return route.continue();
          refused++;
          return route.fulfill({
            status: 429,
            headers: { 'retry-after': '2', 'content-type': 'application/json' },
            body: JSON.stringify({
              error: { code: 'TooManyRequests', message: 'Too many requests', retryAfterSeconds: 2 },
            }),
          });
        }),
    });
    const busy = j.getByTestId('room-busy');
    await busy.waitFor({ timeout: STATE_TIMEOUT });
    expect(await busy.textContent()).toMatch(/busy right now — retrying in [0-2] s/);
    await shot(j, 'J-busy-retrying');
    // No click: the page asks again by itself and gets its place (the first in this line: its turn).
    await admitted(j, TURN_TIMEOUT);
    expect(refused).toBe(2);
    expect(await busy.count()).toBe(0);
  });
});
