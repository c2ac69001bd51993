import {
  DESCRIPTION_MAX_LENGTH, FUNCTION_NAME_PATTERN, MAX_LAYERS, MAX_ZIPPED_DIRECT_UPLOAD_BYTES, QUALIFIER_PATTERN, SETTING_LIMITS,
} from '../../shared/lambda/limits';
import { ApiError } from '../http';
import { ACCOUNT_ID, REGION, type FunctionSettings } from './model';
import { intInRange, invalid, isPlainMap, optionalString, validateEnvironment, validationError, wrongType } from './validation';

/** Objects without a prototype: "__proto__", "constructor" and "prototype" are then keys like any other. */
function withoutPrototypes(_key: string, value: unknown): unknown {
  return isPlainMap(value) ? Object.assign(Object.create(null) as object, value) : value;
}

/** Parses a JSON request body into an object (and nested objects) without prototypes; an empty body is `{}`. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return Object.create(null) as Record<string, unknown>;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'), withoutPrototypes);
  } catch (err) {
    throw new ApiError(400, 'InvalidRequestContentException',
      `Could not parse request body into json: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'InvalidRequestContentException', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/**
 * Splits the FunctionName path parameter — a name, `name:qualifier`, a partial ARN
 * (`123456789012:function:name[:qualifier]`) or a full ARN — into name and qualifier.
 */
export function parseFunctionRef(raw: string, queryQualifier?: string): { name: string; qualifier?: string } {
  const parts = raw.split(':');
  let name: string;
  let qualifier: string | undefined;
  if (parts[0] === 'arn' && parts.length >= 7 && parts[2] === 'lambda' && parts[5] === 'function') {
    if (parts[3] !== REGION || parts[4] !== ACCOUNT_ID) {
      throw new ApiError(404, 'ResourceNotFoundException', `Function not found: ${raw} (this Local Lambda serves ${REGION}, account ${ACCOUNT_ID})`);
    }
    [name, qualifier] = [parts[6], parts[7]];
  } else if (parts.length >= 3 && parts[1] === 'function') {
    [name, qualifier] = [parts[2], parts[3]];
  } else {
    [name, qualifier] = [parts[0], parts[1]];
  }
  if (!FUNCTION_NAME_PATTERN.test(name) || (qualifier !== undefined && !QUALIFIER_PATTERN.test(qualifier))) {
    throw validationError(`1 validation error detected: Value '${raw}' at 'functionName' failed to satisfy constraint: ` +
      'Member must be a function name, a name with a qualifier, or a function ARN');
  }
  if (queryQualifier !== undefined) {
    if (!QUALIFIER_PATTERN.test(queryQualifier)) {
      throw validationError(`1 validation error detected: Value '${queryQualifier}' at 'qualifier' failed to satisfy ` +
        'constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)');
    }
    if (qualifier !== undefined && qualifier !== queryQualifier) {
      throw invalid('The derived qualifier from the function name does not match the specified qualifier.');
    }
    qualifier = queryQualifier;
  }
  return { name, qualifier };
}

/** A path segment percent-decoded, or a 400 naming it when its encoding is broken. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw validationError(`The path segment '${segment.slice(0, 200)}' is not valid percent-encoding (each % must start a UTF-8 byte such as %2F).`);
  }
}

const LAYER_ARN_PATTERN = /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$/;

const RUNTIME_PATTERN = /^(nodejs\d+\.x|python3\.\d+|java\d+(\.al2)?|ruby\d\.\d+|dotnet\d+|provided(\.al2(023)?)?)$/;
const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

export const DEFAULT_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/local-lambda-role`;

export const DEFAULT_SETTINGS: Omit<FunctionSettings, 'runtime' | 'handler'> = {
  role: DEFAULT_ROLE,
  memorySize: SETTING_LIMITS.memorySize.default,
  timeout: SETTING_LIMITS.timeout.default,
  ephemeralStorage: SETTING_LIMITS.ephemeralStorage.default,
  description: '', environment: {}, architectures: ['x86_64'], layers: [],
};

/**
 * Reads the settings fields of a CreateFunction / UpdateFunctionConfiguration body. Only the
 * fields present are returned, each checked against Lambda's limits.
 */
