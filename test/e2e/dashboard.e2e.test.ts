import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import type { LocalStack } from '../../local/local-stack';
import { call, createOrderFor, newBuyer, pollOrder } from '../support/api-client';
import { ARTIFACTS, startBrowserStack, stopBrowserStack } from '../support/browser-stack';

/**
 * The console's live dashboard in Debian's Chromium: sign in, open an event's dashboard, buy
 * through the API, and the sold count moves without a reload — pushed over the operator's socket
 * (the page says "Live" before the purchase; it polls only while the socket is down). Also at a
 * phone's width. Every check waits for a state; nothing asserts speed.
 */
const STATE_TIMEOUT = 30_000;
const EVENT = {
  eventId: 'e2e-dash',
  name: 'E2E Dashboard',
  venue: 'Test Hall',
  rows: 2,
  seatsPerRow: 5,
  priceCents: 3000,
  currency: 'EUR',
};

describe('the live dashboard in a browser', () => {
  let stack: LocalStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('dash'));
    await createEvent(stack.store, EVENT);
  });

  afterAll(async () => {
    await stopBrowserStack(stack, browser, contexts);
  });

  async function window(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  async function buy(seatIds: string[]): Promise<void> {
    const buyer = await newBuyer(stack);
    const created = await createOrderFor(stack, buyer, EVENT.eventId, { seatIds });
    expect(created.status).toBe(201);
    await call(stack, 'POST', `/api/orders/${created.body.order.orderId}/payment`, {
      token: buyer.token,
      body: { code: '11111' },
    });
    await pollOrder(stack, buyer, created.body.order.orderId, (o) => o.status === 'CONFIRMED');
  }

  async function openDashboard(page: Page): Promise<void> {
    await page.goto(`${stack.url}/admin`);
    await page.getByLabel('Admin key').fill(stack.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Orders of event').selectOption(EVENT.eventId);
    await page.locator('[data-testid="dashboard-feed"][data-feed="live"]').waitFor({ timeout: STATE_TIMEOUT });
  }

  const sold = (page: Page) => page.getByTestId('dashboard-sold').textContent();

  it('sign in → the event’s dashboard → a purchase through the API → sold moves without a reload', async () => {
    const admin = await window({ width: 1100, height: 900 });
    await openDashboard(admin);
    await admin.locator('[data-testid="dashboard-sold"]', { hasText: /^0$/ }).waitFor({ timeout: STATE_TIMEOUT });
    expect(await admin.getByTestId('dashboard-free').textContent()).toBe('10');
    const url = admin.url();

    await buy(['A1', 'A2']);
    await admin.locator('[data-testid="dashboard-sold"]', { hasText: /^2$/ }).waitFor({ timeout: STATE_TIMEOUT });
    expect(admin.url()).toBe(url);
    // Seats turn SOLD before their order turns CONFIRMED (tickets first): a push may show one, then both.
    await admin
      .locator('[data-testid="orders-CONFIRMED"]', { hasText: /confirmed\s*1$/ })
      .waitFor({ timeout: STATE_TIMEOUT });
    expect(await admin.getByTestId('dashboard-revenue').textContent()).toMatch(/60/);
    // The chart's text alternative says what the bars show.
    expect(await admin.locator('#sales-desc').textContent()).toMatch(/^2 tickets sold in the last hour/);
    await admin.getByTestId('dashboard').screenshot({ path: join(ARTIFACTS, 'console-dashboard.png') });
    expect(pageErrors).toEqual([]);
  });

  it('works at a phone’s width: the figures fit, and they move too', async () => {
    const phone = await window({ width: 390, height: 844 });
    await openDashboard(phone);
    const before = Number(await sold(phone));
    await buy(['B1']);
    await phone
      .locator('[data-testid="dashboard-sold"]', { hasText: new RegExp(`^${before + 1}$`) })
      .waitFor({ timeout: STATE_TIMEOUT });
    // The dashboard is no wider than the screen (its tiles and columns wrap).
    const box = (await phone.getByTestId('dashboard').boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const dashboardOverflow = await phone.getByTestId('dashboard').evaluate((element) => {
      const { scrollWidth, clientWidth } = element as unknown as { scrollWidth: number; clientWidth: number };
      return scrollWidth - clientWidth;
    });
    expect(dashboardOverflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(ARTIFACTS, 'console-dashboard-phone.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
