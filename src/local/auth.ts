import type { IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { HttpRequest } from '@smithy/types';
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

function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [k, v] of search) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

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
  return { accessKeyId, region, service, signedHeaders: names, signature, signingDate };
}

/**
 * Checks the signature itself once the body has been read: the body's SHA-256 against a signed
 * `x-amz-content-sha256`, then the whole request signed again with the known secret and compared
 * in constant time.
 *
 * Lambda and CloudWatch Logs clients sign the body's real hash (only S3 accepts
 * `UNSIGNED-PAYLOAD`), so a payload hash that is not the body's is refused rather than trusted.
 */
export async function verifySignature(
  req: IncomingMessage, body: Buffer, credentials: Credentials, auth: CheckedAuthorization,
): Promise<void> {
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
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = req.headers[name] as string | string[];
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const [hostname, port] = (headers.host ?? '').split(/:(?=\d+$)/);
  const rebuilt: HttpRequest = {
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname,
    port: port ? Number(port) : undefined,
    // The path exactly as the client sent it (still percent-encoded), as the client signed it.
    path: url.pathname,
    query: queryObject(url.searchParams),
    headers,
    body,
  };
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    // Add x-amz-content-sha256 only when the client signed it (Lambda clients usually do not).
    applyChecksum: auth.signedHeaders.includes('x-amz-content-sha256'),
  });
  const signed = await signer.sign(rebuilt, {
    signingDate: auth.signingDate, signingRegion: auth.region, signingService: auth.service,
  });
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(auth.signature, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw badSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
}
