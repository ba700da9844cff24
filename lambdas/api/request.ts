import { isIP } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { EDGE_HEADERS } from '../../contract/request-limits';
import { isAdminKey, matchesSecret } from '../core/access/admin-key';
import { verifySession } from '../core/access/buyer-sessions';
import { EVENT_ID_PATTERN } from '../core/events/event-spec';
import {
  EventNotFound,
  PayloadTooLarge,
  Unauthorized,
  UnsupportedMediaType,
  ValidationFailed,
} from '../core/platform/errors';
import { parseInput } from '../core/platform/input';
import type { Secrets } from '../core/platform/secrets';

/** Reading what a request carries: credentials, a JSON body, path and query parameters. */

/** No TicketDrop request needs more; a larger body is refused before it is parsed. */
export const MAX_BODY_BYTES = 16 * 1024;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  // API Gateway (payload 2.0) lowercases header names; a test or another proxy may not.
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}

/** The buyer of the `Authorization: Bearer <session token>` header; Unauthorized otherwise. */
export async function buyerOf(
  event: APIGatewayProxyEventV2,
  secrets: Pick<Secrets, 'sessionSigningKey'>,
): Promise<string> {
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header(event, 'authorization') ?? '');
  if (!match) throw new Unauthorized();
  return verifySession(await secrets.sessionSigningKey(), match[1]!);
}

/** Admin calls carry `x-admin-key`; compared in constant time with ADMIN_API_KEY. */
export async function requireAdmin(
  event: APIGatewayProxyEventV2,
  secrets: Pick<Secrets, 'adminApiKey'>,
): Promise<void> {
  if (!isAdminKey(header(event, 'x-admin-key'), await secrets.adminApiKey()))
    throw new Unauthorized('A valid admin key is required');
}

/**
 * The JSON body, checked against `schema`. No body at all is parsed as `{}`, so a route whose
 * body is optional passes an all-optional schema and a required field reports itself missing.
 */
export function jsonBody<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.output<S> {
  requireBodyWithinLimit(event);
  const raw = rawBody(event);
  if (raw.length === 0) return parseInput(schema, {});
  const contentType = header(event, 'content-type');
  if (!isJson(contentType)) throw new UnsupportedMediaType(contentType);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ValidationFailed(['body: not valid JSON']);
  }
  return parseInput(schema, value);
}

function rawBody(event: APIGatewayProxyEventV2): string {
  return event.body === undefined
    ? ''
    : event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;
}

/** PayloadTooLarge for a body over MAX_BODY_BYTES, whether or not the route reads bodies. */
export function requireBodyWithinLimit(event: APIGatewayProxyEventV2): void {
  if (Buffer.byteLength(rawBody(event), 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLarge(MAX_BODY_BYTES);
}

function isJson(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

export function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined) throw new Error(`Route ${event.routeKey} has no {${name}} parameter`);
  return value;
}

/** `{eventId}`; an id no event can have is EventNotFound without a read. */
export function eventIdParameter(event: APIGatewayProxyEventV2): string {
  const eventId = pathParameter(event, 'eventId');
  if (!EVENT_ID_PATTERN.test(eventId)) throw new EventNotFound(eventId);
  return eventId;
}

/**
 * The client's address: as API Gateway saw it (`requestContext.http.sourceIp`, the TCP peer — the
 * local gateway fills it the same way), unless the request came through CloudFront, proven by
 * the edge key (`edgeKey`, undefined where there is none, as locally): then the viewer's address
 * CloudFront wrote. A viewer header without the key, or one that is no IP address, is ignored.
 */
export function clientAddress(event: APIGatewayProxyEventV2, edgeKey: string | undefined): string {
  const sourceIp = event.requestContext?.http?.sourceIp ?? '';
  if (!matchesSecret(header(event, EDGE_HEADERS.edgeKey), edgeKey)) return sourceIp;
  const viewer = header(event, EDGE_HEADERS.viewerAddress)?.trim();
  return viewer && isIP(viewer) !== 0 ? viewer : sourceIp;
}

export function query<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.output<S> {
  return parseInput(schema, event.queryStringParameters ?? {}, 'query');
}
