import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventInfo } from '../../contract/event-views';
import type { OrderView } from '../../contract/order-view';
import { createDoorCredential } from '../../lambdas/core/access/staff-credentials';
import { type LocalStack, PROJECT_ROOT } from '../../local/local-stack';
import { call, createOrderFor, newBuyer, pollOrder } from '../support/api-client';
import { ARTIFACTS, startBrowserStack, stopBrowserStack } from '../support/browser-stack';

/**
 * A whole drop run from the browser (Debian's Chromium): the organizer signs in at /admin and
 * creates the event in the form; a buyer in a second browser context buys two seats on the seat
 * map (hold → pay); the organizer's dashboard shows them sold; the organizer refunds one ticket
 * from the order's story page and the seat turns free in the buyer's still-open window; at the
 * door (a phone-sized window whose browser has no BarcodeDetector, so jsQR reads the camera) a
 * ticket of another purchase is valid, then already checked in. Every step waits for a state;
 * nothing asserts speed. With SCREENSHOTS=docs the console and door pictures are copied to docs/
 * for the README.
 */
const STATE_TIMEOUT = 45_000;
const EVENT_NAME = 'Whole drop night';

describe('a whole drop in the browser', () => {
  let stack: LocalStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('drop'));
  });

  afterAll(async () => {
    await stopBrowserStack(stack, browser, contexts);
  });

  async function window(viewport = { width: 1180, height: 860 }, initScript?: string): Promise<Page> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    contexts.push(context);
    if (initScript) await context.addInitScript({ content: initScript });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  const seat = (page: Page, id: string, state?: string) =>
    page.locator(state ? `button[data-seat="${id}"][data-state="${state}"]` : `button[data-seat="${id}"]`);

  /** A picture for the README: kept in test-results/, and in docs/ when asked for. */
  async function picture(what: Page | Locator, name: string, fullPage = true): Promise<void> {
    const path = join(ARTIFACTS, name);
    // Finite animations (the door's flash) finished first: the picture shows the answer as it stays.
    if ('goto' in what) await what.screenshot({ path, fullPage, animations: 'disabled' });
    else await what.screenshot({ path, animations: 'disabled' });
    if (process.env.SCREENSHOTS === 'docs') await copyFile(path, join(PROJECT_ROOT, 'docs', name));
  }

  it('create → buy in a second window → dashboard sold → refund a ticket → free in the buyer window → door valid, then already checked in', async () => {
    // The organizer signs in and creates the event in the form.
    const admin = await window();
    await admin.goto(`${stack.url}/admin`);
    await admin.getByLabel('Admin key').fill(stack.adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('heading', { name: 'Console', exact: true }).waitFor({ timeout: STATE_TIMEOUT });
    const form = admin.getByRole('form', { name: 'Create an event' });
    await form.getByLabel('Name').fill(EVENT_NAME);
    await form.getByLabel('Venue').fill('Harbour Hall');
    await form.getByLabel('Date and time').fill('2027-09-10T20:00');
    await form.getByLabel('Rows').fill('3');
    await form.getByLabel('Seats per row').fill('6');
    await form.getByLabel('Price per seat (€)').fill('40');
    await form.getByRole('button', { name: 'Create event' }).click();
    await form.getByTestId('event-created').waitFor({ timeout: STATE_TIMEOUT });
    const events = await call<{ events: EventInfo[] }>(stack, 'GET', '/api/events');
    const eventId = events.body.events.find((e) => e.name === EVENT_NAME)!.eventId;

    // A buyer, in a browser context of their own, buys A1 and A2 on the seat map.
    const buyer = await window();
    await buyer.goto(`${stack.url}/events/${eventId}`);
    await buyer.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: STATE_TIMEOUT });
    await seat(buyer, 'A1').click();
    await seat(buyer, 'A2').click();
    await buyer.getByRole('button', { name: /^Hold seats/ }).click();
    await seat(buyer, 'A2', 'held-by-me').waitFor({ timeout: STATE_TIMEOUT });
    await buyer.getByLabel('Payment code (5 digits)').fill('11111');
    await buyer.getByRole('button', { name: /^Pay / }).click();
    await seat(buyer, 'A1', 'confirmed-by-me').waitFor({ timeout: STATE_TIMEOUT });
    await seat(buyer, 'A2', 'confirmed-by-me').waitFor({ timeout: STATE_TIMEOUT });

    // Another purchase (through the API) whose ticket the door will check.
    const other = await buyThroughApi(eventId, 'C3');

    // The organizer's live dashboard shows the seats sold (pushed over its socket: wait for the figure).
    await admin.reload();
    await admin.getByLabel('Orders of event').selectOption(eventId);
    const dashboard = admin.getByTestId('dashboard');
    await admin.locator('[data-testid="dashboard-sold"]', { hasText: /^3$/ }).waitFor({ timeout: STATE_TIMEOUT });
    await picture(dashboard, 'console-dashboard.png');

    // The buyer's order, found by seat, and its story page: refund the ticket for A1 only.
    await admin.getByLabel('Search orders').fill('a1');
    const row = admin.getByTestId('orders-table').locator('tbody tr');
    await row.first().waitFor({ timeout: STATE_TIMEOUT });
    const orderId = (await row.first().getByRole('link').textContent())!.trim();
    await row.first().getByRole('link').click();
    await admin.getByRole('heading', { name: `Order ${orderId}` }).waitFor({ timeout: STATE_TIMEOUT });
    await admin.getByRole('button', { name: 'Refund A1' }).click();
    await admin.getByRole('button', { name: 'Yes, refund A1' }).click();
    const refundResult = admin.getByTestId('ticket-refund-result');
    await refundResult.waitFor({ timeout: STATE_TIMEOUT });
    expect(await refundResult.textContent()).toMatch(/Refunded A1: €40\.00 back, ticket voided, seat A1 back on sale/);
    await admin.getByTestId('ticket-refunded').waitFor({ timeout: STATE_TIMEOUT });
    expect(await admin.getByTestId('story-explanation').textContent()).toMatch(/Confirmed: 1 valid ticket\(s\) for A2/);
    await picture(admin, 'console-order-story.png');

    // The buyer's window, still open: A1 turns free (live), A2 stays theirs.
    await seat(buyer, 'A1', 'available').waitFor({ timeout: STATE_TIMEOUT });
    expect(await seat(buyer, 'A2').getAttribute('data-state')).toBe('confirmed-by-me');

    // The door: a phone whose browser has no BarcodeDetector; its camera sees the other buyer's QR code.
    const ticket = other.tickets![0]!;
    const credential = await createDoorCredential(stack.sessionSigningKey, { eventId, door: 'Harbour gate' });
    const door = await window({ width: 390, height: 844 }, await cameraShowing(ticket.token));
    await door.goto(`${stack.url}/door#credential=${credential.token}`);
    expect(await door.getByTestId('qr-reader').textContent()).toMatch(/jsQR/);
    await door.getByRole('button', { name: 'Scan with the camera' }).click();
    await door.locator('[data-testid="check-in-result"][data-result="valid"]').waitFor({ timeout: STATE_TIMEOUT });
    expect(await door.getByTestId('check-in-result').textContent()).toMatch(/Valid — let in[\s\S]*Seat C3/);
    // A hit stops the scan and releases the camera.
    await door.getByRole('button', { name: 'Scan next ticket' }).waitFor({ timeout: STATE_TIMEOUT });
    expect(await door.locator('video').count()).toBe(0);
    await picture(door, 'door-valid.png', false);
    // The same guest holds the ticket up again.
    await door.getByRole('button', { name: 'Scan next ticket' }).click();
    await door
      .locator('[data-testid="check-in-result"][data-result="alreadyCheckedIn"]')
      .waitFor({ timeout: STATE_TIMEOUT });
    expect(await door.getByTestId('check-in-result').textContent()).toMatch(/Already checked in[\s\S]*by Harbour gate/);
    await picture(door, 'door-already-checked-in.png', false);
    expect(pageErrors).toEqual([]);
  });

  /** A confirmed one-seat order of a new buyer, through the API. */
  async function buyThroughApi(eventId: string, seatId: string): Promise<OrderView> {
    const someone = await newBuyer(stack);
    const created = await createOrderFor(stack, someone, eventId, { seatIds: [seatId] });
    expect(created.status).toBe(201);
    await call(stack, 'POST', `/api/orders/${created.body.order.orderId}/payment`, {
      token: someone.token,
      body: { code: '11111' },
    });
    return pollOrder(stack, someone, created.body.order.orderId, (o) => (o.tickets?.length ?? 0) > 0);
  }
});

