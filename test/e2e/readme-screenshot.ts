/**
 * Takes docs/seat-map.png, the README's picture of the seat map with all six states in one
 * window: another buyer's sold and held seats, my confirmed seats, my hold with its countdown,
 * and a seat selected to add to it. Debian's Chromium via playwright-core, like the e2e test.
 *
 *   npx tsx test/e2e/readme-screenshot.ts
 */
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ensureFrontendBuilt } from '../../lib/web/frontend-build';
import { DEMO_EVENT } from '../../local/demo-events';
import { PROJECT_ROOT, startLocalStack } from '../../local/local-stack';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/browser-stack';

const seat = (page: Page, id: string, state?: string) =>
  page.locator(state ? `button[data-seat="${id}"][data-state="${state}"]` : `button[data-seat="${id}"]`);

async function holdAndMaybePay(page: Page, seatIds: string[], pay: boolean): Promise<void> {
  for (const id of seatIds) await seat(page, id).click();
  await page.getByRole('button', { name: /^Hold seats/ }).click();
  for (const id of seatIds) await seat(page, id, 'held-by-me').waitFor({ timeout: 30_000 });
  if (!pay) return;
  await page.getByLabel('Payment code (5 digits)').fill('11111');
  await page.getByRole('button', { name: /^Pay / }).click();
  for (const id of seatIds) await seat(page, id, 'confirmed-by-me').waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Buy more seats' }).click();
}

async function main(): Promise<void> {
  await ensureFrontendBuilt();
  const stack = await startLocalStack({
    port: 0,
    tablePrefix: `shot${Date.now().toString(36)}`,
    environment: {
      PAYMENT_LATENCY_MS: '200',
      PAYMENT_DECLINE_RATE: '0',
      PAYMENT_SLOW_RATE: '0',
      NOTIFICATION_LATENCY_MS: '5',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const open = async () => {
      const page = await (
        await browser.newContext({ viewport: { width: 1180, height: 760 }, deviceScaleFactor: 1 })
      ).newPage();
      await page.goto(`${stack.url}/events/${DEMO_EVENT.eventId}`);
      await page.locator('[data-testid="connection"][data-status="live"]').waitFor({ timeout: 30_000 });
      return page;
    };
    const other = await open();
    const me = await open();
    await holdAndMaybePay(other, ['A3', 'A4'], true); // sold (to someone else)
    await holdAndMaybePay(me, ['B3', 'B4'], true); // You confirmed
    await holdAndMaybePay(other, ['C2', 'C3'], false); // held by someone else
    await holdAndMaybePay(me, ['D3', 'D4'], false); // held by me, countdown running
    await seat(me, 'D5').click(); // selected, to add to the hold
    await seat(me, 'C3', 'held-by-others').waitFor({ timeout: 30_000 });
    await seat(me, 'A3', 'sold').waitFor({ timeout: 30_000 });
    await me
      .getByLabel('Payment code (5 digits)')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    const path = join(PROJECT_ROOT, 'docs', 'seat-map.png');
    await me.screenshot({ path, fullPage: false });
    console.log(`Saved ${path}`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
