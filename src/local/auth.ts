import type { IncomingMessage } from 'node:http';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './http';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** AWS accepts requests whose signing time is within 15 minutes of its own clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** Longer headers are not SigV4 headers any SDK sends; refused before any parsing work. */
const MAX_AUTHORIZATION_LENGTH = 8192;

/** What the Authorization header claims, checked against the request's headers but not yet against its body. */
export interface CheckedAuthorization {
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  signingDate: Date;
  /** The X-Amz-Date header as sent (checked to be a real date and time). */
  amzDate: string;
}

const incomplete = (message: string) => new ApiError(403, 'IncompleteSignatureException', message);
const badSignature = (message: string) => new ApiError(403, 'InvalidSignatureException', message);

/** Splits `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` without a regular expression over the whole header. */
function parseAuthorization(header: string): { credential: string; signedHeaders: string; signature: string } {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw incomplete(`Unsupported AWS 'algorithm': '${algorithm.slice(0, 64)}'. The Local Lambda accepts AWS Signature Version 4 (AWS4-HMAC-SHA256) only.`);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(/[,\s]/)) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !fields.get(k));
  if (missing.length) {
    throw incomplete(missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' '));
  }
  return { credential: fields.get('Credential') as string, signedHeaders: fields.get('SignedHeaders') as string, signature: fields.get('Signature') as string };
}

/** Parses `20240101T120000Z`. */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  // Date.UTC rolls day 40 over into the next month; such a stamp is no date at all.
  return date.getUTCMonth() === +m[2] - 1 && date.getUTCDate() === +m[3] && +m[4] < 24 && +m[5] < 60 && +m[6] < 60 ? date : undefined;
}

const amzStamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * Everything about a SigV4 request that can be checked from its headers alone: the caller's key,
 * the credential scope (date, region, service, terminator), the signing time and the signed
 * headers. Runs before any byte of the body is read, so an unknown caller cannot make the server
 * hold a large body.
 */
