import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The local stack's own settings from the environment (the handlers' come from their configuration). */

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the synthesized template is kept between starts: TICKETDROP_CACHE_DIR, else .ticketdrop/cache/. */
export function templateCacheDirFromEnv(): string {
  return process.env.TICKETDROP_CACHE_DIR || join(PROJECT_ROOT, '.ticketdrop', 'cache');
}

/** TICKETDROP_RECONCILE_SECONDS: how often the local reconciler runs (its default when unset). */
export function reconcileIntervalFromEnv(): number | undefined {
  return periodFromEnv('TICKETDROP_RECONCILE_SECONDS');
}

/** TICKETDROP_LIVE_MAP_SWEEP_SECONDS: how often the local live-map sweep runs (its default when unset). */
export function liveMapSweepIntervalFromEnv(): number | undefined {
  return periodFromEnv('TICKETDROP_LIVE_MAP_SWEEP_SECONDS');
}

/** A schedule's period in whole seconds (1 to 3,600) from `name`, as ms; undefined when unset. */
function periodFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600)
    throw new Error(`${name} must be from 1 to 3600, not "${raw}"`);
  return seconds * 1000;
}
