/**
 * CORS on the templates' APIs, as each kind of API Gateway API does it:
 * - an HTTP API with CorsConfiguration answers every preflight itself (the function never sees
 *   it) and puts the configured headers on every response, over the function's own;
 * - a REST API with Cors gets an OPTIONS method on each of its paths (unless the path declares
 *   one) that answers with the configured headers; other responses are the function's alone.
 */

import type { ApiRoute, RestCors } from '../../shared/sam/apiEvents';
import { isPreflight, preflightHeaders, responseCorsHeaders } from '../urls/cors';
import type { RouteTable } from './routes';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const ALL_METHODS = 'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT';

/** Access-Control-Allow-Methods of a REST path without its own: the path's methods and OPTIONS. */
function restMethods(routes: RouteTable, route: ApiRoute): string {
  const methods = new Set(['OPTIONS']);
  for (const r of routes.routes) {
    if (r.api !== route.api || r.path !== route.path) continue;
    if (r.method === 'ANY') return ALL_METHODS;
    methods.add(r.method);
  }
  return [...methods].sort().join(',');
}

function restHeaders(cors: RestCors, routes: RouteTable, route: ApiRoute): Record<string, string> {
  const out: Record<string, string> = {
    'access-control-allow-origin': cors.allowOrigin,
    'access-control-allow-methods': cors.allowMethods ?? restMethods(routes, route),
  };
  if (cors.allowHeaders !== undefined) out['access-control-allow-headers'] = cors.allowHeaders;
  if (cors.maxAge !== undefined) out['access-control-max-age'] = cors.maxAge;
  if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  return out;
}

export interface CorsAnswer {
  status: number;
  headers: Record<string, string>;
}

/** Any route that answers some method at this path. */
function routeAt(routes: RouteTable, path: string, first?: string) {
  for (const m of [...(first ? [first] : []), 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
    const found = routes.match(m, path);
    if (found) return found;
  }
  return undefined;
}

/**
 * The answer API Gateway gives without the function, when it gives one: an HTTP API's preflight
 * (204), or the OPTIONS method SAM adds to a REST path (200). Undefined: route the request.
 */
export function corsAnswer(routes: RouteTable, method: string, path: string, headers: Headers): CorsAnswer | undefined {
  if (method !== 'OPTIONS') return undefined;
  const preflight = isPreflight(method, headers);
  const target = routeAt(routes, path, preflight ? String(headers['access-control-request-method']).toUpperCase() : undefined);
  if (!target) return undefined;
  const { api } = target.route;
  if (api.httpCors) return preflight ? { status: 204, headers: preflightHeaders(api.httpCors, headers) } : undefined;
  if (api.kind !== 'REST' || !api.restCors) return undefined;
  // A path's own OPTIONS route wins over the one CORS adds (an ANY route does not).
  const own = routes.match('OPTIONS', path);
  if (own && own.route.method === 'OPTIONS') return undefined;
  return { status: 200, headers: restHeaders(api.restCors, routes, target.route) };
}

/** The headers an HTTP API's CORS puts on a response from its function. */
export function responseHeadersFor(route: ApiRoute, origin: string | string[] | undefined): Record<string, string> {
  const cors = route.api.httpCors;
  if (!cors || typeof origin !== 'string') return {};
  return responseCorsHeaders(cors, origin);
}
