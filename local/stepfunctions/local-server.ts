import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStepFunctionsListener } from './json-protocol';
import type { LocalStepFunctions } from './local-step-functions';

export interface LocalStepFunctionsServer {
  /** http://127.0.0.1:PORT — e.g. for AWS_ENDPOINT_URL_SFN. */
  readonly endpoint: string;
  /** Closes the server and its connections (the service keeps running: stop it separately). */
  stop(): Promise<void>;
}

/** A standalone HTTP front for the service, on 127.0.0.1 (a free port unless one is given). */
export async function startLocalStepFunctionsServer(
  service: LocalStepFunctions,
  options: { port?: number } = {},
): Promise<LocalStepFunctionsServer> {
  const listener = createStepFunctionsListener(service);
  const server = createServer((req, res) => void listener(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: '127.0.0.1' }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}
