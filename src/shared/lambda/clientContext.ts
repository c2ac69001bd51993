/**
 * The client context of an Invoke (X-Amz-Client-Context): base64 of a JSON object, passed to
 * the function with synchronous calls. Lambda refuses anything else at the front door with
 * 400 InvalidRequestContentException. Pure; no I/O.
 */

export const CLIENT_CONTEXT_ERROR_TYPE = 'InvalidRequestContentException';
export const CLIENT_CONTEXT_ERROR_MESSAGE = 'Client context must be a valid Base64-encoded JSON object.';

const BASE64_CHAR = /^[A-Za-z0-9+/]*$/;

/**
 * The JSON text of a client context, re-serialised so every character outside printable ASCII
 * is a \u escape (it travels in an HTTP header, which carries Latin-1 at most); undefined when
 * the value is not base64 of a JSON object. Padding is optional, as in the decoders Lambda's
 * front end uses; the URL-safe alphabet and whitespace are not base64 here.
 */
export function parseClientContext(base64: string): string | undefined {
  const body = base64.endsWith('==') ? base64.slice(0, -2) : base64.endsWith('=') ? base64.slice(0, -1) : base64;
  if (body.length % 4 === 1 || !BASE64_CHAR.test(body)) return undefined;
  if (base64.length !== body.length && base64.length % 4 !== 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(base64Bytes(body));
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return asciiJson(value);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The bytes of unpadded standard base64 already checked to hold only its alphabet. */
function base64Bytes(body: string): Uint8Array {
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    value = (value << 6) | ALPHABET.indexOf(body[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (value >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** True when `base64` is a client context Lambda accepts. */
export function isValidClientContext(base64: string): boolean {
  return parseClientContext(base64) !== undefined;
}

/** JSON with every non-ASCII or control character written as a \u escape. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
