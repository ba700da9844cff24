import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TableNames } from '../contract/tables';

/**
 * `<data dir>/endpoints.json`: where the running `npm start` can be reached, for tools outside
 * its process (the operator commands, ops/cli.ts). Written once the stack is up, removed on stop;
 * a file left by a killed process points at a dead port, which the reader reports.
 */
export interface LocalEndpoints {
  /** The stack's URL: HTTP API, Step Functions API and `@connections` on one port. */
  readonly url: string;
  readonly dynamodbEndpoint: string;
  readonly region: string;
  readonly tables: TableNames;
  readonly stateMachineArn: string;
  readonly pid: number;
}

export const ENDPOINTS_FILE = 'endpoints.json';

export async function writeEndpoints(dataDir: string, endpoints: LocalEndpoints): Promise<void> {
  await writeFile(join(dataDir, ENDPOINTS_FILE), `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
}

export async function removeEndpoints(dataDir: string): Promise<void> {
  await rm(join(dataDir, ENDPOINTS_FILE), { force: true });
}

export async function readEndpoints(dataDir: string): Promise<LocalEndpoints | undefined> {
  const text = await readFile(join(dataDir, ENDPOINTS_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as LocalEndpoints);
}
