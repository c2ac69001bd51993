/**
 * A function URL's CORS: preflight requests answered from the configuration without invoking the
 * function, and the configured headers put on every other response, over the function's own.
 */

import type { UrlCors } from './config';

const originAllowed = (cors: UrlCors, origin: string) =>
  (cors.AllowOrigins ?? []).some((o) => o === '*' || o.toLowerCase() === origin.toLowerCase());

/** Access-Control-Allow-Origin for an allowed origin: `*` when any is allowed, unless credentials are (browsers refuse `*` then). */
function allowOriginValue(cors: UrlCors, origin: string): string {
  return (cors.AllowOrigins ?? []).includes('*') && !cors.AllowCredentials ? '*' : origin;
}

/** True for a browser's preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  return method === 'OPTIONS' && typeof headers.origin === 'string' && typeof headers['access-control-request-method'] === 'string';
}

/** The headers of the answer to a preflight (none when the origin or the method is not allowed: the browser then refuses the call). */
export function preflightHeaders(cors: UrlCors, headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const origin = String(headers.origin);
  const method = String(headers['access-control-request-method']).toUpperCase();
  if (!originAllowed(cors, origin)) return {};
  const methods = (cors.AllowMethods ?? []).map((m) => m.toUpperCase());
  if (!methods.includes('*') && !methods.includes(method)) return {};
  const out: Record<string, string> = {
    'access-control-allow-origin': allowOriginValue(cors, origin),
    'access-control-allow-methods': methods.includes('*') ? method : methods.join(','),
    vary: 'Origin',
  };
  const requested = headers['access-control-request-headers'];
  const allowHeaders = cors.AllowHeaders ?? [];
  if (allowHeaders.includes('*') && typeof requested === 'string') out['access-control-allow-headers'] = requested;
  else if (allowHeaders.length) out['access-control-allow-headers'] = allowHeaders.join(',');
  if (cors.AllowCredentials) out['access-control-allow-credentials'] = 'true';
  if (cors.MaxAge !== undefined) out['access-control-max-age'] = String(cors.MaxAge);
  return out;
}

/** What CORS adds to an ordinary response for a request from `origin`. */
export function responseCorsHeaders(cors: UrlCors, origin: string | undefined): Record<string, string> {
  if (origin === undefined || !originAllowed(cors, origin)) return {};
  const out: Record<string, string> = { 'access-control-allow-origin': allowOriginValue(cors, origin), vary: 'Origin' };
  if (cors.ExposeHeaders?.length) out['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  if (cors.AllowCredentials) out['access-control-allow-credentials'] = 'true';
  return out;
}
