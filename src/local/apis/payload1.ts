/**
 * Payload format 1.0, the REST API (Lambda proxy integration) shape, also used by HTTP API routes
 * that ask for it: the request → event and the result → HTTP response.
 */

import type { HttpResponseOut } from '../urls/payload';
import { MalformedResponseError, requestTime } from '../urls/payload';

export interface RestRequestIn {
  method: string;
  /** The path as sent. */
  path: string;
  rawQuery: string;
  rawHeaders: readonly string[];
  body: Buffer;
  /** The route's path template (`/orders/{id}`). */
  resource: string;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  stage: string;
  apiId: string;
  accountId: string;
  requestId: string;
  sourceIp: string;
  protocol: string;
  domainName: string;
  /** True when the body goes to the function base64-encoded (binary media types). */
  binary: boolean;
  authorizer?: Record<string, unknown>;
  now?: Date;
}

function decodeQueryPart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Headers with the last value each (`headers`) and all of them (`multiValueHeaders`), names as sent. */
export function restHeaders(rawHeaders: readonly string[]): { headers: Record<string, string>; multi: Record<string, string[]> } {
  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const [name, value] = [rawHeaders[i], rawHeaders[i + 1]];
    headers[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { headers, multi };
}

export function restQuery(rawQuery: string): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeQueryPart(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeQueryPart(part.slice(eq + 1));
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { single, multi };
}

/** Does a content type match one of an API's binary media types (`image/png`, `image/*`, `*\/*`)? */
export function isBinaryType(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (!contentType || binaryMediaTypes.length === 0) return false;
  const type = contentType.split(';', 1)[0].trim().toLowerCase();
  const [major] = type.split('/');
  return binaryMediaTypes.some((t) => {
    const want = t.toLowerCase();
    return want === '*/*' || want === type || (want.endsWith('/*') && want.slice(0, -2) === major);
  });
}

export function restRequestContext(req: RestRequestIn, now: Date, headers: Record<string, string>): Record<string, unknown> {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    accountId: req.accountId,
    apiId: req.apiId,
    resourceId: req.resource.length.toString(36) + req.apiId.slice(0, 4),
    resourcePath: req.resource,
    httpMethod: req.method,
    extendedRequestId: req.requestId.replace(/-/g, '').slice(0, 16),
    requestTime: requestTime(now),
    requestTimeEpoch: now.getTime(),
    path: `/${req.stage}${req.path}`,
    protocol: req.protocol,
    stage: req.stage,
    domainPrefix: req.domainName.split('.')[0],
    domainName: req.domainName,
    requestId: req.requestId,
    identity: {
      cognitoIdentityPoolId: null, accountId: null, cognitoIdentityId: null, caller: null, sourceIp: req.sourceIp,
      principalOrgId: null, accessKey: null, cognitoAuthenticationType: null, cognitoAuthenticationProvider: null,
      userArn: null, userAgent: lower['user-agent'] ?? null, user: null,
    },
    ...(req.authorizer ? { authorizer: req.authorizer } : {}),
  };
}

/** The payload 1.0 event for one request. */
export function eventV1(req: RestRequestIn): Record<string, unknown> {
  const now = req.now ?? new Date();
  const { headers, multi } = restHeaders(req.rawHeaders);
  const query = restQuery(req.rawQuery);
  const hasQuery = Object.keys(query.single).length > 0;
  let body: string | null = null;
  if (req.body.length > 0) body = req.binary ? req.body.toString('base64') : req.body.toString('utf8');
  return {
    resource: req.resource,
    path: req.path,
    httpMethod: req.method,
    headers,
    multiValueHeaders: multi,
    queryStringParameters: hasQuery ? query.single : null,
    multiValueQueryStringParameters: hasQuery ? query.multi : null,
    pathParameters: Object.keys(req.pathParameters).length ? req.pathParameters : null,
    stageVariables: Object.keys(req.stageVariables).length ? req.stageVariables : null,
    requestContext: restRequestContext(req, now, headers),
    body,
    isBase64Encoded: req.body.length > 0 && req.binary,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const headerValue = (name: string, v: unknown): string => {
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new MalformedResponseError(`the value of header ${name} must be a string, number or boolean`);
  const s = String(v);
  if (/[\r\n\0]/.test(s)) throw new MalformedResponseError(`the value of header ${name} holds a line break or NUL`);
  return s;
};

/**
 * A proxy integration's answer: an object with a numeric statusCode, string headers,
 * multiValueHeaders lists, a string body and isBase64Encoded; anything else is malformed. A base64
 * body is decoded only when `decodeBinary` says the content type is one of the API's binary types.
 */
export function responseV1(payload: Buffer, decodeBinary: (contentType: string | undefined) => boolean): HttpResponseOut {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new MalformedResponseError('the function returned something that is not JSON');
  }
  if (!isRecord(value)) throw new MalformedResponseError('a proxy integration must return an object with statusCode, headers and body');
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = value;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedResponseError(`statusCode must be a whole number from 100 to 599 (got ${JSON.stringify(statusCode)?.slice(0, 50) ?? 'nothing'})`);
  }
  const out: Record<string, string> = {};
  const cookies: string[] = [];
  const add = (name: string, v: string) => {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new MalformedResponseError(`"${name.slice(0, 50)}" is not a header name`);
    const key = name.toLowerCase();
    if (key === 'set-cookie') cookies.push(v);
    else out[key] = key in out ? `${out[key]},${v}` : v;
  };
  if (headers !== undefined && headers !== null) {
    if (!isRecord(headers)) throw new MalformedResponseError('headers must be an object of header names to values');
    for (const [name, v] of Object.entries(headers)) add(name, headerValue(name, v));
  }
  if (multiValueHeaders !== undefined && multiValueHeaders !== null) {
    if (!isRecord(multiValueHeaders)) throw new MalformedResponseError('multiValueHeaders must be an object of header names to lists');
    for (const [name, list] of Object.entries(multiValueHeaders)) {
      if (!Array.isArray(list)) throw new MalformedResponseError(`multiValueHeaders.${name} must be a list`);
      // A name in both maps: the lists win, as API Gateway merges them.
      if (isRecord(headers) && name in headers) delete out[name.toLowerCase()];
      for (const v of list) add(name, headerValue(name, v));
    }
  }
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    throw new MalformedResponseError('isBase64Encoded must be true or false');
  }
  let bytes = Buffer.alloc(0);
  if (body !== undefined && body !== null) {
    if (typeof body !== 'string') throw new MalformedResponseError('body must be a string (JSON.stringify an object first)');
    if (isBase64Encoded === true && decodeBinary(out['content-type'])) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) throw new MalformedResponseError('body is not base64, yet isBase64Encoded is true');
      bytes = Buffer.from(body, 'base64');
    } else {
      bytes = Buffer.from(body, 'utf8');
    }
  }
  if (!('content-type' in out)) out['content-type'] = 'application/json';
  return { status: statusCode, headers: out, cookies, body: bytes };
}
