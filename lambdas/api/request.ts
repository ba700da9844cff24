import { isIP } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { EDGE_HEADERS } from '../../contract/request-limits';
import { isAdminKey, matchesSecret } from '../core/access/admin-key';
import { verifySession } from '../core/access/buyer-sessions';
import { type StaffCredential, staffCredentialOf } from '../core/access/staff-credentials';
import { EVENT_ID_PATTERN } from '../core/events/event-spec';
import {
  EventNotFound,
  Forbidden,
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
  const token = bearerToken(event);
  if (!token) throw new Unauthorized();
  return verifySession(await secrets.sessionSigningKey(), token);
}

/** The token of an `Authorization: Bearer <token>` header, if the request carries one. */
export function bearerToken(event: APIGatewayProxyEventV2): string | undefined {
  return /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header(event, 'authorization') ?? '')?.[1];
}

/** The admin key as an operator (ops commands, the CLI, curl): not a session, so no id of its own. */
const ADMIN_KEY_OPERATOR: StaffCredential = { role: 'operator', operatorId: 'admin-key' };

/**
 * The organizer's staff member calling: the operator for the `x-admin-key` header (compared in
 * constant time with ADMIN_API_KEY) or an operator session, a door for a door credential (both
 * `Authorization: Bearer`). A valid buyer session is a known caller without the right (Forbidden);
 * anything else is Unauthorized.
 */
export async function staffOf(
  event: APIGatewayProxyEventV2,
  secrets: Pick<Secrets, 'adminApiKey' | 'sessionSigningKey'>,
): Promise<StaffCredential> {
  const adminKey = header(event, 'x-admin-key');
  if (adminKey !== undefined) {
    if (isAdminKey(adminKey, await secrets.adminApiKey())) return ADMIN_KEY_OPERATOR;
    throw new Unauthorized(STAFF_REQUIRED);
  }
  const token = bearerToken(event);
  if (!token) throw new Unauthorized(STAFF_REQUIRED);
  const signingKey = await secrets.sessionSigningKey();
  const staff = await staffCredentialOf(signingKey, token);
  if (staff) return staff;
  const buyer = await verifySession(signingKey, token).then(
    () => true,
    () => false,
  );
  if (buyer) throw new Forbidden('A buyer session cannot do this: sign in as an operator');
  throw new Unauthorized(STAFF_REQUIRED);
}

const STAFF_REQUIRED = 'A valid admin key, operator session or door credential is required';

/**
 * Operator routes: the admin key (`x-admin-key`) or an operator session. A door credential or a
 * buyer session is Forbidden, a missing or bad credential Unauthorized.
 */
export async function requireAdmin(
  event: APIGatewayProxyEventV2,
  secrets: Pick<Secrets, 'adminApiKey' | 'sessionSigningKey'>,
): Promise<StaffCredential & { role: 'operator' }> {
  const staff = await staffOf(event, secrets);
  if (staff.role !== 'operator') throw new Forbidden('A door credential only checks tickets in');
  return staff;
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
