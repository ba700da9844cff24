import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Platform } from '../lambdas/wiring/platform';

/**
 * Which handler the current call runs in (its entry, e.g. `lambdas/steps/charge-payment.ts`), as a
 * Lambda's own metrics would tell them apart: the benchmarks' SDK meter counts requests by it.
 */
const invocations = new AsyncLocalStorage<string>();

/** The entry of the handler this code runs in, or undefined outside one (the stack's own work). */
export function currentHandlerEntry(): string | undefined {
  return invocations.getStore();
}

/**
 * The one way the local stack (and tests) load a handler: import its module (the entry the CDK
 * app bundles) and call its `createHandler(platform)` with the caller's own platform. Nothing is
 * read from `process.env`, so every stack in a process gets handlers of its own.
 */
export async function loadHandler<H>(projectRoot: string, entry: string, platform: Platform): Promise<H> {
  const module = (await import(pathToFileURL(join(projectRoot, entry)).href)) as {
    createHandler?: (platform: Platform) => H;
  };
  if (typeof module.createHandler !== 'function') throw new Error(`${entry} exports no createHandler(platform)`);
  const handler = module.createHandler(platform);
  if (typeof handler !== 'function') return handler;
  const run = handler as (...args: unknown[]) => unknown;
  return ((...args: unknown[]) => invocations.run(entry, () => run(...args))) as H;
}
