import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_LIMITS, EDGE_HEADERS, REQUEST_LIMIT_ENV } from '../../contract/request-limits';
import { errorResponse } from '../../lambdas/api/http';
import { clientAddress } from '../../lambdas/api/request';
import { LimitLeases } from '../../lambdas/core/access/limit-leases';
import {
  addressKey,
  checkRequestLimit,
  limitWindow,
  retryAfterSeconds,
  THROTTLED_RETRY_AFTER_SECONDS,
} from '../../lambdas/core/access/request-limits';
import { parseConfig } from '../../lambdas/core/platform/config';
import { TooManyRequests } from '../../lambdas/core/platform/errors';
import { FakeLimitCounter } from '../support/fakes/fake-limit-counter';

/** The abuse limits' policy on an in-memory counter, with a hand-moved clock. */

const LIMIT = { limit: 3, windowSeconds: 60 };
const WINDOW_START = Date.UTC(2026, 10, 30, 12, 0, 0); // a whole minute

function limiter() {
  const counter = new FakeLimitCounter();
  const leases = new LimitLeases(counter);
  let now = WINDOW_START;
  const check = (address = '203.0.113.7', action: 'sessions' | 'queueJoins' = 'sessions') =>
    checkRequestLimit(leases, { action, address, limit: LIMIT, now });
  const at = (ms: number) => {
    now = ms;
  };
  return { counter, check, at };
}

describe('request limits (fixed windows per client address)', () => {
  it('lets `limit` requests of one address through per window, refuses the next with the time left', async () => {
    const { check, at } = limiter();
    for (let i = 0; i < 3; i++) expect(await check()).toEqual({ allowed: true });
    at(WINDOW_START + 20_500);
    expect(await check()).toEqual({ allowed: false, retryAfterSeconds: 40 });
  });

  it('counts addresses and actions apart', async () => {
    const { check } = limiter();
    for (let i = 0; i < 3; i++) await check('203.0.113.7');
    expect(await check('203.0.113.7')).toMatchObject({ allowed: false });
    expect(await check('203.0.113.8')).toEqual({ allowed: true });
    expect(await check('203.0.113.7', 'queueJoins')).toEqual({ allowed: true });
  });

  it('allows the address again once the window has passed', async () => {
    const { check, at } = limiter();
    for (let i = 0; i < 4; i++) await check();
    at(WINDOW_START + 59_999);
    expect(await check()).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    at(WINDOW_START + 60_000);
    expect(await check()).toEqual({ allowed: true });
  });

  it('gives each counter an expiry after its window, for the TTL', async () => {
    const { check, counter } = limiter();
    await check();
    const key = `sessions#203.0.113.7#${WINDOW_START}`;
    expect([...counter.counts.keys()]).toEqual([key]);
    expect(counter.counts.get(key)?.expiresAtSeconds).toBeGreaterThanOrEqual((WINDOW_START + 60_000) / 1000);
  });

  it('refuses when the counter is throttled (the hottest address must not get through), briefly', async () => {
    const { check, counter } = limiter();
    counter.failWith = Object.assign(new Error('Throughput exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    expect(await check()).toEqual({ allowed: false, retryAfterSeconds: THROTTLED_RETRY_AFTER_SECONDS });
  });

  it('lets the request through when the counter fails otherwise (the sale does not stop for its counter)', async () => {
    const { check, counter } = limiter();
    counter.failWith = Object.assign(new Error('Internal'), { name: 'InternalServerError' });
    expect(await check()).toEqual({ allowed: true });
  });

  it('aligns windows to the epoch and never says "retry in 0 s"', () => {
    expect(limitWindow(LIMIT, WINDOW_START + 1234)).toEqual({ startMs: WINDOW_START, endMs: WINDOW_START + 60_000 });
    expect(retryAfterSeconds(WINDOW_START + 60_000, WINDOW_START + 60_000)).toBe(1);
    expect(retryAfterSeconds(WINDOW_START + 60_000, WINDOW_START + 58_001)).toBe(2);
  });
});

describe('addressKey: what counts as one client', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and counts IPv6 by its /64', () => {
    expect(addressKey('198.51.100.4')).toBe('198.51.100.4');
    expect(addressKey('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('')).toBe('unknown');
  });
});

describe('the 429 answer and the settings', () => {
  it('is 429 with Retry-After in the documented error shape', () => {
    const response = errorResponse(new TooManyRequests(17));
    expect(response.statusCode).toBe(429);
    expect((response as { headers?: unknown }).headers).toMatchObject({ 'retry-after': '17' });
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 'TooManyRequests',
        message: 'Too many requests from your address; try again in 17 s',
        retryAfterSeconds: 17,
      },
    });
  });

  it('are on by default and read from the environment, with ranges', () => {
    expect(parseConfig({}).requestLimits).toEqual(DEFAULT_REQUEST_LIMITS);
    expect(
      parseConfig({ [REQUEST_LIMIT_ENV.sessions.limit]: '5', [REQUEST_LIMIT_ENV.queueJoins.windowSeconds]: '10' })
        .requestLimits,
    ).toEqual({
      sessions: { limit: 5, windowSeconds: DEFAULT_REQUEST_LIMITS.sessions.windowSeconds },
      queueJoins: { limit: DEFAULT_REQUEST_LIMITS.queueJoins.limit, windowSeconds: 10 },
      operatorSessions: DEFAULT_REQUEST_LIMITS.operatorSessions,
    });
    expect(() => parseConfig({ SESSION_LIMIT: '0' })).toThrow(/SESSION_LIMIT must be a whole number from 1/);
  });
});

describe('clientAddress: whose address is counted', () => {
  const EDGE_KEY = 'edge-key-0123456789abcdef';
  const event = (headers: Record<string, string>, sourceIp = '130.176.1.10') =>
    ({ headers, requestContext: { http: { sourceIp } } }) as unknown as APIGatewayProxyEventV2;

  it('is the connection’s address (sourceIp) without CloudFront’s key, whatever the client claims', () => {
    expect(clientAddress(event({}), undefined)).toBe('130.176.1.10');
    expect(clientAddress(event({ [EDGE_HEADERS.viewerAddress]: '198.51.100.1' }), undefined)).toBe('130.176.1.10');
    expect(clientAddress(event({ [EDGE_HEADERS.viewerAddress]: '198.51.100.1' }), EDGE_KEY)).toBe('130.176.1.10');
    expect(
      clientAddress(
        event({ [EDGE_HEADERS.viewerAddress]: '198.51.100.1', [EDGE_HEADERS.edgeKey]: 'guessed' }),
        EDGE_KEY,
      ),
    ).toBe('130.176.1.10');
  });

  it('is the viewer’s address CloudFront passed on, with CloudFront’s key', () => {
    const viaEdge = { [EDGE_HEADERS.edgeKey]: EDGE_KEY };
    expect(clientAddress(event({ ...viaEdge, [EDGE_HEADERS.viewerAddress]: '198.51.100.1' }), EDGE_KEY)).toBe(
      '198.51.100.1',
    );
    expect(clientAddress(event({ ...viaEdge, [EDGE_HEADERS.viewerAddress]: '2001:db8::7' }), EDGE_KEY)).toBe(
      '2001:db8::7',
    );
    // Not an address: the connection's, never free text as a counter key.
    expect(clientAddress(event({ ...viaEdge, [EDGE_HEADERS.viewerAddress]: 'x#y' }), EDGE_KEY)).toBe('130.176.1.10');
  });
});