export function readSettings(body: Record<string, unknown>): Partial<FunctionSettings> {
  const out: Partial<FunctionSettings> = {};
  if (body.Runtime !== undefined) {
    if (typeof body.Runtime !== 'string' || !RUNTIME_PATTERN.test(body.Runtime)) {
      throw invalid(`Value ${String(body.Runtime)} at 'runtime' failed to satisfy constraint: Member must be a ` +
        'Lambda runtime identifier such as nodejs20.x or python3.12');
    }
    out.runtime = body.Runtime;
  }
  if (body.Handler !== undefined) {
    const handler = optionalString(body.Handler, 'Handler', 128);
    if (!handler || !/^[^\s]+$/.test(handler)) throw validationError(`Handler "${String(body.Handler)}" must be a non-empty name without spaces.`);
    out.handler = handler;
  }
  if (body.Role !== undefined) {
    if (typeof body.Role !== 'string' || !ROLE_PATTERN.test(body.Role)) {
      throw validationError(`1 validation error detected: Value '${String(body.Role)}' at 'role' failed to satisfy ` +
        'constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+');
    }
    out.role = body.Role;
  }
  const { memorySize, timeout, ephemeralStorage } = SETTING_LIMITS;
  if (body.MemorySize !== undefined) out.memorySize = intInRange(body.MemorySize, 'memorySize', memorySize.min, memorySize.max);
  if (body.Timeout !== undefined) out.timeout = intInRange(body.Timeout, 'timeout', timeout.min, timeout.max);
  if (body.EphemeralStorage !== undefined) {
    if (!isPlainMap(body.EphemeralStorage)) throw wrongType('EphemeralStorage', 'an object with Size', body.EphemeralStorage);
    const size = body.EphemeralStorage.Size;
    out.ephemeralStorage = intInRange(size, 'ephemeralStorage.size', ephemeralStorage.min, ephemeralStorage.max);
  }
  if (body.Description !== undefined) out.description = optionalString(body.Description, 'Description', DESCRIPTION_MAX_LENGTH) ?? '';
  if (body.Environment !== undefined) {
    if (!isPlainMap(body.Environment)) throw wrongType('Environment', 'an object with Variables', body.Environment);
    out.environment = validateEnvironment(body.Environment.Variables);
  }
  if (body.Layers !== undefined) {
    if (!Array.isArray(body.Layers)) throw wrongType('Layers', 'a list of layer version ARNs', body.Layers);
    for (const layer of body.Layers as unknown[]) {
      if (typeof layer !== 'string') throw wrongType('Layers[]', 'a layer version ARN string', layer);
      if (layer.length > 140 || !LAYER_ARN_PATTERN.test(layer)) {
        throw validationError(`1 validation error detected: Value '[${(body.Layers as unknown[]).map(String).join(', ').slice(0, 400)}]' at 'layers' failed to ` +
          'satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length ' +
          'greater than or equal to 1, Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+]');
      }
    }
    if (body.Layers.length > MAX_LAYERS) throw invalid(`Cannot reference more than ${MAX_LAYERS} layers.`);
    out.layers = body.Layers as string[];
  }
  if (body.Architectures !== undefined) {
    const a = body.Architectures;
    if (!Array.isArray(a) || a.length !== 1 || (a[0] !== 'x86_64' && a[0] !== 'arm64')) {
      throw validationError('Architectures must hold exactly one of x86_64 or arm64.');
    }
    out.architectures = [a[0]];
  }
  return out;
}

/** The base64 ZipFile of a CreateFunction / UpdateFunctionCode body, decoded. */
export function readZipFile(value: unknown): Buffer {
  if (value !== undefined && typeof value !== 'string') throw wrongType('ZipFile', 'a base64 string', value);
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid('Please provide the function code as ZipFile (S3Bucket/S3Key and ImageUri are not available on the Local Lambda).');
  }
  if (!/^[A-Za-z0-9+/=\s]*$/.test(value)) throw invalid('ZipFile must be base64 encoded.');
  const zip = Buffer.from(value, 'base64');
  if (zip.length > MAX_ZIPPED_DIRECT_UPLOAD_BYTES) {
    throw new ApiError(413, 'RequestTooLargeException', `Zipped code must be at most ${MAX_ZIPPED_DIRECT_UPLOAD_BYTES} bytes; got ${zip.length} bytes.`);
  }
  return zip;
}

/** Marker/MaxItems paging: markers are opaque offsets. */
export function paginate<T>(items: T[], marker: string | null, maxItems: string | null, pageMax: number): { page: T[]; nextMarker?: string } {
  let start = 0;
  if (marker) {
    const decoded = Buffer.from(marker, 'base64url').toString('utf8');
    start = /^\d+$/.test(decoded) ? Number(decoded) : NaN;
    if (!Number.isFinite(start) || start > items.length) throw invalid(`Invalid Marker: ${marker}`);
  }
  let size = pageMax;
  if (maxItems !== null) {
    const n = Number(maxItems);
    if (!Number.isInteger(n) || n < 1 || n > 10000) {
      throw validationError(`1 validation error detected: Value '${maxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`);
    }
    size = Math.min(n, pageMax);
  }
  const page = items.slice(start, start + size);
  const end = start + page.length;
  return { page, nextMarker: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}
