import { LOCAL_ACCOUNT_ID as ACCOUNT_ID, LOCAL_REGION as REGION } from '../../shared/lambda/arn';
import { ApiError } from '../http';

/** Reading and checking request members of the CloudWatch Logs JSON 1.1 API. */

export { ACCOUNT_ID, REGION };

export type Params = Record<string, unknown>;

export function invalid(message: string): ApiError {
  return new ApiError(400, 'InvalidParameterException', message);
}

export function notFound(message: string): ApiError {
  return new ApiError(400, 'ResourceNotFoundException', message);
}

export const GROUP_NOT_FOUND = 'The specified log group does not exist.';
export const STREAM_NOT_FOUND = 'The specified log stream does not exist.';

export function parseParams(body: Buffer): Params {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'SerializationException', `The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'SerializationException', 'The request body must be a JSON object.');
  }
  return value as Params;
}

export function optString(p: Params, key: string, max = 1024): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ApiError(400, 'SerializationException', `${key} must be a string.`);
  if (v.length > max) throw invalid(`${key} must be at most ${max} characters long.`);
  return v;
}

export function reqString(p: Params, key: string, max = 1024): string {
  const v = optString(p, key, max);
  if (v === undefined || v === '') throw invalid(`${key} is required.`);
  return v;
}

export function optInt(p: Params, key: string, min: number, max: number): number | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ApiError(400, 'SerializationException', `${key} must be an integer.`);
  if (v < min || v > max) throw invalid(`${key} must be between ${min} and ${max}; got ${v}.`);
  return v;
}

export function optBool(p: Params, key: string): boolean | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ApiError(400, 'SerializationException', `${key} must be true or false.`);
  return v;
}

export function optStringList(p: Params, key: string, min: number, max: number): string[] | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ApiError(400, 'SerializationException', `${key} must be a list of strings.`);
  if (v.length < min || v.length > max) throw invalid(`${key} must have between ${min} and ${max} items; got ${v.length}.`);
  return v as string[];
}

export function logGroupArn(name: string): string {
  return `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${name}`;
}

/** A log group name from a name or an ARN (`arn:aws:logs:…:log-group:NAME`, optionally ending `:*`). */
export function groupNameFromIdentifier(identifier: string): string {
  const m = /^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(identifier);
  return m ? m[1] : identifier;
}

/** The group named by logGroupName or logGroupIdentifier (exactly one of them). */
export function groupNameParam(p: Params): string {
  const name = optString(p, 'logGroupName', 512);
  const identifier = optString(p, 'logGroupIdentifier', 2048);
  if (name !== undefined && identifier !== undefined) throw invalid('logGroupName and logGroupIdentifier cannot both be specified.');
  const result = name ?? (identifier !== undefined ? groupNameFromIdentifier(identifier) : undefined);
  if (!result) throw invalid('Either logGroupName or logGroupIdentifier is required.');
  return result;
}

/** Opaque paging tokens: base64url JSON, checked on the way back in. */
export function encodeToken(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeToken<T>(token: string, check: (v: unknown) => v is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!check(value)) throw invalid('The specified nextToken is invalid.');
  return value;
}
