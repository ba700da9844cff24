import { createServer } from 'node:net';

/*
 * Ports are checked on 0.0.0.0, not just 127.0.0.1: DynamoDB Local has no bind-address option and
 * binds every interface, so a port is only usable for it if it is free on all of them.
 */

/** A TCP port that nothing listens on right now (kernel-chosen), skipping the ones in `avoid`. */
export async function findFreePort(avoid: ReadonlySet<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await listenBriefly(0);
    if (!avoid.has(port)) return port;
  }
  throw new Error('Could not find a free TCP port');
}

/** Whether a server could listen on `port` (on every interface) right now. */
export async function isPortFree(port: number): Promise<boolean> {
  try {
    await listenBriefly(port);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
    throw error;
  }
}

/** Listens on `port` (0: any), closes again, and returns the port that was bound. */
function listenBriefly(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}
