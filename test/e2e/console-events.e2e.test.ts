import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketsLinkPath } from '../../lambdas/core/tickets/tickets-link';
import type { LocalStack } from '../../local/local-stack';
import { call, createOrderFor, newBuyer, pollOrder } from '../support/api-client';
import { ARTIFACTS, startBrowserStack, stopBrowserStack } from '../support/browser-stack';

/**
 * The organizer's events in Debian's Chromium: create an event with price levels in the console,
 * edit it before its sale (a refused level is named next to its field), and the buyer's side
 * shows what was set — the price range in the listing, each seat's price and the price legend on
 * the map, the date, each ticket's price and the PDF download on the tickets page. Every check
 * waits for a state; nothing asserts speed.
 */
const STATE_TIMEOUT = 30_000;

describe('events in the console, prices on the buyer side', () => {
  let stack: LocalStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('console-events'));
  });

  afterAll(async () => {
    await stopBrowserStack(stack, browser, contexts);
  });

  async function window(viewport = { width: 1100, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  it('creates an event with a price level, edits it, and buyers see each seat’s price, the range and the PDF', async () => {
    const admin = await window();
    await admin.goto(`${stack.url}/admin`);
    await admin.getByLabel('Admin key').fill(stack.adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();

    const create = admin.getByRole('form', { name: 'Create an event' });
    await create.getByLabel('Name', { exact: true }).fill('Priced gala');
    await create.getByLabel('Date and time').fill('2027-06-05T20:00');
    await create.getByLabel('Rows', { exact: true }).fill('3');
    await create.getByLabel('Seats per row').fill('4');
    await create.getByLabel('Price per seat (€)').fill('45');
    await create.getByRole('button', { name: 'Add a price level' }).click();
    await create.getByLabel('Level 1 name').fill('Front');
    await create.getByLabel('Level 1 from row').fill('A');
    await create.getByLabel('Level 1 to row').fill('D'); // the map has 3 rows
    await create.getByLabel('Level 1 price (€)').fill('80');
    await create.getByRole('button', { name: 'Create event' }).click();
    await create.getByTestId('error-priceLevels.0.toRow').waitFor({ timeout: STATE_TIMEOUT });
    expect(await create.getByLabel('Level 1 to row').getAttribute('aria-invalid')).toBe('true');
    await create.getByLabel('Level 1 to row').fill('A');
    await create.getByRole('button', { name: 'Create event' }).click();
    const created = await create.getByTestId('event-created').textContent({ timeout: STATE_TIMEOUT });
    const eventId = /\(([a-z0-9-]+)\)/.exec(created ?? '')![1]!;

    // Edit before the sale: a second level for row B, and a new name.
    const row = admin.locator(`tr[data-event="${eventId}"]`);
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = admin.getByRole('form', { name: 'Edit the event' });
    expect(await edit.getByLabel('Level 1 price (€)').inputValue()).toBe('80.00');
    await edit.getByLabel('Name', { exact: true }).fill('Priced gala night');
    await edit.getByRole('button', { name: 'Add a price level' }).click();
    await edit.getByLabel('Level 2 from row').fill('B');
    await edit.getByLabel('Level 2 to row').fill('B');
    await edit.getByLabel('Level 2 price (€)').fill('60');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByTestId('event-saved').waitFor({ timeout: STATE_TIMEOUT });
    await row.getByText('Priced gala night').waitFor({ timeout: STATE_TIMEOUT });
    await admin.screenshot({ path: join(ARTIFACTS, 'console-edit-event.png'), fullPage: true });

    // The buyer's side: the range in the listing, each seat's price and the legend on the map.
    const buyer = await window();
    await buyer.goto(stack.url);
    const listed = buyer.getByRole('listitem').filter({ hasText: 'Priced gala night' });
    await listed.getByTestId('price-range').waitFor({ timeout: STATE_TIMEOUT });
    expect(await listed.getByTestId('price-range').textContent()).toMatch(/45\.00.*–.*80\.00/);
    await buyer.goto(`${stack.url}/events/${eventId}`);
    const a1 = buyer.locator('button[data-seat="A1"]');
    await a1.waitFor({ timeout: STATE_TIMEOUT });
    expect(await a1.getAttribute('aria-label')).toMatch(/^Seat A1, €80\.00/);
    expect(await buyer.locator('button[data-seat="B2"]').getAttribute('aria-label')).toMatch(/^Seat B2, €60\.00/);
    expect(await buyer.locator('button[data-seat="C3"]').getAttribute('aria-label')).toMatch(/^Seat C3, €45\.00/);
    expect(await buyer.getByTestId('price-level').allTextContents()).toEqual([
      expect.stringMatching(/€80\.00.*Front/),
      expect.stringMatching(/€60\.00.*Row B/),
      expect.stringMatching(/€45\.00.*Other rows/),
    ]);
    await buyer.screenshot({ path: join(ARTIFACTS, 'seat-map-prices.png'), fullPage: true });

    // An order across two levels; its tickets page shows the date, each price and the PDF.
    const api = await newBuyer(stack);
    const order = await createOrderFor(stack, api, eventId, { seatIds: ['A1', 'C1'] });
    expect(order.body.order.amountCents).toBe(12_500);
    await call(stack, 'POST', `/api/orders/${order.body.order.orderId}/payment`, {
      token: api.token,
      body: { code: '11111' },
    });
    const confirmed = await pollOrder(stack, api, order.body.order.orderId, (o) => (o.tickets?.length ?? 0) === 2);
    const tickets = await window({ width: 390, height: 844 });
    await tickets.goto(`${stack.url}${ticketsLinkPath(confirmed.orderId, stack.ticketSigningKey)}`);
    await tickets.getByTestId('tickets-pdf').waitFor({ timeout: STATE_TIMEOUT });
    await tickets.getByTestId('event-date').waitFor({ timeout: STATE_TIMEOUT });
    expect((await tickets.getByTestId('ticket-price').allTextContents()).sort()).toEqual(['€45.00', '€80.00']);
    const href = await tickets.getByTestId('tickets-pdf').getAttribute('href');
    const file = await fetch(new URL(href!, stack.url));
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect((await PDFDocument.load(new Uint8Array(await file.arrayBuffer()))).getPageCount()).toBe(2);
    await tickets.screenshot({ path: join(ARTIFACTS, 'tickets-link-pdf.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
