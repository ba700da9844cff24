import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO_EVENT } from '../../local/demo-events';
import { type LocalStack, PROJECT_ROOT, startLocalStack } from '../../local/local-stack';
import { startWebSocketGatewayWorker, type WebSocketGatewayWorker } from '../../local/websocket-gateway-worker';
import { eventually } from '../support/eventually';
import { LiveClient } from '../support/live-client';

/**
 * The WebSocket gateway's front runs on a thread of its own (local/websocket-gateway-worker.ts):
 * while the stack's thread is blocked — here a synchronous loop that never yields, standing for a
 * sale's handlers saturating it — the gateway still accepts connections and reads their upgrade
 * requests; once the stack's thread is free, every `$connect` is answered by the real handler and
 * every socket opens and is routed. On the stack's own thread (before) nothing is accepted until
 * it yields: Node accepts about one connection per event-loop turn. Outcomes and order only, no
 * durations: the wait below is a guard against a hang, not a budget.
 */

const SOCKETS = 50;
/** A hang guard: if the gateway never gets the upgrades, the test fails instead of hanging. */
const GUARD_MS = 120_000;

/** 50 clients in a process of their own (this thread will be blocked): each subscribes, prints the outcome. */
const CLIENTS = `
const WebSocket = require('ws');
const [url, count, eventId] = process.argv.slice(1);
const sockets = [];
let settled = 0;
const done = (line) => {
  console.log(line);
  if (++settled === Number(count)) { for (const s of sockets) s.close(); process.exit(0); }
};
for (let i = 0; i < Number(count); i++) {
  const socket = new WebSocket(url);
  sockets.push(socket);
  socket.on('open', () => socket.send(JSON.stringify({ action: 'subscribe', eventId })));
  socket.on('message', (data) => done(JSON.parse(String(data)).type));
  socket.on('unexpected-response', (_req, res) => done('refused ' + res.statusCode));
  socket.on('error', (error) => done('error ' + error.message));
}
`;

/** Blocks this thread (no event-loop turn at all) until `done()` or the guard; sleeps between looks. */
function blockUntil(done: () => boolean, guardMs: number): boolean {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + guardMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    Atomics.wait(nap, 0, 0, 5);
  }
  return true;
}

describe('the WebSocket gateway on a thread of its own', () => {
  let stack: LocalStack;
  const counts = () => stack.webSocketGatewayCounts()!;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, webSocketGatewayThread: true });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('accepts 50 sockets and reads their upgrades while the stack’s thread is blocked; all open once it is free', async () => {
    const before = counts();
    const clients = spawn(process.execPath, ['-e', CLIENTS, stack.webSocketUrl, String(SOCKETS), DEMO_EVENT.eventId], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    clients.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    const exited = new Promise<number | null>((resolve) => clients.once('exit', resolve));

    // The stack's thread does not take one turn from here until the gateway has all 50 upgrades.
    const received = blockUntil(() => counts().upgradesReceived - before.upgradesReceived >= SOCKETS, GUARD_MS);
    const whileBlocked = counts();

    expect(received).toBe(true);
    expect(whileBlocked.accepted - before.accepted).toBeGreaterThanOrEqual(SOCKETS);
    // $connect runs on the stack's thread: none was answered, so none of the sockets is open yet.
    expect(whileBlocked.opened - before.opened).toBe(0);

    // Free again: every $connect is answered by the real handler, every socket opens and is routed.
    expect(await exited).toBe(0);
    const outcomes = output.trim().split('\n');
    expect(outcomes).toEqual(Array.from({ length: SOCKETS }, () => 'subscribed'));
    expect(counts().opened - before.opened).toBe(SOCKETS);
  });

  it('serves /ws on its own port, and passes /ws on the stack’s port on to it; /config.json names its port', async () => {
    expect(stack.webSocketUrl).not.toBe(`ws://127.0.0.1:${stack.port}/ws`);
    const config = (await (await fetch(`${stack.url}/config.json`)).json()) as { websocketUrl: string };
    expect(config.websocketUrl).toBe(stack.webSocketUrl);
    const viaStackPort = await LiveClient.connect(`ws://127.0.0.1:${stack.port}/ws`);
    await viaStackPort.subscribe(DEMO_EVENT.eventId);
    expect(viaStackPort.messages).toEqual([{ type: 'subscribed', eventId: DEMO_EVENT.eventId }]);
    await viaStackPort.close();
  });
});

describe('the handlers’ post through the gateway thread', () => {
  let gateway: WebSocketGatewayWorker;
  const connected: string[] = [];
  const disconnected: string[] = [];

  beforeAll(async () => {
    // A stand-in for the stack's handlers: $connect lets every socket in, the rest is recorded.
    gateway = await startWebSocketGatewayWorker(async (_handler, event) => {
      const { routeKey, connectionId } = event.requestContext;
      if (routeKey === '$connect') connected.push(connectionId);
      if (routeKey === '$disconnect') disconnected.push(connectionId);
      return { statusCode: 200 };
    });
    gateway.serve();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('is sent to an open socket, 410 to one never connected, and 410 once the socket has closed', async () => {
    expect(gateway.post('never-connected', '{}')).toBe('gone');
    const socket = new WebSocket(`ws://127.0.0.1:${gateway.port}/ws`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const connectionId = connected[0]!;
    const received = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    expect(gateway.post(connectionId, '{"type":"hello"}')).toBe('sent');
    expect(await received).toBe('{"type":"hello"}');

    socket.close();
    await eventually(async () => expect(disconnected).toContain(connectionId));
    expect(gateway.post(connectionId, '{"type":"late"}')).toBe('gone');
    // The @connections API asks the gateway thread itself.
    expect(await gateway.connections.send(connectionId, '{}')).toBe(false);
    expect(await gateway.connections.info(connectionId)).toBeUndefined();
  });
});
