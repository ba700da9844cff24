import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Platform } from '../lambdas/wiring/platform';

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
  return module.createHandler(platform);
}
