import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceEndpoint } from '../http-gateway';
import type { LocalFaults } from './fault-switch';

/** `GET /_local/faults` on the stack's port: the fault switch's snapshot, for the simulator and people. */
export const FAULTS_PATH = '/_local/faults';

export function faultsEndpoint(faults: LocalFaults): ServiceEndpoint {
  return {
    matches: (req: IncomingMessage) =>
      req.method === 'GET' && new URL(req.url ?? '/', 'http://localhost').pathname === FAULTS_PATH,
    listener: async (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(faults.snapshot()));
    },
  };
}
