/**
 * Builds the seat-map frontend (frontend/ → frontend/dist) when it is missing or older than its
 * sources, so `npm start` and the tests that serve the page never run a stale or absent build.
 *
 *   tsx lib/web/frontend-build.ts            build if stale (what `npm start` runs first)
 *   tsx lib/web/frontend-build.ts --force    always build (same as `npm run build:web`)
 *
 * The build goes to a temporary folder first and is then swapped in, so a server (or a parallel
 * test) never serves a half-written dist/; two builders racing simply leave one of two identical
 * builds in place.
 */
import { randomUUID } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FRONTEND_DIR = join(ROOT, 'frontend');
export const FRONTEND_DIST = join(FRONTEND_DIR, 'dist');

/** Everything the bundle is made of (the shared live protocol and order view included). */
const SOURCES = [
  join(FRONTEND_DIR, 'index.html'),
  join(FRONTEND_DIR, 'vite.config.ts'),
  join(FRONTEND_DIR, 'src'),
  join(ROOT, 'lambdas', 'core', 'live-messages.ts'),
  join(ROOT, 'lambdas', 'core', 'order-view.ts'),
  join(ROOT, 'package-lock.json'),
];

export async function isFrontendStale(): Promise<boolean> {
  const built = await stat(join(FRONTEND_DIST, 'index.html')).catch(() => undefined);
  if (!built) return true;
  return (await newestMtime(SOURCES)) > built.mtimeMs;
}

/** Builds when stale (or always with `force`); answers whether it built. */
export async function ensureFrontendBuilt(options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !(await isFrontendStale())) return false;
  await buildFrontend();
  return true;
}

export async function buildFrontend(): Promise<void> {
  const { build } = await import('vite');
  const id = randomUUID().slice(0, 8);
  const staging = join(FRONTEND_DIR, `.dist-building-${id}`);
  const old = join(FRONTEND_DIR, `.dist-old-${id}`);
  try {
    await build({
      configFile: join(FRONTEND_DIR, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
    await rename(FRONTEND_DIST, old).catch(ignoreMissing);
    // Another builder may have swapped its (identical) build in meanwhile: keep that one.
    await rename(staging, FRONTEND_DIST).catch(() => undefined);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
}

async function newestMtime(paths: readonly string[]): Promise<number> {
  let newest = 0;
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) {
      const entries = await readdir(path);
      newest = Math.max(newest, info.mtimeMs, await newestMtime(entries.map((name) => join(path, name))));
    } else {
      newest = Math.max(newest, info.mtimeMs);
    }
  }
  return newest;
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const force = process.argv.includes('--force');
  const started = Date.now();
  ensureFrontendBuilt({ force }).then(
    (built) => {
      if (built) console.log(`Frontend built into frontend/dist (${Date.now() - started} ms).`);
    },
    (error: unknown) => {
      console.error(`The frontend did not build: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
