import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { STARTING_ERROR } from '../../local/http-gateway';
import { startLocalStack } from '../../local/local-stack';

/**
 * The port of a starting stack: it listens early (its URL goes into the handlers' environment, and
 * the reconciler's first run calls its Step Functions API), so until the handlers are loaded it
 * must answer `503 Starting` — never a 500 from a handler that is not there yet. And the
 * synthesized template: a start without a cache synthesizes it, the next one reuses it.
 */
describe('the local stack while it starts', () => {
  let cacheDir: string;
  let firstStateMachineArn: string;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'ticketdrop-template-cache-'));
  });

  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  const answer = async (response: Promise<Response>) => {
    const r = await response;
    return {
      status: r.status,
      retryAfter: r.headers.get('retry-after'),
      type: r.headers.get('content-type'),
      body: await r.json(),
    };
  };

  /** The HTTP status a WebSocket upgrade gets instead of 101 (or 101). */
  const upgradeStatus = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('open', () => {
        resolve(101);
        socket.terminate();
      });
      socket.once('error', (error) => reject(error));
    });

  it('answers 503 Starting with Retry-After on the API, the page and the WebSocket until it serves, never a 500', async () => {
    let ready = false;
    const polled: { status: number; body: string }[] = [];
    let poller: Promise<void> = Promise.resolve();
    const duringStart: Record<string, unknown> = {};

    const stack = await startLocalStack({
      port: 0,
      templateCacheDir: cacheDir,
      onListening: async (url) => {
        // Requests all through the start: each one answers 503 until the stack is ready, then 200.
        poller = (async () => {
          for (;;) {
            const response = await fetch(`${url}/api/events`);
            polled.push({ status: response.status, body: await response.text() });
            if (ready && response.status === 200) return;
            await sleep(5);
          }
        })();
        // The start waits for this hook: these requests surely come before the stack can serve.
        duringStart.api = await answer(fetch(`${url}/api/events`));
        duringStart.post = await answer(
          fetch(`${url}/api/events/ticketdrop-live/holds`, { method: 'POST', body: '{"seatIds":["A1"]}' }),
        );
        duringStart.unknownRoute = await answer(fetch(`${url}/api/nothing-here`));
        duringStart.page = await answer(fetch(`${url}/events/ticketdrop-live`));
        duringStart.webSocket = await upgradeStatus(`${url.replace('http:', 'ws:')}/ws`);
        // The service endpoints serve already: the start-up itself uses the Step Functions API.
        const stepFunctions = await fetch(url, {
          method: 'POST',
          headers: { 'x-amz-target': 'AWSStepFunctions.ListExecutions', 'content-type': 'application/x-amz-json-1.0' },
          body: JSON.stringify({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:NoSuchMachine' }),
        });
        duringStart.stepFunctions = { status: stepFunctions.status, body: await stepFunctions.json() };
      },
    });
    ready = true;
    try {
      await poller;
      const starting = { status: 503, retryAfter: '1', type: 'application/json', body: STARTING_ERROR };
      expect(STARTING_ERROR).toEqual({
        error: { code: 'Starting', message: 'TicketDrop is starting; try again in a moment' },
      });
      expect(duringStart).toMatchObject({
        api: starting,
        post: starting,
        unknownRoute: starting,
        page: starting,
        webSocket: 503,
        stepFunctions: { status: 400, body: { __type: 'StateMachineDoesNotExist' } },
      });
      // Whenever it was asked: the starting answer, then the real one; nothing else, no 500.
      const statuses = polled.map((p) => p.status);
      expect(statuses.at(-1)).toBe(200);
      expect(statuses.filter((status) => status !== 503 && status !== 200)).toEqual([]);
      expect(statuses.indexOf(200)).toBe(statuses.lastIndexOf(503) + 1);
      for (const p of polled.filter((p) => p.status === 503)) expect(JSON.parse(p.body)).toEqual(STARTING_ERROR);
      expect(await upgradeStatus(stack.webSocketUrl)).toBe(101);
      // No cache yet: this start synthesized the template.
      expect(stack.templateReused).toBe(false);
      firstStateMachineArn = stack.stateMachineArn;
    } finally {
      await stack.stop();
    }
  });

  // Serving from a second stack needs a process of its own (handlers read their environment once,
  // when loaded): test/integration/npm-start.test.ts starts twice and uses both.
  it('a second start of the unchanged tree reuses the synthesized template, and runs the same order flow', async () => {
    const stack = await startLocalStack({ port: 0, templateCacheDir: cacheDir });
    try {
      expect(stack.templateReused).toBe(true);
      expect(stack.stateMachineArn).toBe(firstStateMachineArn);
    } finally {
      await stack.stop();
    }
  });
});
