import type { TableNames } from '../contract/tables';
import { startTsxChild } from './tsx-child';

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

export async function startEventRoutesProcess(
  options: EventRoutesChildOptions,
  onOutput?: (text: string) => void,
): Promise<EventRoutesProcess> {
  const { pid, stop, ready } = await startTsxChild(
    new URL('./event-routes-child.ts', import.meta.url),
    options,
    'event routes',
    {
      readyOf: (message) => {
        const reply = message as EventRoutesReply | undefined;
        return reply?.type === 'ready' ? reply.url : undefined;
      },
      ...(onOutput ? { onOutput } : {}),
    },
  );
  return { pid, url: ready, stop };
}
