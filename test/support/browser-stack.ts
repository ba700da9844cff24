import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { ensureFrontendBuilt } from '../../lib/web/frontend-build';
import { type LocalStack, PROJECT_ROOT, startLocalStack } from '../../local/local-stack';
import { FAST_SIMULATOR_ENV } from './api-client';

/**
 * What the browser tests share: the built frontend, a local stack with a fast simulated card
 * processor, and Debian's Chromium driven by playwright-core — never a downloaded browser.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(PROJECT_ROOT, 'test-results');

/** Headless and quiet: on this closed network Chromium's background connections only fail. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function startBrowserStack(tablePrefix: string): Promise<{ stack: LocalStack; browser: Browser }> {
  await Promise.all([ensureFrontendBuilt(), mkdir(ARTIFACTS, { recursive: true })]);
  const stack = await startLocalStack({
    port: 0,
    tablePrefix: `${tablePrefix}${Date.now().toString(36)}`,
    environment: { ...FAST_SIMULATOR_ENV, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    return { stack, browser };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/** Closes every buyer's window, the browser and the stack, whatever state a failed test left. */
export async function stopBrowserStack(
  stack: LocalStack | undefined,
  browser: Browser | undefined,
  contexts: readonly BrowserContext[],
): Promise<void> {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
}
