import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The simulator's HTTP client: the public API only (sessions, events, orders, queue, admin), as
 * a browser or curl would call it. Counts requests per route — each one is an API Gateway
 * request and a Lambda invocation on AWS — and limits how many are in flight from this process.
 *
 * Requests go through `node:http` on kept-alive connections, not `fetch`: the simulator shares
 * the machine's two cores with the stack it measures, and fetch (undici with web streams and an
 * abort signal per request) took about twice the CPU per request (V8 profile of a sell-out,
 * 2026-12-01) — load generation that slowed the stack under test.
 */

export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
  /** Time on the wire: from sending the (last) request to its answer, without this client's queue. */
  readonly ms: number;
}

export interface ErrorBody {
  readonly error?: { readonly code: string; readonly message?: string; readonly seatIds?: readonly string[] };
}

/**
 * At most `limit` tasks at once; the others wait in two lines, first come first served within
 * each: `urgent` tasks go before every waiting ordinary one. The simulator's one HTTP client is
 * shared by all buyers, and a real buyer's browser does not wait behind other buyers' requests:
 * with 20,000 arrivals in the line, a buyer holding seats must not wait there until the hold
 * lapses (see `isHolderRequest`).
 */
export class Semaphore {
  private active = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly ordinary: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    if (this.active >= this.limit)
      await new Promise<void>((resolve) => (urgent ? this.urgent : this.ordinary).push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      (this.urgent.shift() ?? this.ordinary.shift())?.();
    }
  }
}

/**
 * A request of a buyer who already has an order (pay, read, change, cancel it: every path under
 * `/api/orders/`): served before new arrivals' sessions and creates.
 */
export function isHolderRequest(path: string): boolean {
  return path.startsWith('/api/orders/');
}

/** `/api/orders/ord_123/payment` → `POST /api/orders/{id}/payment`: one counter per route. */
export function routeOf(method: string, path: string): string {
  const template = path
    .replace(/\?.*$/, '')
    .replace(/^\/api\/(events|orders)\/[^/]+/, (_, kind: string) => `/api/${kind}/{id}`)
    .replace(/^\/api\/admin\/events\/[^/]+/, '/api/admin/events/{id}');
  return `${method} ${template}`;
}

export class ApiClient {
  readonly requests = new Map<string, number>();
  /** 5xx answers retried (only with `retryServerErrors`): what a chaos drop's buyers lived through. */
  serverErrorsRetried = 0;
  private readonly gate: Semaphore;
  private readonly agent: HttpAgent;

  /**
   * `retryServerErrors`: also retry 500/502/504 answers, with jittered backoff, a bounded number
   * of times — what a browser (or the page's own retry) does when a Lambda dies mid-request. Off
   * by default: outside a chaos drop a 5xx is a bug, and the report should show it.
   */
  constructor(
    readonly baseUrl: string,
    readonly adminKey: string | undefined,
    concurrency: number,
    private readonly options: { retryServerErrors?: boolean } = {},
  ) {
    this.gate = new Semaphore(concurrency);
    // Idle kept-alive sockets are unref'd by the agent: they never keep the process alive.
    const agentOptions = { keepAlive: true, maxSockets: concurrency };
    this.agent = baseUrl.startsWith('https:') ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  get requestCount(): number {
    let total = 0;
    for (const n of this.requests.values()) total += n;
    return total;
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; admin?: boolean; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T & ErrorBody>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.admin) {
      if (!this.adminKey) throw new Error('This needs the admin key (--admin-key)');
      headers['x-admin-key'] = this.adminKey;
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const route = routeOf(method, path);
    return this.gate.run(async () => {
      for (let attempt = 1; ; attempt++) {
        this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
        const sent = performance.now();
        try {
          const response = await send(new URL(`${this.baseUrl}${path}`), { method, headers, body, agent: this.agent });
          const { text } = response;
          let parsed: unknown = {};
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { error: { code: `HTTP${response.status}`, message: text.slice(0, 200) } };
          }
          // API Gateway's throttle answers 429 and a cold start may answer 503: back off, retry.
          if ((response.status === 429 || response.status === 503) && attempt < 5) {
            await sleep(100 * 2 ** attempt * Math.random());
            continue;
          }
          // Every API call of a buyer is safe to repeat: create returns the buyer's open order,
          // a second pay finds the payment running (409), joins and leaves are idempotent.
          if (this.options.retryServerErrors && response.status >= 500 && attempt < MAX_SERVER_ERROR_ATTEMPTS) {
            this.serverErrorsRetried += 1;
            await sleep(Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random()));
            continue;
          }
          return { status: response.status, body: parsed as T & ErrorBody, ms: performance.now() - sent };
        } catch (error) {
          // A connection dropped mid-request (a handler that died) is a 5xx a browser never saw.
          if (attempt >= (this.options.retryServerErrors ? MAX_SERVER_ERROR_ATTEMPTS : 3)) throw error;
          await sleep(200 * attempt);
        }
      }
    }, isHolderRequest(path));
  }
}

/** One request on the client's kept-alive connections; its whole answer as text. */
function send(
  url: URL,
  options: { method: string; headers: Record<string, string>; body: string | undefined; agent: HttpAgent },
): Promise<{ status: number; text: string }> {
  const { body } = options;
  const headers =
    body === undefined ? options.headers : { ...options.headers, 'content-length': String(Buffer.byteLength(body)) };
  const start = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = start(
      url,
      { method: options.method, headers, agent: options.agent, timeout: REQUEST_TIMEOUT_MS },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error(`No answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
    request.end(body);
  });
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Tries of one request against 5xx answers in a chaos drop (the first plus retries). */
const MAX_SERVER_ERROR_ATTEMPTS = 6;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