/**
 * A page script that makes the browser a phone with a camera pointed at `text`'s QR code and no
 * BarcodeDetector: getUserMedia answers a canvas stream on which the code is painted (dark on
 * light, a quiet zone, repainted so the stream keeps producing frames). Headless Chromium has no
 * camera; the page's own jsQR path does the reading.
 */
async function cameraShowing(text: string): Promise<string> {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const bits = Array.from({ length: modules.size * modules.size }, (_, i) =>
    modules.get(Math.floor(i / modules.size), i % modules.size) ? '1' : '0',
  ).join('');
  return `(() => {
    const size = ${modules.size};
    const bits = '${bits}';
    delete window.BarcodeDetector;
    navigator.mediaDevices.getUserMedia = async () => {
      const scale = 6;
      const canvas = document.createElement('canvas');
      canvas.width = 480;
      canvas.height = 480;
      const drawing = canvas.getContext('2d');
      const left = Math.floor((canvas.width - size * scale) / 2);
      const paint = () => {
        drawing.fillStyle = '#fff';
        drawing.fillRect(0, 0, canvas.width, canvas.height);
        drawing.fillStyle = '#000';
        for (let i = 0; i < bits.length; i++)
          if (bits[i] === '1') drawing.fillRect(left + (i % size) * scale, left + Math.floor(i / size) * scale, scale, scale);
      };
      paint();
      setInterval(paint, 100);
      return canvas.captureStream();
    };
  })();`;
}