export function checkAuthorization(
  req: IncomingMessage, credentials: Credentials, expected: { region: string; service: string }, now = new Date(),
): CheckedAuthorization {
  const header = req.headers.authorization;
  if (!header) {
    throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (header.length > MAX_AUTHORIZATION_LENGTH) {
    throw incomplete(`The Authorization header is ${header.length} characters long; a Signature Version 4 header is far shorter.`);
  }
  const { credential, signedHeaders, signature } = parseAuthorization(header);
  const scope = credential.split('/');
  if (scope.length !== 5 || scope.some((s) => s === '')) {
    throw incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential.slice(0, 200)}'.`);
  }
  const [accessKeyId, date, region, service, terminator] = scope;
  if (!/^[0-9a-f]{64}$/.test(signature)) {
    throw incomplete('The Signature parameter of the Authorization header must be 64 lowercase hexadecimal characters.');
  }
  const given = Buffer.from(accessKeyId);
  const known = Buffer.from(credentials.accessKeyId);
  if (given.length !== known.length || !timingSafeEqual(given, known)) {
    throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string') {
    throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. (The Local Lambda reads X-Amz-Date.)");
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    throw incomplete(`X-Amz-Date must be an ISO 8601 basic date and time such as 20240101T120000Z, got '${amzDate.slice(0, 64)}'.`);
  }
  const problems: string[] = [];
  if (region !== expected.region) problems.push(`Credential should be scoped to a valid region, not '${region}'.`);
  if (service !== expected.service) problems.push(`Credential should be scoped to correct service: '${expected.service}'.`);
  if (terminator !== 'aws4_request') problems.push(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  if (date !== amzDate.slice(0, 8)) {
    problems.push(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  if (problems.length) throw badSignature(problems.join(' '));
  const skew = signingDate.getTime() - now.getTime();
  if (skew < -MAX_CLOCK_SKEW_MS) {
    throw badSignature(`Signature expired: ${amzDate} is now earlier than ${amzStamp(new Date(now.getTime() - MAX_CLOCK_SKEW_MS))} ` +
      `(${amzStamp(now)} - 15 min.)`);
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    throw badSignature(`Signature not yet current: ${amzDate} is still later than ${amzStamp(new Date(now.getTime() + MAX_CLOCK_SKEW_MS))} ` +
      `(${amzStamp(now)} + 15 min.)`);
  }
  const names = signedHeaders.split(';');
  if (!names.includes('host')) {
    throw badSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  for (const name of names) {
    if (name !== name.toLowerCase() || req.headers[name] === undefined) {
      throw badSignature(`Signed header "${name.slice(0, 64)}" is missing from the request.`);
    }
  }
  return { accessKeyId, region, service, signedHeaders: names, signature, signingDate, amzDate };
}

/** Headers a SigV4 signer leaves out of the canonical request even when listed (as the AWS SDK's signer does). */
const UNSIGNABLE_HEADERS = new Set([
  'authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te',
  'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id',
]);
/** Headers the signer sets itself, so a value the request carries under these names is never what was signed. */
const GENERATED_HEADERS = new Set(['authorization', 'x-amz-date', 'date']);

/** Signing keys by (date, region, service, secret); a few dates at most are ever valid at once. */
const signingKeys = new Map<string, Buffer>();
const SIGNING_KEYS_KEPT = 32;

/**
 * The SigV4 signing key for one day, region and service: four chained HMAC-SHA256 steps, done
 * once per (date, region, service, secret) and then reused. A key is only ever reused for the
 * exact scope it was derived for, so a new day (or another secret) derives a new one.
 */
export function signingKey(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
  const cacheKey = `${shortDate}\n${region}\n${service}\n${secretAccessKey}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) return cached;
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(shortDate, 'utf8').digest();
  const kRegion = createHmac('sha256', kDate).update(region, 'utf8').digest();
  const kService = createHmac('sha256', kRegion).update(service, 'utf8').digest();
  const key = createHmac('sha256', kService).update('aws4_request', 'utf8').digest();
  if (signingKeys.size >= SIGNING_KEYS_KEPT) signingKeys.delete(signingKeys.keys().next().value as string);
  signingKeys.set(cacheKey, key);
  return key;
}

/** How many signing keys are held (for tests of the cache). */
export function cachedSigningKeys(): number {
  return signingKeys.size;
}

/** RFC 3986 encoding as SigV4 wants it: encodeURIComponent plus ! ' ( ) *. */
function escapeUri(value: string): string {
  const encoded = encodeURIComponent(value);
  return /[!'()*]/.test(encoded) ? encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : encoded;
}

/** The canonical URI: dot segments resolved, empty segments dropped, each segment encoded once more (as non-S3 services sign). */
function canonicalPath(pathname: string): string {
  const segments: string[] = [];
  for (const segment of pathname.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const joined = `${pathname.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && pathname.endsWith('/') ? '/' : ''}`;
  return escapeUri(joined).replace(/%2F/g, '/');
}

/** The canonical query string: names and values encoded, sorted by name, a name's values sorted. */
function canonicalQuery(search: string): string {
  if (search.length <= 1) return '';
  const byKey = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(search)) {
    if (k.toLowerCase() === 'x-amz-signature') continue;
    const key = escapeUri(k);
    const pair = `${key}=${escapeUri(v)}`;
    const list = byKey.get(key);
    if (list) list.push(pair);
    else byKey.set(key, [pair]);
  }
  return [...byKey.keys()].sort().map((key) => byKey.get(key)!.sort().join('&')).join('&');
}

/** A header value as SigV4 canonicalises it: line breaks become spaces, runs of blanks one space, one space trimmed each end. */
function canonicalValue(value: string): string {
  return /[\r\n\t]| {2}|^ | $/.test(value) ? value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '') : value;
}

/**
 * The string a SigV4 client signed for this request, rebuilt from what arrived: method, canonical
 * path and query, the signed headers (with X-Amz-Date as the signer sets it) and the body's hash.
 */
export function stringToSign(
  method: string, url: URL, headers: IncomingMessage['headers'], signedHeaders: readonly string[],
  amzDate: string, scope: string, bodyHash: string,
): string {
  const names: string[] = [];
  const values = new Map<string, string>();
  for (const name of signedHeaders) {
    if (GENERATED_HEADERS.has(name) || UNSIGNABLE_HEADERS.has(name) || name.startsWith('proxy-') || name.startsWith('sec-') || values.has(name)) continue;
    const value = headers[name] as string | string[];
    values.set(name, canonicalValue(Array.isArray(value) ? value.join(',') : value));
    names.push(name);
  }
  values.set('x-amz-date', amzDate);
  names.push('x-amz-date');
  names.sort();
  let canonicalHeaders = '';
  for (const name of names) canonicalHeaders += `${name}:${values.get(name)}\n`;
  const canonicalRequest = `${method}\n${canonicalPath(url.pathname)}\n${canonicalQuery(url.search)}\n${canonicalHeaders}\n${names.join(';')}\n${bodyHash}`;
  return `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
}

/**
 * Checks the signature itself once the body has been read: the body's SHA-256 against a signed
 * `x-amz-content-sha256`, then the request's string to sign rebuilt and signed with the known
 * secret (node:crypto's HMAC, the day's signing key cached) and compared in constant time.
 *
 * Lambda and CloudWatch Logs clients sign the body's real hash (only S3 accepts
 * `UNSIGNED-PAYLOAD`), so a payload hash that is not the body's is refused rather than trusted.
 */
export function verifySignature(
  req: IncomingMessage, body: Buffer, credentials: Credentials, auth: CheckedAuthorization,
  url = new URL(req.url ?? '/', 'http://local'),
): void {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const claimed = req.headers['x-amz-content-sha256'];
  if (typeof claimed === 'string') {
    if (claimed === 'UNSIGNED-PAYLOAD' || claimed.startsWith('STREAMING-')) {
      throw badSignature(`x-amz-content-sha256 '${claimed}' is not accepted here: Lambda and CloudWatch Logs requests sign the SHA-256 of their body.`);
    }
    if (claimed !== bodyHash) {
      throw badSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }
  const { amzDate } = auth;
  const shortDate = amzDate.slice(0, 8);
  const scope = `${shortDate}/${auth.region}/${auth.service}/aws4_request`;
  // The path exactly as the client sent it (still percent-encoded), as the client signed it.
  const text = stringToSign(req.method ?? 'GET', url, req.headers, auth.signedHeaders, amzDate, scope, bodyHash);
  const expected = createHmac('sha256', signingKey(credentials.secretAccessKey, shortDate, auth.region, auth.service)).update(text, 'utf8').digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw badSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
}
