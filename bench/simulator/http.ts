/**
 * The simulator's HTTP client: the public API only (sessions, events, orders, queue, admin), as
 * a browser or curl would call it. Counts requests per route — each one is an API Gateway
 * request and a Lambda invocation on AWS — and limits how many are in flight from this process.
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

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
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
  private readonly gate: Semaphore;

  constructor(
    readonly baseUrl: string,
    readonly adminKey: string | undefined,
    concurrency: number,
  ) {
    this.gate = new Semaphore(concurrency);
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
          const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(30_000) });
          const text = await response.text();
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
          return { status: response.status, body: parsed as T & ErrorBody, ms: performance.now() - sent };
        } catch (error) {
          if (attempt >= 3) throw error;
          await sleep(200 * attempt);
        }
      }
    });
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
