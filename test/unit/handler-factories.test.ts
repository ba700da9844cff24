import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/core/platform/config';
import { createPlatform } from '../../lambdas/wiring/platform';
import { PROJECT_ROOT } from '../../lib/constructs/node-handler';
import { mockedStore } from '../support/sdk-mock';

/** Handlers are made by factories from a platform; the environment is read in one module only. */
describe('handler factories', () => {
  const HANDLER_DIRS = ['api', 'realtime', 'steps', 'reconciler', 'waiting-room'];

  async function handlerModules(): Promise<string[]> {
    const files = await Promise.all(
      HANDLER_DIRS.map(async (dir) =>
        (await readdir(join(PROJECT_ROOT, 'lambdas', dir))).map((file) => join('lambdas', dir, file)),
      ),
    );
    const modules: string[] = [];
    for (const file of files.flat().filter((f) => f.endsWith('.ts'))) {
      if (/export (const|async function|function) handler\b/.test(await readFile(join(PROJECT_ROOT, file), 'utf8')))
        modules.push(file);
    }
    return modules;
  }

  it('every handler module exports createHandler and a handler, and importing it reads nothing', async () => {
    const modules = await handlerModules();
    expect(modules.length).toBeGreaterThanOrEqual(24);
    for (const file of modules) {
      const module = (await import(join(PROJECT_ROOT, file))) as Record<string, unknown>;
      expect(typeof module.createHandler, file).toBe('function');
      expect(typeof module.handler, file).toBe('function');
    }
  });

  it('nothing in lambdas/ reads process.env but the configuration module', async () => {
    const readers: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(join(PROJECT_ROOT, dir), { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (path.endsWith('.ts') && (await readFile(join(PROJECT_ROOT, path), 'utf8')).includes('process.env'))
          readers.push(path);
      }
    };
    await walk('lambdas');
    expect(readers).toEqual(['lambdas/core/platform/config.ts']);
  });

  it('a handler made with a platform of its own needs no environment', async () => {
    const { createHandler } = await import('../../lambdas/api/sessions');
    const platform = createPlatform({
      config: parseConfig({ SESSION_SIGNING_KEY: 'unit-test-signing-key-0123456789' }),
    });
    // Its abuse counter (one UpdateItem) answered by a stub: no table name from any environment.
    const { doc, store } = mockedStore();
    doc.onAnyCommand().resolves({});
    const answer = await createHandler({ config: platform.config, secrets: platform.secrets, store })({
      routeKey: 'POST /api/sessions',
      requestContext: { requestId: 'r1' },
      headers: {},
    } as unknown as APIGatewayProxyEventV2);
    expect(answer.statusCode).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ buyerId: expect.any(String), token: expect.any(String) });
  });

  it('the Lambda handler builds its platform on first invocation and names what the environment lacks', async () => {
    const { handler } = await import('../../lambdas/realtime/disconnect');
    await expect(
      handler({ requestContext: { connectionId: 'c1' } } as unknown as APIGatewayProxyWebsocketEventV2),
    ).rejects.toThrow('Missing environment variable EVENTS_TABLE');
  });
});
