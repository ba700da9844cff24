import { request } from 'node:http';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../lambdas/core/access/buyer-sessions';
import { limitCounter } from '../../lambdas/core/access/limit-counter-store';
import { createStore } from '../../lambdas/core/platform/store';
import { DEMO_QUEUE_EVENT } from '../../local/demo-events';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { useTestTables } from '../support/local-dynamo';

/**
 * The abuse limits for real: the counter on DynamoDB Local, and sessions and waiting-room joins
 * through the local stack's HTTP gateway, whose client address is the TCP peer's
 * (`requestContext.http.sourceIp`, as on API Gateway). A second client address is a second
 * loopback address (127.0.0.2: Linux routes all of 127/8 to lo). The handlers' clock is moved by
 * hand, so a window passes without waiting for it.
 */

describe('the limit counter on DynamoDB Local', () => {
  it('counts at most `limit` of 20 concurrent requests, and gives the item its expiry', async () => {
    const { client, tables, doc } = await useTestTables();
    const counter = limitCounter(createStore(client, tables));
    const taken = await Promise.all(
      Array.from({ length: 20 }, () => counter.take('sessions#198.51.100.9#0', 1, 5, 1234)),
    );
    expect(taken.filter((granted) => granted === 1)).toHaveLength(5);
    expect(taken.filter((granted) => granted === 0)).toHaveLength(15);
    const { Item } = await doc.send(
      new GetCommand({ TableName: tables.limits, Key: { limitKey: 'sessions#198.51.100.9#0' }, ConsistentRead: true }),
    );
    expect(Item).toEqual({ limitKey: 'sessions#198.51.100.9#0', count: 5, expiresAt: 1234 });
  });
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: { error?: { code: string; message: string; retryAfterSeconds?: number }; token?: string };
}

/** One JSON request from the given local address (the client address the gateway sees). */
function post(url: string, path: string, from: string, token?: string, body = '{}'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('abuse limits through the local stack (same handlers as on AWS)', () => {
  const WINDOW_SECONDS = 60;
  // A fixed clock a second into a window: every request of a step falls into the same window.
  let clock = Math.floor(Date.now() / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000 + 1000;
  let stack: LocalStack;
  const A = '127.0.0.1';
  const B = '127.0.0.2';

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      now: () => clock,
      requestLimits: {
        sessions: { limit: 3, windowSeconds: WINDOW_SECONDS },
        queueJoins: { limit: 2, windowSeconds: WINDOW_SECONDS },
        operatorSessions: { limit: 2, windowSeconds: WINDOW_SECONDS },
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers the N+1-th session of one address 429 with Retry-After; another address is still served; the next window is open again', async () => {
    for (let i = 0; i < 3; i++) expect((await post(stack.url, '/api/sessions', A)).status).toBe(201);

    const limited = await post(stack.url, '/api/sessions', A);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe(String(WINDOW_SECONDS - 1));
    expect(limited.body).toEqual({
      error: {
        code: 'TooManyRequests',
        message: `Too many requests from your address; try again in ${WINDOW_SECONDS - 1} s`,
        retryAfterSeconds: WINDOW_SECONDS - 1,
      },
    });

    const other = await post(stack.url, '/api/sessions', B);
    expect(other.status).toBe(201);
    expect(other.body.token).toBeTruthy();

    clock += WINDOW_SECONDS * 1000;
    expect((await post(stack.url, '/api/sessions', A)).status).toBe(201);
  });

  it('limits waiting-room joins per address; a join without a valid session costs nothing', async () => {
    const path = `/api/events/${DEMO_QUEUE_EVENT.eventId}/queue`;
    const buyer = await createSession(stack.sessionSigningKey);
    const unauthenticated = await post(stack.url, path, A, 'not-a-token');
    expect(unauthenticated.status).toBe(401);

    expect((await post(stack.url, path, A, buyer.token)).status).toBe(200);
    expect((await post(stack.url, path, A, buyer.token)).status).toBe(200);
    const limited = await post(stack.url, path, A, buyer.token);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body.error?.code).toBe('TooManyRequests');

    expect((await post(stack.url, path, B, buyer.token)).status).toBe(200);
  });

  it('limits operator sign-ins (admin key for a session) per address, right key or wrong: every attempt is a guess', async () => {
    const signIn = (from: string, adminKey: string) =>
      post(stack.url, '/api/admin/sessions', from, undefined, JSON.stringify({ adminKey }));
    expect((await signIn(A, 'a-wrong-guess')).status).toBe(401);
    expect((await signIn(A, stack.adminKey)).status).toBe(201);
    const limited = await signIn(A, stack.adminKey);
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('TooManyRequests');
    expect((await signIn(B, stack.adminKey)).status).toBe(201);
  });
});
