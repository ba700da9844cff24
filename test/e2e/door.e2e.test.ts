import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../contract/order-view';
import { createDoorCredential } from '../../lambdas/core/access/staff-credentials';
import { createEvent } from '../../lambdas/core/events/create-event';
import { ticketsLinkPath } from '../../lambdas/core/tickets/tickets-link';
import type { LocalStack } from '../../local/local-stack';
import { call, createOrderFor, newBuyer, pollOrder } from '../support/api-client';
import { ARTIFACTS, startBrowserStack, stopBrowserStack } from '../support/browser-stack';

/**
 * The organizer's side in Debian's Chromium: sign in at /admin with the admin key, open a door,
 * and at /door (a phone-sized window of its own) check a ticket bought through the API in —
 * valid, then "already checked in"; refund another order in the console and the door says voided. And the buyer's tickets link shows the QR codes. Every check
 * waits for a state; nothing asserts speed.
 */
const STATE_TIMEOUT = 30_000;
const EVENT = {
  eventId: 'e2e-door',
  name: 'E2E Door',
  venue: 'Test Hall',
  rows: 2,
  seatsPerRow: 4,
  priceCents: 2500,
  currency: 'EUR',
};

describe('console sign-in and the door in a browser', () => {
  let stack: LocalStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let order: OrderView;

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('door'));
    await createEvent(stack.store, EVENT);
    order = await buyTicket('B2');
  });

  /** A confirmed order of one seat, bought by a new buyer through the API. */
  async function buyTicket(seatId: string): Promise<OrderView> {
    const buyer = await newBuyer(stack);
    const created = await createOrderFor(stack, buyer, EVENT.eventId, { seatIds: [seatId] });
    await call(stack, 'POST', `/api/orders/${created.body.order.orderId}/payment`, {
      token: buyer.token,
      body: { code: '11111' },
    });
    return pollOrder(stack, buyer, created.body.order.orderId, (o) => (o.tickets?.length ?? 0) > 0);
  }

  afterAll(async () => {
    await stopBrowserStack(stack, browser, contexts);
  });

  async function window(viewport = { width: 1100, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  it('signs in at /admin, opens a door, the door admits the ticket once; a ticket refunded in the console is voided', async () => {
    const admin = await window();
    await admin.goto(`${stack.url}/admin`);
    await admin.getByLabel('Admin key').fill('not-the-key');
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByText('That admin key is not right.').waitFor({ timeout: STATE_TIMEOUT });

    await admin.getByLabel('Admin key').fill(stack.adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('heading', { name: 'Console', exact: true }).waitFor({ timeout: STATE_TIMEOUT });
    // Only the short-lived session is kept, never the key.
    // The test project has no DOM types: the page's storage is reached through globalThis.
    const stored = await admin.evaluate(() => {
      const page = globalThis as unknown as Record<'sessionStorage' | 'localStorage', Record<string, string>>;
      return JSON.stringify({ ...page.sessionStorage }) + JSON.stringify({ ...page.localStorage });
    });
    expect(stored).not.toContain(stack.adminKey);
    expect(stored).toContain('ticketdrop.operator');

    await admin.getByRole('form', { name: 'Open a door' }).getByLabel('Event').selectOption(EVENT.eventId);
    await admin.getByLabel('Door name').fill('North gate');
    await admin.getByRole('button', { name: 'Create door link' }).click();
    const link = await admin.getByLabel('Door link').inputValue({ timeout: STATE_TIMEOUT });
    expect(link).toMatch(/\/door#credential=/);
    await admin.screenshot({ path: join(ARTIFACTS, 'console-door-link.png'), fullPage: true });

    const door = await window({ width: 390, height: 844 });
    await door.goto(link);
    await door.getByRole('heading', { name: 'North gate', exact: true }).waitFor({ timeout: STATE_TIMEOUT });
    expect(new URL(door.url()).hash).toBe(''); // the credential left the address bar
    const ticket = order.tickets![0]!;
    const code = door.getByLabel(/Ticket code/);
    await code.fill(ticket.token);
    await door.getByRole('button', { name: 'Check in' }).click();
    const result = door.getByTestId('check-in-result');
    await door.locator('[data-testid="check-in-result"][data-result="valid"]').waitFor({ timeout: STATE_TIMEOUT });
    expect(await result.textContent()).toMatch(/Valid — let in[\s\S]*Seat B2/);
    await door.screenshot({ path: join(ARTIFACTS, 'door-valid.png') });

    await code.fill(ticket.token);
    await door.getByRole('button', { name: 'Check in' }).click();
    await door
      .locator('[data-testid="check-in-result"][data-result="alreadyCheckedIn"]')
      .waitFor({ timeout: STATE_TIMEOUT });
    expect(await result.textContent()).toMatch(/Already checked in[\s\S]*by North gate/);
    await door.screenshot({ path: join(ARTIFACTS, 'door-already-checked-in.png') });

    await code.fill(`${ticket.token.slice(0, -4)}AAAA`);
    await door.getByRole('button', { name: 'Check in' }).click();
    await door.locator('[data-testid="check-in-result"][data-result="forged"]').waitFor({ timeout: STATE_TIMEOUT });

    // A second ticket refunded from the console no longer admits anyone at the door.
    const refunded = await buyTicket('A3');
    await admin.getByLabel('Order id').fill(refunded.orderId);
    await admin.getByRole('button', { name: 'Refund', exact: true }).click();
    await admin.getByRole('button', { name: 'Yes, refund this order' }).click();
    await admin.getByTestId('refund-result').waitFor({ timeout: STATE_TIMEOUT });
    expect(await admin.getByTestId('refund-result').textContent()).toMatch(
      /Refunded .*1 ticket\(s\) voided, seats back on sale: A3/,
    );
    await code.fill(refunded.tickets![0]!.token);
    await door.getByRole('button', { name: 'Check in' }).click();
    await door.locator('[data-testid="check-in-result"][data-result="voided"]').waitFor({ timeout: STATE_TIMEOUT });
    await admin.screenshot({ path: join(ARTIFACTS, 'console-refund.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('finds an order by seat in the console, shows its story, and exports who got tickets as CSV', async () => {
    const admin = await window();
    await admin.goto(`${stack.url}/admin`);
    await admin.getByLabel('Admin key').fill(stack.adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByLabel('Orders of event').selectOption(EVENT.eventId);
    await admin.getByLabel('Search orders').fill('b2');
    const rows = admin.getByTestId('orders-table').locator('tbody tr');
    await rows.first().waitFor({ timeout: STATE_TIMEOUT });
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(order.orderId);
    // The dashboard: seats by state and orders by status (it moving live: dashboard.e2e.test.ts).
    const dashboard = admin.getByTestId('dashboard');
    await dashboard.getByTestId('dashboard-sold').waitFor({ timeout: STATE_TIMEOUT });
    expect(Number(await dashboard.getByTestId('dashboard-sold').textContent())).toBeGreaterThan(0);
    expect(await dashboard.getByTestId('orders-CONFIRMED').textContent()).toMatch(/confirmed\s*[1-9]/);

    const download = admin.waitForEvent('download');
    await admin.getByRole('button', { name: 'Export tickets (CSV)' }).click();
    const csv = await readFile((await (await download).path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('orderId,seatId,buyerId,ticketId,state,checkedInAt,checkedInBy');
    expect(csv).toContain(`${order.orderId},B2,`);

    await rows.first().getByRole('link', { name: order.orderId }).click();
    await admin.getByRole('heading', { name: `Order ${order.orderId}` }).waitFor({ timeout: STATE_TIMEOUT });
    await admin.getByTestId('story-explanation').waitFor({ timeout: STATE_TIMEOUT });
    expect(await admin.getByTestId('story-explanation').textContent()).toMatch(
      /Confirmed: \d valid ticket\(s\) for B2/,
    );
    expect(await admin.locator('.story-steps').textContent()).toMatch(/ChargePayment[\s\S]*ExecutionSucceeded/);
    await admin.screenshot({ path: join(ARTIFACTS, 'console-order-story.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('creates an event in the console: a refused field is named next to it; the public listing shows its date and seats left', async () => {
    const admin = await window();
    await admin.goto(`${stack.url}/admin`);
    await admin.getByLabel('Admin key').fill(stack.adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    const form = admin.getByRole('form', { name: 'Create an event' });
    await form.getByLabel('Name').fill('Gala night');
    await form.getByLabel('Venue').fill('Old Hall');
    await form.getByLabel('Date and time').fill('2027-06-05T20:00');
    await form.getByLabel('Rows').fill('0');
    await form.getByLabel('Seats per row').fill('4');
    await form.getByRole('button', { name: 'Create event' }).click();
    await form.getByTestId('error-rows').waitFor({ timeout: STATE_TIMEOUT });
    expect(await form.getByLabel('Rows').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Rows').fill('2');
    await form.getByRole('button', { name: 'Create event' }).click();
    await form.getByTestId('event-created').waitFor({ timeout: STATE_TIMEOUT });
    expect(await form.getByTestId('error-rows').count()).toBe(0);
    await admin.getByTestId('events-table').getByText('Gala night').waitFor({ timeout: STATE_TIMEOUT });
    await admin.screenshot({ path: join(ARTIFACTS, 'console-events.png'), fullPage: true });

    const buyer = await window();
    await buyer.goto(stack.url);
    const gala = buyer.getByRole('listitem').filter({ hasText: 'Gala night' });
    await gala.getByTestId('event-date').waitFor({ timeout: STATE_TIMEOUT });
    expect(await gala.getByTestId('event-date').getAttribute('datetime')).toMatch(/^2027-06-0[45]T/);
    expect(await gala.getByTestId('sale-state').textContent()).toBe('8 seats left');
    expect(pageErrors).toEqual([]);
  });

  it("the buyer's tickets link shows the order's QR codes without a session; the local outbox has the e-mail with it", async () => {
    const page = await window({ width: 390, height: 844 });
    await page.goto(`${stack.url}${ticketsLinkPath(order.orderId, stack.ticketSigningKey)}`);
    await page.getByRole('heading', { name: 'Your tickets' }).first().waitFor({ timeout: STATE_TIMEOUT });
    await page.locator('[data-testid="ticket"][data-ticket-seat="B2"] img').waitFor({ timeout: STATE_TIMEOUT });
    await page.screenshot({ path: join(ARTIFACTS, 'tickets-link.png'), fullPage: true });

    // The whole journey without a mail server: the local outbox shows the confirmation, its link opens the tickets.
    const outbox = await window();
    await outbox.goto(`${stack.url}/outbox`);
    const email = outbox.getByTestId('message').filter({ hasText: 'E-mail' }).filter({ hasText: order.orderId });
    await email.getByRole('link').waitFor({ timeout: STATE_TIMEOUT });
    await outbox.screenshot({ path: join(ARTIFACTS, 'outbox.png'), fullPage: true });
    await email.getByRole('link').click();
    await outbox.locator('[data-testid="ticket"][data-ticket-seat="B2"] img').waitFor({ timeout: STATE_TIMEOUT });

    const wrong = await window();
    await wrong.goto(`${stack.url}/tickets/${order.orderId}?t=${'A'.repeat(43)}`);
    await wrong.getByText(/These tickets cannot be shown/).waitFor({ timeout: STATE_TIMEOUT });
    expect(pageErrors).toEqual([]);
  });

  it('scans with the camera where the browser has a BarcodeDetector: valid, and the same ticket held up again later is already checked in', async () => {
    const ticket = (await buyTicket('A4')).tickets![0]!;
    const door = await createDoorCredential(stack.sessionSigningKey, { eventId: EVENT.eventId, door: 'Camera gate' });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    contexts.push(context);
    // Headless Chromium on Linux has neither a camera nor BarcodeDetector: a canvas stands in for
    // the camera and a detector that always sees this ticket's QR code stands in for the decoder.
    await context.addInitScript((code: string) => {
      const page = globalThis as unknown as {
        document: {
          createElement(tag: string): {
            getContext(kind: string): { fillRect(x: number, y: number, w: number, h: number): void };
            captureStream(): unknown;
          };
        };
        setInterval(callback: () => void, ms: number): unknown;
        navigator: { mediaDevices: { getUserMedia: unknown } };
        BarcodeDetector: unknown;
      };
      page.navigator.mediaDevices.getUserMedia = async () => {
        const canvas = page.document.createElement('canvas');
        const drawing = canvas.getContext('2d');
        // A canvas stream has frames only while it is painted: the video plays once it has one.
        page.setInterval(() => drawing.fillRect(0, 0, 10, 10), 100);
        return canvas.captureStream();
      };
      page.BarcodeDetector = class {
        async detect() {
          return [{ rawValue: code }];
        }
      };
    }, ticket.token);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${stack.url}/door#credential=${door.token}`);
    await page.getByRole('button', { name: 'Scan with the camera' }).click();
    await page.locator('[data-testid="check-in-result"][data-result="valid"]').waitFor({ timeout: STATE_TIMEOUT });
    expect(await page.getByTestId('check-in-result').textContent()).toMatch(/Seat A4/);
    // A hit stops the scan and releases the camera; the same guest, scanned again, is "already".
    await page.getByRole('button', { name: 'Scan next ticket' }).click();
    await page
      .locator('[data-testid="check-in-result"][data-result="alreadyCheckedIn"]')
      .waitFor({ timeout: STATE_TIMEOUT });
    expect(await page.getByTestId('check-in-result').textContent()).toMatch(/by Camera gate/);
    expect(pageErrors).toEqual([]);
  });
});
