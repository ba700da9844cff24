import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  DomainError,
  type DomainErrorCode,
  MethodNotAllowed,
  SoldOut,
  TooManyRequests,
  ValidationFailed,
} from '../core/platform/errors';
import { logger } from '../core/platform/logger';

/** HTTP plumbing shared by the API handlers: JSON responses and domain errors as statuses. */

export type ApiResult = APIGatewayProxyResultV2 & { statusCode: number; body: string };

export const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  ValidationFailed: 400,
  InvalidSeat: 400,
  NotYourOrder: 403,
  EventNotFound: 404,
  EventExists: 409,
  EventNotEditable: 409,
  SeatsTaken: 409,
  SoldOut: 409,
  AlreadyConfirmed: 409,
  HoldExpired: 410,
  TooLateToPay: 409,
  OrderNotFound: 404,
  OrderStateConflict: 409,
  Forbidden: 403,
  AdmissionRequired: 403,
  SalesNotStarted: 409,
  Unauthorized: 401,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  NotFound: 404,
  MethodNotAllowed: 405,
  TooManyRequests: 429,
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * A public, cacheable answer under an entity tag: `304` with no body when the request's
 * `If-None-Match` names `tag` (RFC 9110: a list, weak tags and `*` count), else `200` with `body`.
 * Either way the tag and `cacheControl` go along, so a CDN or the browser can revalidate.
 */
export function cacheableJson(
  ifNoneMatch: string | undefined,
  tag: string,
  cacheControl: string,
  body: unknown,
): ApiResult {
  return cacheableSerialized(ifNoneMatch, tag, cacheControl, () => JSON.stringify(body));
}

/**
 * The same answer for a body serialized beforehand (or on demand, only for a `200`): a resource
 * polled thousands of times a second renders its JSON once per version, not once per request.
 */
export function cacheableSerialized(
  ifNoneMatch: string | undefined,
  tag: string,
  cacheControl: string,
  body: string | (() => string),
): ApiResult {
  const headers = { etag: tag, 'cache-control': cacheControl };
  if (namesTag(ifNoneMatch, tag)) return { statusCode: 304, headers, body: '' };
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : body(),
  };
}

function namesTag(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  // The common case (a poller sending back the tag it got) without parsing a list.
  if (ifNoneMatch === tag) return true;
  return ifNoneMatch
    .split(',')
    .map((candidate) => candidate.trim().replace(/^W\//, ''))
    .some((candidate) => candidate === tag || candidate === '*');
}

/** An image (a ticket's QR code): base64 in the body, as API Gateway wants binary responses. */
export function png(image: Buffer): ApiResult {
  return {
    statusCode: 200,
    headers: { 'content-type': 'image/png', 'cache-control': 'private, no-store' },
    body: image.toString('base64'),
    isBase64Encoded: true,
  };
}

/** A PDF document (base64 over API Gateway), offered for download under `filename`. */
export function pdf(document: Uint8Array, filename: string): ApiResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
    },
    body: Buffer.from(document).toString('base64'),
    isBase64Encoded: true,
  };
}

/** `{ error: { code, message, ... } }`: a stable code for machines, a sentence for people. */
export function errorResponse(error: unknown): ApiResult {
  if (error instanceof DomainError) {
    // RFC 9110: a 405 names the methods the resource does have; a 429 says when to come back.
    const headers: Record<string, string> | undefined =
      error instanceof MethodNotAllowed
        ? { allow: error.allowed.join(', ') }
        : error instanceof TooManyRequests
          ? { 'retry-after': String(error.retryAfterSeconds) }
          : undefined;
    return json(
      STATUS_BY_CODE[error.code],
      {
        error: {
          code: error.code,
          message: error.message,
          ...(error.seatIds.length > 0 ? { seatIds: error.seatIds } : {}),
          ...(error instanceof ValidationFailed ? { issues: error.issues } : {}),
          ...(error instanceof SoldOut ? { seatsLeft: error.available } : {}),
          ...(error instanceof TooManyRequests ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
        },
      },
      headers,
    );
  }
  logger.error('Unhandled error', { error: error instanceof Error ? error : String(error) });
  return json(500, { error: { code: 'InternalError', message: 'Something went wrong on our side' } });
}

/** Runs a route body and turns anything it throws into the right response. */
export async function respond(event: APIGatewayProxyEventV2, route: () => Promise<ApiResult>): Promise<ApiResult> {
  logger.appendKeys({ requestId: event.requestContext?.requestId, route: event.routeKey });
  try {
    return await route();
  } catch (error) {
    return errorResponse(error);
  } finally {
    logger.removeKeys(['requestId', 'route']);
  }
}
