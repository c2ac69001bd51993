import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
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

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

function parseAuthorization(header: string): ParsedAuthorization {
  const m = AUTH_PATTERN.exec(header);
  if (!m) {
    throw new ApiError(403, 'IncompleteSignatureException',
      'Authorization header is not a valid AWS Signature Version 4 header.');
  }
  return {
    accessKeyId: m[1], date: m[2], region: m[3], service: m[4],
    signedHeaders: m[5].split(';'), signature: m[6],
  };
}

/** Parses `20240101T120000Z`. */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of search) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * Checks an AWS Signature Version 4 on an incoming request by signing the same request again
 * with the known secret (same date, region and service as the client used) and comparing the
 * two signatures in constant time. Returns the service named in the credential scope.
 */
export async function verifySignature(
  req: IncomingMessage, body: Buffer, credentials: Credentials, now = new Date(),
): Promise<{ service: string; region: string }> {
  const header = req.headers.authorization;
  if (!header) {
    throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const auth = parseAuthorization(header);
  if (auth.accessKeyId !== credentials.accessKeyId) {
    throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const amzDate = req.headers['x-amz-date'];
  const signingDate = typeof amzDate === 'string' ? parseAmzDate(amzDate) : undefined;
  if (!signingDate || !(amzDate as string).startsWith(auth.date)) {
    throw new ApiError(403, 'IncompleteSignatureException',
      'The request must carry an X-Amz-Date header matching the date of its credential scope.');
  }
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new ApiError(403, 'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier or later than 15 minutes from ${now.toISOString()}. Check your clock.`);
  }

  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = req.headers[name];
    if (value === undefined) {
      throw new ApiError(403, 'InvalidSignatureException', `Signed header "${name}" is missing from the request.`);
    }
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const [hostname, port] = (headers.host ?? req.headers.host ?? '').split(/:(?=\d+$)/);
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
    signingDate, signingRegion: auth.region, signingService: auth.service,
  });
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(auth.signature, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new ApiError(403, 'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return { service: auth.service, region: auth.region };
}
