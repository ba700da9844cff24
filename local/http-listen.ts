import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The local stack's one HTTP server (API, WebSocket upgrades, local services), on loopback only. */

/** Listens on 127.0.0.1 (`port` 0: a free one) and resolves with the port. */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the server and every connection it still has (kept-alive ones would hold it open). */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
