import { StepFunctionsError } from './service-errors';

/** Opaque nextToken values: a position, encoded so callers treat them as tokens, not numbers. */

export function encodePageToken(position: number): string {
  return Buffer.from(JSON.stringify({ after: position })).toString('base64url');
}

export function decodePageToken(token: string): number {
  try {
    const { after } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'number' && Number.isInteger(after)) return after;
  } catch {
    // fall through: not one of ours
  }
  throw new StepFunctionsError('InvalidToken', `Invalid pagination token: ${token}`);
}

/** maxResults as the API reads it: 0 or absent means the default, more than 1000 is refused. */
export function pageSize(maxResults: number | undefined, defaultSize = 100): number {
  if (maxResults === undefined || maxResults === 0) return defaultSize;
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000) {
    throw new StepFunctionsError('ValidationException', `maxResults must be between 0 and 1000, got ${maxResults}`);
  }
  return maxResults;
}
