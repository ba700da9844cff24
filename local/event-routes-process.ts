import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TableNames } from '../contract/tables';

/**
 * The read-only event routes (the `events` handler: the event list, the event page's snapshot,
 * the pollers' compact seat map) served by a Node process of their own, beside a local stack.
 *
 * Why: on AWS every concurrent request runs in a Lambda instance of its own, so 2,000 seat-map
 * polls a second never wait behind the sale's handlers; the local stack runs every handler on one
 * event loop, where they do. A benchmark that measures the polls during a sale points them here,
 * and says so. The handler module and the gateway are the same; it reads DynamoDB Local directly
 * (not through the stack's fault proxy: no faults are injected into these reads).
 */

export interface EventRoutesChildOptions {
  /** DynamoDB Local (the stack's). */
  readonly dynamoEndpoint: string;
  readonly tables: TableNames;
}

export type EventRoutesReply = { readonly type: 'ready'; readonly url: string };

export interface EventRoutesProcess {
  readonly pid: number;
  /** Where the event routes answer (`http://127.0.0.1:<port>`; the API's paths, `/api/events…`). */
  readonly url: string;
  /** SIGTERM, then waits for the exit; idempotent. */
  stop(): Promise<void>;
}

const CHILD_SCRIPT = fileURLToPath(new URL('./event-routes-child.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_WITHIN_MS = 60_000;

export async function startEventRoutesProcess(
  options: EventRoutesChildOptions,
  onOutput: (text: string) => void = (text) => process.stderr.write(text),
): Promise<EventRoutesProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, JSON.stringify(options)], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const output of [child.stdout, child.stderr]) {
    output?.setEncoding('utf8');
    output?.on('data', onOutput);
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    })());
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('The event routes process did not serve within 60 s')),
        READY_WITHIN_MS,
      );
      child.once('message', (reply: EventRoutesReply) => {
        clearTimeout(timer);
        resolve(reply.url);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`The event routes process exited (status ${child.exitCode}) before it served`));
      });
    });
    return { pid: child.pid!, url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
