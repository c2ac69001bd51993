/**
 * Parameter overrides in the forms SAM CLI takes (`--parameter-overrides`, samconfig's
 * `parameter_overrides`): `Key=Value Key2=Value2`, or CloudFormation's
 * `ParameterKey=Key,ParameterValue=Value ...`; values with spaces in double or single quotes,
 * or with `\ `. Stricter than SAM CLI in one way: a part that is in neither form is refused
 * rather than skipped, so a typo is not silently lost. Pure.
 */

const EXAMPLES = "'ParameterKey=KeyPairName,ParameterValue=MyKey ParameterKey=InstanceType,ParameterValue=t1.micro' or 'KeyPairName=MyKey InstanceType=t1.micro'";

export class ParameterOverrideError extends Error {
  override name = 'ParameterOverrideError';
}

/** Splits at unquoted white space; quotes stay in the parts (they are removed per value). */
function splitParts(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (/\s/.test(ch)) {
      if (current) parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quote) throw new ParameterOverrideError(`${text} has an unclosed ${quote}. It must look something like ${EXAMPLES}`);
  if (current) parts.push(current);
  return parts;
}

/** Removes wrapping quotes and the escapes `\ `, `\"` and `\'`, as SAM CLI does. */
function unquote(value: string): string {
  let v = value;
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
  return v.replace(/\\ /g, ' ').replace(/\\"/g, '"').replace(/\\'/g, "'");
}

/** A parameter's logical name, as CloudFormation allows it: letters and digits. */
const KEY = /^[A-Za-z0-9]+$/;

function pair(part: string): [string, string] {
  const long = /^ParameterKey=([^,]*),ParameterValue=(.*)$/s.exec(part);
  const [rawKey, rawValue] = long ? [long[1], long[2]] : part.includes('=') ? [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] : [];
  const key = rawKey === undefined ? undefined : unquote(rawKey);
  if (key === undefined || rawValue === undefined || !KEY.test(key) || (!long && key === 'ParameterKey')) {
    throw new ParameterOverrideError(`${part} is not in valid format. It must look something like ${EXAMPLES}`);
  }
  return [key, unquote(rawValue)];
}

/**
 * Parameter values from one string or several (each may hold several pairs); a later value of
 * the same key wins. Throws ParameterOverrideError naming the part that is not a pair.
 */
export function parseParameterOverrides(input: string | readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const text of typeof input === 'string' ? [input] : input) {
    for (const part of splitParts(text)) {
      const [key, value] = pair(part);
      values[key] = value;
    }
  }
  return values;
}

/**
 * Parameter values from a JSON object ({"Stage": "prod", "Memory": 512}): strings, numbers and
 * booleans as text; lists as CloudFormation's comma-delimited text. `what` names the source in
 * the message (an environment variable, a setting).
 */
export function parameterOverridesFromJson(text: string, what: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ParameterOverrideError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ParameterOverrideError(`${what} must be a JSON object of parameter names to values, such as {"Stage":"prod"}`);
  }
  const values: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!KEY.test(key)) throw new ParameterOverrideError(`${what}: "${key}" is not a parameter name (letters and digits only)`);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      values[key] = String(v);
    } else if (Array.isArray(v) && v.every((item) => typeof item === 'string' || typeof item === 'number')) {
      values[key] = v.join(',');
    } else {
      throw new ParameterOverrideError(`${what}: the value of ${key} must be a string, a number, a boolean or a list of them`);
    }
  }
  return values;
}
