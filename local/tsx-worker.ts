import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A part of the local stack on a thread of its own (node:worker_threads): `script` (a .ts module)
 * runs with tsx registered in the worker, which a worker does not inherit from `node --import tsx`
 * (nor from vitest's transform). The worker gets `data` as its `workerData.data`.
 *
 * A thread rather than a child process (local/tsx-child.ts) where a part needs an event loop of
 * its own but must end with the stack's process however it ends: a thread cannot outlive it.
 */

/**
 * tsx's ESM API, resolved here so the worker finds the same tsx whatever its working directory:
 * its `import` entry (the `require` one's register() fails to load from a worker), found beside the
 * `require` entry that createRequire can resolve under vitest too.
 */
const TSX_API = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;

/** The worker's first code (CommonJS, evaluated): register tsx, then import the script. */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi)
  .then((tsx) => { tsx.register(); return import(workerData.script); })
  .catch((error) => setImmediate(() => { throw error; }));
`;

export function startTsxWorker(script: URL, data: unknown): Worker {
  return new Worker(BOOTSTRAP, { eval: true, workerData: { tsxApi: TSX_API, script: script.href, data } });
}
