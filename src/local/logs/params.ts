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

/**
 * CloudWatch words a broken constraint as the service model's validator does:
 * `1 validation error detected: Value '<v>' at '<member>' failed to satisfy constraint: Member must …`.
 */
export function constraint(key: string, value: unknown, rule: string): ApiError {
  const shown = value === null ? 'null' : `'${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}'`;
  return invalid(`1 validation error detected: Value ${shown} at '${key}' failed to satisfy constraint: Member must ${rule}`);
}

export function optString(p: Params, key: string, max = 1024, min = 1): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ApiError(400, 'SerializationException', `${key} must be a string.`);
  if (v.length > max) throw constraint(key, v, `have length less than or equal to ${max}`);
  if (v.length < min) throw constraint(key, v, `have length greater than or equal to ${min}`);
  return v;
}

export function reqString(p: Params, key: string, max = 1024): string {
  const v = optString(p, key, max);
  if (v === undefined) throw constraint(key, null, 'not be null');
  return v;
}

export function optInt(p: Params, key: string, min: number, max: number): number | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ApiError(400, 'SerializationException', `${key} must be an integer.`);
  if (v < min) throw constraint(key, v, `have value greater than or equal to ${min}`);
  if (v > max) throw constraint(key, v, `have value less than or equal to ${max}`);
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
  if (v.length > max) throw constraint(key, v, `have length less than or equal to ${max}`);
  if (v.length < min) throw constraint(key, v, `have length greater than or equal to ${min}`);
  return v as string[];
}

/** Log group names: 1–512 characters of `[.\-_/#A-Za-z0-9]`. */
export const GROUP_NAME_PATTERN = /^[.\-_/#A-Za-z0-9]+$/;

/** A log group name member, checked against CloudWatch's pattern. */
export function groupName(p: Params, key: string, required: true): string;
export function groupName(p: Params, key: string, required: false): string | undefined;
export function groupName(p: Params, key: string, required: boolean): string | undefined {
  const v = required ? reqString(p, key, 512) : optString(p, key, 512);
  if (v !== undefined && !GROUP_NAME_PATTERN.test(v)) throw constraint(key, v, 'satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
  return v;
}

/** A log stream name member: 1–512 characters, neither ":" nor "*". */
export function streamName(p: Params, key: string): string {
  const v = reqString(p, key, 512);
  if (/[:*]/.test(v)) throw constraint(key, v, 'satisfy regular expression pattern: [^:*]*');
  return v;
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
  const name = groupName(p, 'logGroupName', false);
  const identifier = optString(p, 'logGroupIdentifier', 2048);
  if (identifier !== undefined && !/^[\w#+=/:,.@-]*$/.test(identifier)) {
    throw constraint('logGroupIdentifier', identifier, 'satisfy regular expression pattern: [\\w#+=/:,.@-]*');
  }
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
