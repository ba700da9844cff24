import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../constructs/node-handler';

/** The built frontend the site serves (`npm run build:web`, or `cdk synth` builds it: bin/ticketdrop.ts). */
export const FRONTEND_DIST = join(PROJECT_ROOT, 'frontend', 'dist');

export interface FrontendBuild {
  /** `frontend/dist`, or undefined when there is no build (tests that synthesize in-process). */
  readonly dir?: string;
  /** `frontend/dist/assets` (content-hashed names) when the build has one. */
  readonly assetsDir?: string;
}

export function frontendBuild(dir: string = FRONTEND_DIST): FrontendBuild {
  if (!existsSync(join(dir, 'index.html'))) return {};
  const assetsDir = join(dir, 'assets');
  return { dir, ...(existsSync(assetsDir) ? { assetsDir } : {}) };
}

/** Served instead of the app when the stack was synthesized without a build. */
export const PLACEHOLDER_PAGE =
  '<!doctype html><meta charset="utf-8"><title>TicketDrop</title>' +
  '<p>This stack was deployed without a frontend build. Run <code>npm run build:web</code> and deploy again.</p>';
