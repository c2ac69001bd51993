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

export function validateEnvironment(vars: unknown): Record<string, string> {
  if (vars === undefined || vars === null) return {};
  if (typeof vars !== 'object' || Array.isArray(vars)) {
    throw invalid('Environment.Variables must be a map of strings.');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars as Record<string, unknown>)) {
    if (typeof v !== 'string') throw invalid(`Environment variable ${k} must be a string.`);
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
  return out;
}

export function intInRange(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validationError(`1 validation error detected: Value '${String(value)}' at '${field}' failed to ` +
      `satisfy constraint: Member must have value ${value !== undefined && Number(value) < min ? 'greater than or equal to ' + min : 'less than or equal to ' + max}` +
      ` (allowed ${min}–${max})`);
  }
  return value;
}

export function optionalString(value: unknown, field: string, max = 256): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string.`);
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
  if (typeof routing !== 'object') throw invalid('RoutingConfig must be an object.');
  const weights = (routing as { AdditionalVersionWeights?: unknown }).AdditionalVersionWeights;
  if (weights === undefined || weights === null) return {};
  if (typeof weights !== 'object' || Array.isArray(weights)) {
    throw invalid('RoutingConfig.AdditionalVersionWeights must be a map of version to weight.');
  }
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
