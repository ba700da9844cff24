import type { IncomingMessage, ServerResponse } from 'node:http';
import { readOutbox } from '../lambdas/core/platform/outbox';
import type { ServiceEndpoint } from './http-gateway';

/**
 * `GET /_local/outbox` on the stack's port: the e-mails and SMS the simulated senders sent, newest
 * first (the /outbox page shows them). Only the local stack serves it; on AWS there is no outbox.
 */
export const OUTBOX_PATH = '/_local/outbox';

export function outboxEndpoint(outboxDir: () => string | undefined): ServiceEndpoint {
  return {
    matches: (req: IncomingMessage) =>
      req.method === 'GET' && new URL(req.url ?? '/', 'http://localhost').pathname === OUTBOX_PATH,
    listener: async (_req: IncomingMessage, res: ServerResponse) => {
      const dir = outboxDir();
      const messages = dir ? await readOutbox(dir) : [];
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ messages }));
    },
  };
}
