/**
 * The HTTP request → event and result → HTTP response mappings of payload format 2.0, the one
 * function URLs (and API Gateway HTTP APIs) use.
 */

import { randomBytes } from 'node:crypto';

/** An HTTP request as it arrived, before mapping. */
export interface HttpRequestIn {
  method: string;
  /** The path as sent, after the URL's own prefix (always starting with /). */
  path: string;
  /** The query string as sent, without the `?`. */
  rawQuery: string;
  /** Header names and values in arrival order (node's rawHeaders, in pairs). */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
  /** For the request context: the domain and its prefix the request was addressed to. */
  domainName: string;
  domainPrefix: string;
  apiId: string;
  accountId: string;
  requestId: string;
  /** For AWS_IAM URLs: who signed the request. */
  iam?: { accessKey: string; accountId: string; userArn: string };
  now?: Date;
  /** For HTTP API routes: `GET /orders/{id}` (default `$default`), the stage (default `$default`), path parameters and stage variables. */
  routeKey?: string;
  stage?: string;
  pathParameters?: Record<string, string>;
  stageVariables?: Record<string, string>;
  /** What a Lambda authorizer said about the caller: `requestContext.authorizer`. */
  authorizer?: Record<string, unknown>;
}

/** Content types whose bodies Lambda passes as text; the rest are base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = contentType.split(';', 1)[0].trim().toLowerCase();
  if (type === '') return true;
  if (type.startsWith('text/')) return true;
  if (type.endsWith('+json') || type.endsWith('+xml') || type.endsWith('/json') || type.endsWith('/xml')) return true;
  return ['application/javascript', 'application/x-www-form-urlencoded', 'application/graphql', 'application/x-javascript'].includes(type);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function asUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `12/Mar/2020:19:03:58 +0000`, the request context's time. */
export function requestTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

function decodeQueryPart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The payload 2.0 event for one request. */
export function eventV2(req: HttpRequestIn): Record<string, unknown> {
  const now = req.now ?? new Date();
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie') {
      for (const c of value.split(';')) if (c.trim()) cookies.push(c.trim());
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']},${req.sourceIp}` : req.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const query: Record<string, string> = {};
  if (req.rawQuery) {
    for (const part of req.rawQuery.split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const key = decodeQueryPart(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? '' : decodeQueryPart(part.slice(eq + 1));
      query[key] = Object.prototype.hasOwnProperty.call(query, key) ? `${query[key]},${value}` : value;
    }
  }

  let body: string | undefined;
  let isBase64Encoded = false;
  if (req.body.length > 0) {
    const text = isTextContentType(headers['content-type']) ? asUtf8(req.body) : undefined;
    if (text !== undefined) body = text;
    else {
      body = req.body.toString('base64');
      isBase64Encoded = true;
    }
  }

  const authorizer = req.iam ? {
    iam: {
      accessKey: req.iam.accessKey, accountId: req.iam.accountId, callerId: req.iam.accessKey,
      cognitoIdentity: null, principalOrgId: null, userArn: req.iam.userArn, userId: req.iam.accessKey,
    },
  } : req.authorizer;
  return {
    version: '2.0',
    routeKey: req.routeKey ?? '$default',
    rawPath: req.path,
    rawQueryString: req.rawQuery,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: req.iam || req.routeKey ? req.accountId : 'anonymous',
      apiId: req.apiId,
      ...(authorizer ? { authorizer } : {}),
      domainName: req.domainName,
      domainPrefix: req.domainPrefix,
      http: { method: req.method, path: req.path, protocol: req.protocol, sourceIp: req.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: req.requestId,
      routeKey: req.routeKey ?? '$default',
      stage: req.stage ?? '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    ...(req.pathParameters && Object.keys(req.pathParameters).length ? { pathParameters: req.pathParameters } : {}),
    isBase64Encoded,
    ...(req.stageVariables && Object.keys(req.stageVariables).length ? { stageVariables: req.stageVariables } : {}),
  };
}

/** An HTTP response mapped from a function's result. */
export interface HttpResponseOut {
  status: number;
  /** Header name → value; `set-cookie` comes from `cookies`. */
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** A result the mapping refuses: API Gateway and function URLs answer it with 502. */
export class MalformedResponseError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What the client sees for a function's result (its payload bytes). A JSON object with
 * `statusCode` is a response description; any other JSON value is the body of a 200
 * `application/json` answer, as written.
 */
export function responseV2(payload: Buffer): HttpResponseOut {
  const text = payload.toString('utf8');
  let value: unknown;
  try {
    value = text.length ? JSON.parse(text) : null;
  } catch {
    throw new MalformedResponseError('the function returned something that is not JSON');
  }
  if (!isRecord(value) || !('statusCode' in value)) {
    return { status: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(text.length ? text : '') };
  }
  const { statusCode, headers, cookies, body, isBase64Encoded } = value;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedResponseError(`statusCode must be a whole number from 100 to 599 (got ${JSON.stringify(statusCode)?.slice(0, 50)})`);
  }
  const out: Record<string, string> = {};
  if (headers !== undefined && headers !== null) {
    if (!isRecord(headers)) throw new MalformedResponseError('headers must be an object of header names to values');
    for (const [name, v] of Object.entries(headers)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new MalformedResponseError(`"${name.slice(0, 50)}" is not a header name`);
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new MalformedResponseError(`the value of header ${name} must be a string, number or boolean`);
      }
      const s = String(v);
      if (/[\r\n\0]/.test(s)) throw new MalformedResponseError(`the value of header ${name} holds a line break or NUL`);
      out[name.toLowerCase()] = s;
    }
  }
  const cookieList: string[] = [];
  if (cookies !== undefined && cookies !== null) {
    if (!Array.isArray(cookies) || cookies.some((c) => typeof c !== 'string' || /[\r\n\0]/.test(c))) {
      throw new MalformedResponseError('cookies must be a list of Set-Cookie strings');
    }
    cookieList.push(...(cookies as string[]));
  }
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    throw new MalformedResponseError('isBase64Encoded must be true or false');
  }
  let bytes = Buffer.alloc(0);
  if (body !== undefined && body !== null) {
    if (typeof body !== 'string') throw new MalformedResponseError('body must be a string (JSON.stringify an object first)');
    if (isBase64Encoded === true) {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) throw new MalformedResponseError('body is not base64, yet isBase64Encoded is true');
      bytes = Buffer.from(body, 'base64');
    } else {
      bytes = Buffer.from(body, 'utf8');
    }
  }
  if (!('content-type' in out) && bytes.length > 0) out['content-type'] = 'application/json';
  return { status: statusCode, headers: out, cookies: cookieList, body: bytes };
}
