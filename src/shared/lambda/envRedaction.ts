/** Kept apart from the env-var rules so the Lambda client can use it without loading them. */

/**
 * Replaces the values of `vars` in a service message with "***", and drops the measured string
 * Lambda appends to its over-the-limit message, so error messages never carry a value.
 */
export function redactEnvValues(message: string, vars: Readonly<Record<string, string>>): string {
  let text = message.replace(/(exceeded the 4KB limit\.?).*$/s, '$1');
  const values = [...new Set(Object.values(vars))].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
  for (const value of values) text = text.split(value).join('***');
  return text;
}
