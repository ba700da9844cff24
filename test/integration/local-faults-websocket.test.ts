import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type LocalStack, startLocalStack } from '../../local/local-stack';

/**
 * No single request takes the local stack down. A WebSocket frame over API Gateway's 128 KiB
 * message limit used to crash the whole process (an unhandled `Max payload size exceeded` error on
 * the socket); API Gateway closes just that connection, with 1009 (message too big).
 */
describe('the local WebSocket gateway under bad frames', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0 });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const open = (url: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });

  const closed = (socket: WebSocket) =>
    new Promise<number>((resolve) => {
      socket.once('close', (code: number) => resolve(code));
    });

  it('closes only the socket that sent a frame of 128 KiB + 1 byte, with 1009; the stack serves on', async () => {
    const bystander = await open(stack.webSocketUrl);
    const sender = await open(stack.webSocketUrl);
    sender.on('error', () => undefined); // the client may see the reset too; only the code matters
    const senderClosed = closed(sender);

    sender.send(Buffer.alloc(128 * 1024 + 1, 'a'));
    expect(await senderClosed).toBe(1009);

    // The process is alive: HTTP answers, the other socket still works, a new one connects.
    expect((await fetch(`${stack.url}/api/events`)).status).toBe(200);
    expect(bystander.readyState).toBe(WebSocket.OPEN);
    const subscribed = new Promise<string>((resolve) => bystander.once('message', (data) => resolve(String(data))));
    bystander.send(JSON.stringify({ action: 'subscribe', eventId: 'ticketdrop-live' }));
    expect(JSON.parse(await subscribed)).toMatchObject({ type: 'subscribed' });
    const newcomer = await open(stack.webSocketUrl);
    expect(newcomer.readyState).toBe(WebSocket.OPEN);
    newcomer.close();
    bystander.close();
  });

  it('takes a message of exactly 128 KiB (the limit itself is allowed)', async () => {
    const socket = await open(stack.webSocketUrl);
    const answered = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    const padding = 'x'.repeat(
      128 * 1024 - JSON.stringify({ action: 'subscribe', eventId: 'ticketdrop-live', pad: '' }).length,
    );
    const message = JSON.stringify({ action: 'subscribe', eventId: 'ticketdrop-live', pad: padding });
    expect(Buffer.byteLength(message)).toBe(128 * 1024);
    socket.send(message);
    expect(JSON.parse(await answered)).toMatchObject({ type: 'subscribed' });
    socket.close();
  });
});
