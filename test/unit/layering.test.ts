import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { relativeImports } from '../../local/template-cache';

/**
 * Every import points down (docs/ARCHITECTURE.md, "Layout"): handlers → core → platform, the
 * shared contract at the bottom; the CDK app, the local stack and the operator commands sit on top
 * and never lean on one another sideways. Checked from the sources, so a wrong import fails here in
 * milliseconds instead of surfacing as a bundle that drags the CDK into a Lambda.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => /\.(ts|tsx)$/.test(file) && !file.startsWith('node_modules/'));

/** `from → to` for every relative import between project files, as repository paths without extension. */
const edges = sources.flatMap((file) => {
  let text: string;
  try {
    text = readFileSync(posix.join(root, file), 'utf8');
  } catch {
    return []; // deleted in the working tree, not yet in the index
  }
  return relativeImports(text).map((specifier) => ({
    from: file,
    to: posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.(ts|tsx|js)$/, ''),
  }));
});

const HANDLER_FOLDERS = ['api', 'realtime', 'steps', 'reconciler', 'waiting-room', 'wiring'].map(
  (f) => `lambdas/${f}/`,
);

function offenders(from: (file: string) => boolean, allowed: (target: string) => boolean): string[] {
  return edges.filter((e) => from(e.from) && !allowed(e.to)).map((e) => `${e.from} → ${e.to}`);
}

const under =
  (...folders: string[]) =>
  (path: string) =>
    folders.some((folder) => path.startsWith(folder));

describe('every import points down', () => {
  it('finds the project sources', () => {
    expect(edges.length).toBeGreaterThan(300);
  });

  it('contract/ imports nothing but itself', () => {
    expect(offenders(under('contract/'), under('contract/'))).toEqual([]);
  });

  it('the browser imports only its own files and the contract', () => {
    expect(offenders(under('frontend/src/'), under('frontend/src/', 'contract/'))).toEqual([]);
  });

  it('handlers and core import only lambdas/ and the contract (no CDK, local stack or tools)', () => {
    expect(offenders(under('lambdas/'), under('lambdas/', 'contract/'))).toEqual([]);
  });

  it('the core never imports a handler or the wiring', () => {
    expect(offenders(under('lambdas/core/'), (to) => !under(...HANDLER_FOLDERS)(to))).toEqual([]);
  });

  it('the platform imports only itself and the contract', () => {
    expect(offenders(under('lambdas/core/platform/'), under('lambdas/core/platform/', 'contract/'))).toEqual([]);
  });

  it('the CDK app (bin/, lib/) imports only itself and the contract', () => {
    expect(offenders(under('lib/', 'bin/'), under('lib/', 'contract/'))).toEqual([]);
  });
});
