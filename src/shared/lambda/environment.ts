/**
 * Lambda's rules for a function's environment variables: the 4 KB limit and how it is measured,
 * which keys are allowed, which are reserved, and how a service message is kept free of values.
 * Used by the extension (the meter and the editor) and by the Local Lambda (its validation).
 * Pure; no I/O.
 */

export type EnvVariables = Record<string, string>;

/** Lambda refuses an environment whose measured size exceeds this many bytes (4096 itself passes). */
export const ENV_LIMIT_BYTES = 4096;

/** Keys Lambda sets itself and refuses in CreateFunction / UpdateFunctionConfiguration. */
export const RESERVED_ENV_KEYS: ReadonlySet<string> = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

/** The key pattern as the service model writes it (and quotes it in validation errors). */
export const ENV_KEY_PATTERN_SOURCE = '[a-zA-Z]([a-zA-Z0-9_])+';

/** Lambda's key pattern: a letter, then at least one letter, digit or underscore. */
export const ENV_KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]+$/;

export function isValidEnvKey(key: string): boolean {
  return ENV_KEY_PATTERN.test(key);
}

export function isReservedEnvKey(key: string): boolean {
  return RESERVED_ENV_KEYS.has(key);
}

/**
 * The environment as Lambda measures it: the Variables map as compact JSON. How Lambda counts
 * characters outside ASCII is not documented, so this takes the strict reading: every non-ASCII
 * UTF-16 unit counts as a 6-byte `\uXXXX` escape (never fewer bytes than its UTF-8 form).
 */
export function measuredEnvironmentJson(vars: Readonly<EnvVariables>): string {
  return JSON.stringify(vars).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Bytes the Variables map takes against the 4 KB limit (strict count, see measuredEnvironmentJson). */
export function measureEnvironment(vars: Readonly<EnvVariables>): number {
  // The escaped JSON is pure ASCII, so its length is its byte count.
  return measuredEnvironmentJson(vars).length;
}

/** The start of Lambda's answer to an environment over the limit; the measured string follows it. */
export const ENV_OVER_LIMIT_MESSAGE =
  'Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.';

/**
 * Replaces the values of `vars` in a service message with "***", and drops the measured string
 * Lambda appends to its over-the-limit message, so error messages never carry a value.
 */
export function redactEnvValues(message: string, vars: Readonly<EnvVariables>): string {
  let text = message.replace(/(exceeded the 4KB limit\.?).*$/s, '$1');
  const values = [...new Set(Object.values(vars))].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
  for (const value of values) text = text.split(value).join('***');
  return text;
}
