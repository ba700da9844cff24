import { WebSocket } from 'ws';
import { type LiveMessage, parseLiveMessage } from '../../contract/live-messages';

/** A bound against a hang: waits end as soon as the message is there. */
export const DEADLINE_MS = 60_000;

/** A refused WebSocket upgrade, with the status the gateway answered. */
export class Refused extends Error {
  constructor(readonly status: number) {
    super(`Refused with ${status}`);
  }
}

/** A test client on the local stack's WebSocket API: records every message and lets a test wait for the one it expects. */
export class LiveClient {
  readonly messages: LiveMessage[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = parseLiveMessage(String(data));
      if (message) this.messages.push(message);
      for (const wake of this.waiters) wake();
    });
  }

  static connect(url: string): Promise<LiveClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new LiveClient(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Refused(res.statusCode ?? 0)));
      socket.once('error', reject);
    });
  }

  /** The first message (already received or yet to come) that matches. */
  next<T extends LiveMessage>(matches: (m: LiveMessage) => m is T, what: string): Promise<T>;
  next(matches: (m: LiveMessage) => boolean, what: string): Promise<LiveMessage>;
  next(matches: (m: LiveMessage) => boolean, what: string): Promise<LiveMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(matches);
        if (!found) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`No ${what} within ${DEADLINE_MS} ms; got ${JSON.stringify(this.messages)}`));
      }, DEADLINE_MS);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** `token`: a buyer's session, as the page sends it (lets a buyer with an open order in beyond the budget). */
  async subscribe(eventId: string, token?: string): Promise<void> {
    this.send({ action: 'subscribe', eventId, ...(token === undefined ? {} : { token }) });
    await this.next((m) => m.type === 'subscribed' && m.eventId === eventId, `subscribed to ${eventId}`);
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
