import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../contract/http-routes';
import { STATUS_BY_CODE } from '../../lambdas/api/http';
import { PROJECT_ROOT } from '../../lib/constructs/node-handler';

/**
 * docs/openapi.yaml documents exactly the routes of the route table (a drift check). Read line
 * by line (paths at 2 spaces, methods at 4 under `paths:`), so no YAML parser is needed.
 */
describe('docs/openapi.yaml', () => {
  const text = readFileSync(join(PROJECT_ROOT, 'docs', 'openapi.yaml'), 'utf8');
  const paths = text.slice(text.indexOf('\npaths:\n'));

  function documentedRoutes(): string[] {
    const routes: string[] = [];
    let path = '';
    for (const line of paths.split('\n')) {
      const pathMatch = /^ {2}(\/\S+):$/.exec(line);
      if (pathMatch) path = pathMatch[1]!;
      const methodMatch = /^ {4}(get|put|post|patch|delete):$/.exec(line);
      if (methodMatch && path) routes.push(`${methodMatch[1]!.toUpperCase()} ${path}`);
    }
    return routes;
  }

  it('is OpenAPI 3.1 and documents every route, and no other', () => {
    expect(text.startsWith('openapi: 3.1.0\n')).toBe(true);
    expect(documentedRoutes().sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('lists every error code the API answers with (the catch-all’s NotFound and MethodNotAllowed too), and no other', () => {
    const enumText = /\n {12}code:\n {14}type: string\n {14}enum: \[([^\]]+)\]/.exec(text)?.[1] ?? '';
    const documented = enumText.split(',').map((code) => code.trim());
    expect(documented.sort()).toEqual([...Object.keys(STATUS_BY_CODE), 'InternalError'].sort());
  });

  it('documents the abuse limits: 429 with Retry-After on the limited routes (sessions, joins)', () => {
    const operation = (path: string, method: string) =>
      new RegExp(`\n {2}${path.replace(/[{}/]/g, '\\$&')}:\n(?:.*\n)*? {4}${method}:\n((?: {6}.*\n)+)`).exec(
        text,
      )?.[1] ?? '';
    for (const [path, method] of [
      ['/api/sessions', 'post'],
      ['/api/events/{eventId}/queue', 'post'],
    ] as const) {
      expect(operation(path, method), `${method} ${path}`).toContain(
        "'429': { $ref: '#/components/responses/TooManyRequests' }",
      );
    }
    expect(text).toMatch(/\n {4}TooManyRequests:\n(?: {6}.*\n)*? {8}Retry-After:\n/);
  });

  it('defines every schema, response and parameter it refers to', () => {
    for (const [, kind, name] of text.matchAll(/\$ref: '#\/components\/(\w+)\/(\w+)'/g)) {
      expect(text, `${kind}/${name}`).toMatch(new RegExp(`\\n {4}${name}:\\n`));
    }
  });
});
