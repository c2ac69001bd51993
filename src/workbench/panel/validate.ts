import Ajv, { type ValidateFunction } from 'ajv';
import type { Schema } from '../../shared/protocol';

export type { Schema };

/**
 * Validation of messages from webviews against JSON schemas. Compiled schemas are cached per
 * schema object; a failure throws with a message naming the field.
 */
const ajv = new Ajv({ allErrors: false, strict: true });
const compiled = new WeakMap<object, ValidateFunction>();

export function validate<T>(schema: Schema<T>, value: unknown, what: string): T {
  let check = compiled.get(schema) as ValidateFunction<T> | undefined;
  if (!check) {
    check = ajv.compile(schema);
    compiled.set(schema, check);
  }
  if (check(value)) return value;
  const first = check.errors?.[0];
  const where = first?.instancePath ? ` at ${first.instancePath}` : '';
  throw new Error(`Rejected ${what} from the panel: ${first?.message ?? 'invalid'}${where}`);
}
