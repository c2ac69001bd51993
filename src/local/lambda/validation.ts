import {
  ENV_KEY_PATTERN_SOURCE, ENV_LIMIT_BYTES, ENV_OVER_LIMIT_MESSAGE, isReservedEnvKey, isValidEnvKey, measuredEnvironmentJson,
} from '../../shared/lambda/environment';
import { ALIAS_NAME_PATTERN, FUNCTION_NAME_PATTERN } from '../../shared/lambda/limits';
import { ApiError } from '../http';

export function invalid(message: string): ApiError {
  return new ApiError(400, 'InvalidParameterValueException', message);
}

export function validationError(message: string): ApiError {
  return new ApiError(400, 'ValidationException', message);
}

/** A field of the wrong JSON type, refused as Lambda refuses a body it cannot read into its model. */
export function wrongType(field: string, expected: string, value: unknown): ApiError {
  if (value === undefined) {
    return new ApiError(400, 'InvalidRequestContentException', `Could not parse request body into json: ${field} is missing; it must be ${expected}.`);
  }
  const shown = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object'
    : `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${JSON.stringify(value).slice(0, 100)}`;
  return new ApiError(400, 'InvalidRequestContentException',
    `Could not parse request body into json: ${field} must be ${expected}, not ${shown}.`);
}

/** A map the parser built without a prototype, so keys such as "__proto__" stay ordinary keys. */
export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validateEnvironment(vars: unknown): Record<string, string> {
  if (vars === undefined || vars === null) return {};
  if (!isPlainMap(vars)) throw wrongType('Environment.Variables', 'a map of strings', vars);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== 'string') throw wrongType(`Environment.Variables.${k}`, 'a string', v);
    out[k] = v;
  }
  const bad = Object.keys(out).filter((k) => !isValidEnvKey(k));
  if (bad.length) {
    throw validationError(
      `1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: ` +
      `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${ENV_KEY_PATTERN_SOURCE}]` +
      ` (invalid keys: ${bad.join(', ')})`);
  }
  const reserved = Object.keys(out).filter(isReservedEnvKey);
  if (reserved.length) {
    throw invalid('Lambda was unable to configure your environment variables because the environment ' +
      'variables you have provided contains reserved keys that are currently not supported for ' +
      `modification. Reserved keys used in this request: ${reserved.join(',')}`);
  }
  const measured = measuredEnvironmentJson(out);
  // The strict measure is pure ASCII: its length is its size in bytes.
  const size = measured.length;
  if (size > ENV_LIMIT_BYTES) {
    throw invalid(`${ENV_OVER_LIMIT_MESSAGE} String measured: ${measured} (${size} bytes, limit ${ENV_LIMIT_BYTES} bytes)`);
  }
  // The key pattern admits no "__proto__", so an ordinary object holds these keys safely.
  return { ...out };
}

/** `field` is the model's member path (memorySize); the type error names the JSON field (MemorySize). */
export function intInRange(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw wrongType(field.split('.').map((p) => p[0].toUpperCase() + p.slice(1)).join('.'), 'a whole number', value);
  }
  if (value < min || value > max) {
    throw validationError(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ` +
      `Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`);
  }
  return value;
}

export function optionalString(value: unknown, field: string, max = 256): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(field, 'a string', value);
  if (value.length > max) throw validationError(`${field} must be at most ${max} characters.`);
  return value;
}

export function validateFunctionName(name: unknown): string {
  if (typeof name !== 'string' || !FUNCTION_NAME_PATTERN.test(name)) {
    throw validationError(`1 validation error detected: Value '${String(name)}' at 'functionName' failed to ` +
      'satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}');
  }
  return name;
}

export function validateAliasName(name: unknown): string {
  if (typeof name !== 'string' || !ALIAS_NAME_PATTERN.test(name)) {
    throw validationError(`1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy ` +
      'constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+) and have length 1–128');
  }
  return name;
}

/** Validates the shape of RoutingConfig.AdditionalVersionWeights; existence checks happen later. */
export function validateRoutingWeights(routing: unknown): Record<string, number> {
  if (routing === undefined || routing === null) return {};
  if (!isPlainMap(routing)) throw wrongType('RoutingConfig', 'an object', routing);
  const weights = (routing as { AdditionalVersionWeights?: unknown }).AdditionalVersionWeights;
  if (weights === undefined || weights === null) return {};
  if (!isPlainMap(weights)) throw wrongType('RoutingConfig.AdditionalVersionWeights', 'a map of version to weight', weights);
  const entries = Object.entries(weights as Record<string, unknown>);
  for (const [version, weight] of entries) {
    if (!/^[0-9]+$/.test(version)) {
      throw validationError(`1 validation error detected: Value '${version}' at 'routingConfig.additionalVersionWeights' ` +
        'failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]');
    }
    // Whether exactly 1.0 is accepted is not documented; the model's range 0.0–1.0 is inclusive.
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) {
      throw validationError(`1 validation error detected: Value '${String(weight)}' at ` +
        `'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy ` +
        'constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]');
    }
  }
  if (entries.length > 1) {
    throw invalid('Number of items in AdditionalVersionWeights cannot be greater than 1');
  }
  return Object.fromEntries(entries) as Record<string, number>;
}

const TAG_LIMIT = 50;
/** Tag keys and values as Lambda's model bounds them; keys are stored however they are spelled ("__proto__" too). */
export function validateTags(tags: unknown): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  if (!isPlainMap(tags)) throw wrongType('Tags', 'a map of strings', tags);
  const entries = Object.entries(tags);
  if (entries.length > TAG_LIMIT) throw invalid(`A function can have at most ${TAG_LIMIT} tags; the request gives ${entries.length}.`);
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw wrongType(`Tags.${k}`, 'a string', v);
    if (k.length < 1 || k.length > 128) {
      throw validationError(`1 validation error detected: Value '${k.slice(0, 140)}' at 'tags' failed to satisfy constraint: ` +
        'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]');
    }
    if (v.length > 256) {
      throw validationError(`1 validation error detected: Value at 'tags.${k}' failed to satisfy constraint: ` +
        'Map value must satisfy constraint: [Member must have length less than or equal to 256]');
    }
    if (/^aws:/i.test(k)) throw invalid(`Tag keys beginning with "aws:" are reserved for AWS use (${k}).`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
