import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorResponse, json, respond } from '../../lambdas/api/http';
import {
  AdmissionRequired,
  AlreadyConfirmed,
  DomainError,
  EventExists,
  EventNotFound,
  Forbidden,
  HoldExpired,
  InvalidSeat,
  NotYourOrder,
  OrderNotFound,
  OrderStateConflict,
  PayloadTooLarge,
  SeatsTaken,
  SoldOut,
  TooLateToPay,
  Unauthorized,
  UnsupportedMediaType,
  ValidationFailed,
} from '../../lambdas/core/platform/errors';
import { logger } from '../../lambdas/core/platform/logger';

/** How the API answers refusals: one status per domain error code, and `{ error: { code, message } }`. */

const bodyOf = (result: { body: string }) => JSON.parse(result.body) as { error: Record<string, unknown> };

afterEach(() => vi.restoreAllMocks());

describe('domain errors as HTTP answers', () => {
  it.each([
    [new ValidationFailed(['body.code: the payment code has exactly 5 digits']), 400],
    [new InvalidSeat(['Z9']), 400],
    [new Unauthorized(), 401],
    [new NotYourOrder(['A1']), 403],
    [new Forbidden('Not yours'), 403],
    [new AdmissionRequired(), 403],
    [new EventNotFound('ev'), 404],
    [new OrderNotFound('ord_x'), 404],
    [new EventExists('ev'), 409],
    [new SeatsTaken(['A1']), 409],
    [new SoldOut(3, 1), 409],
    [new AlreadyConfirmed(['A1']), 409],
    [new TooLateToPay(1500), 409],
    [new OrderStateConflict('ord_x', ['HOLDING']), 409],
    [new HoldExpired(['A1']), 410],
    [new PayloadTooLarge(65_536), 413],
    [new UnsupportedMediaType('text/plain'), 415],
  ])('%s answers %i with its code and message', (error, status) => {
    const result = errorResponse(error);
    expect(result.statusCode).toBe(status);
    expect(bodyOf(result).error).toMatchObject({ code: error.code, message: error.message });
  });

  it('names the seats concerned, and only when there are some', () => {
    expect(bodyOf(errorResponse(new SeatsTaken(['A1', 'A2']))).error).toEqual({
      code: 'SeatsTaken',
      message: 'Seats already taken: A1, A2',
      seatIds: ['A1', 'A2'],
    });
    expect(bodyOf(errorResponse(new OrderNotFound('ord_x'))).error).not.toHaveProperty('seatIds');
  });

  it('lists every validation issue, one line each', () => {
    const issues = ['body.seatIds: choose at least one seat', 'body.surprise: unrecognized key'];
    expect(bodyOf(errorResponse(new ValidationFailed(issues))).error).toMatchObject({
      code: 'ValidationFailed',
      issues,
    });
  });

  it('says how long was left when it was too late to pay (rounded up, never negative)', () => {
    expect(new TooLateToPay(1500).message).toContain('ends in 2 s');
    expect(new TooLateToPay(-300).message).toContain('ends in 0 s');
  });

  it('answers anything else with a 500 that reveals nothing, and logs the error', () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const bug = new TypeError("Cannot read properties of undefined (reading 'secretField')");
    const result = errorResponse(bug);
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ error: { code: 'InternalError', message: 'Something went wrong on our side' } });
    expect(result.body).not.toContain('secretField');
    expect(logged).toHaveBeenCalledWith('Unhandled error', { error: bug });
    errorResponse('a thrown string');
    expect(logged).toHaveBeenLastCalledWith('Unhandled error', { error: 'a thrown string' });
  });

  it('treats a DomainError subclass it does not know by its code', () => {
    class Custom extends DomainError {
      constructor() {
        super('SoldOut', 'Nothing left');
      }
    }
    expect(errorResponse(new Custom()).statusCode).toBe(409);
  });
});

describe('JSON answers', () => {
  it('are JSON and never cached', () => {
    expect(json(201, { ok: true })).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"ok":true}',
    });
  });
});

describe('respond', () => {
  const event = { requestContext: { requestId: 'req-1' }, routeKey: 'GET /api/x' } as unknown as APIGatewayProxyEventV2;

  it('returns what the route answers', async () => {
    expect(await respond(event, async () => json(200, { fine: true }))).toMatchObject({
      statusCode: 200,
      body: '{"fine":true}',
    });
  });

  it('turns what the route throws into its answer', async () => {
    const result = await respond(event, async () => {
      throw new HoldExpired(['A1']);
    });
    expect(result.statusCode).toBe(410);
    expect(bodyOf(result).error).toMatchObject({ code: 'HoldExpired', seatIds: ['A1'] });
  });

  it('tags the logs of the request with its id and route, and untags them afterwards', async () => {
    const appended = vi.spyOn(logger, 'appendKeys');
    const removed = vi.spyOn(logger, 'removeKeys');
    await respond(event, async () => {
      throw new OrderNotFound('ord_x');
    });
    expect(appended).toHaveBeenCalledWith({ requestId: 'req-1', route: 'GET /api/x' });
    expect(removed).toHaveBeenCalledWith(['requestId', 'route']);
  });
});
