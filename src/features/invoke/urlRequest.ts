import type { UrlHeader, UrlMethod, UrlRequestParams, UrlResponseView } from './protocol';
import type { HttpAnswer } from '../../aws/httpRequest';

/**
 * The Request mode's rules: what the form's method, path, query, headers and body become as an
 * HTTP request to a function URL, and what the answer becomes on screen. Pure.
 */

export interface BuiltUrlRequest {
  url: URL;
  method: UrlMethod;
  /** Lower-case names; repeated names joined with ", " as HTTP allows. */
  headers: Record<string, string>;
  body?: string;
}

/** RFC 9110 token characters: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Set by the connection itself; a row may not replace them. */
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect']);
/** Set by SigV4 signing. */
const SIGNING_HEADERS = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']);

/** Characters a path or query may hold as they are (RFC 3986 pchar, "/", "?", and "%" for what is already encoded); the rest is percent-encoded. */
const NEEDS_ENCODING_IN_PATH = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g;
const NEEDS_ENCODING_IN_QUERY = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/g;

const encodeChar = (c: string) => encodeURIComponent(c);

/** Throws an Error saying what to fix; the message is shown in the form. */
export function buildUrlRequest(functionUrl: string, params: UrlRequestParams, options: { signed: boolean }): BuiltUrlRequest {
  let base: URL;
  try {
    base = new URL(functionUrl);
  } catch {
    throw new Error(`The function URL ${functionUrl} is not a URL.`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error(`The function URL ${functionUrl} is not http or https.`);

  const path = params.path.trim() || '/';
  if (!path.startsWith('/')) throw new Error('The path starts with "/".');
  if (path.includes('?') || path.includes('#')) throw new Error('Put the query string in the Query field; the path holds no "?" or "#".');
  const query = params.query.trim().replace(/^\?/, '');
  if (query.includes('#')) throw new Error('The query string holds no "#".');

  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/$/, '')}${path.replace(NEEDS_ENCODING_IN_PATH, encodeChar)}`;
  url.search = query ? `?${query.replace(NEEDS_ENCODING_IN_QUERY, encodeChar)}` : '';
  url.hash = '';

  const headers: Record<string, string> = {};
  for (const [index, row] of params.headers.entries()) {
    const name = row.name.trim();
    if (!name && !row.value.trim()) continue; // an empty row
    const where = `Header ${index + 1}`;
    if (!HEADER_NAME.test(name)) throw new Error(`${where}: "${name}" is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only).`);
    const lower = name.toLowerCase();
    if (TRANSPORT_HEADERS.has(lower)) throw new Error(`${where}: ${name} is set by the connection itself.`);
    if (options.signed && SIGNING_HEADERS.has(lower)) throw new Error(`${where}: ${name} is set by SigV4 signing (this URL's AuthType is AWS_IAM).`);
    if (/[\r\n\0]/.test(row.value)) throw new Error(`${where}: a header value is one line.`);
    const value = row.value.trim();
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
  }

  const method = params.method;
  if (params.body !== '' && (method === 'GET' || method === 'HEAD')) throw new Error(`A ${method} request carries no body: choose POST, PUT or PATCH, or empty the body.`);
  if (params.body !== '' && headers['content-type'] === undefined) headers['content-type'] = isJson(params.body) ? 'application/json' : 'text/plain; charset=utf-8';
  return { url, method, headers, ...(params.body !== '' ? { body: params.body } : {}) };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** What the function URL answered, as the HTTP client read it. */
export type RawUrlResponse = HttpAnswer;

/** The answer as the tab shows it: JSON pretty-printed (by content type, or when the text parses). */
export function urlResponseView(request: BuiltUrlRequest, raw: RawUrlResponse, signed: boolean): UrlResponseView {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(raw.body);
  const headers: UrlHeader[] = raw.headers.map(([name, value]) => ({ name, value }));
  const contentType = raw.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  let body = text;
  let bodyIsJson = false;
  if (!raw.truncated && text.trim() !== '' && (/json/i.test(contentType) || /^\s*[[{]/.test(text))) {
    try {
      body = JSON.stringify(JSON.parse(text), null, 2);
      bodyIsJson = true;
    } catch {
      // Not JSON after all: shown as it came.
    }
  }
  return {
    url: request.url.href,
    method: request.method,
    status: raw.status,
    statusText: raw.statusText,
    headers,
    body,
    bodyIsJson,
    bodyBytes: raw.body.length,
    truncated: raw.truncated,
    durationMs: Math.round(raw.durationMs),
    signed,
  };
}
