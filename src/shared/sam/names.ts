import { FUNCTION_NAME_PATTERN } from '../lambda/limits';

/**
 * Function names as CloudFormation gives them. Without a FunctionName, CloudFormation names a
 * function `<stack>-<LogicalId>-<SUFFIX>`: at most 64 characters, the stack name cut first,
 * the logical id cut to 24 characters only when both are long, and a 13-character suffix of
 * capitals and digits (for example `MyStackDev-MyNestedApplicatio-MyLambdaFunctionName-1U44TLUZ7OR55`).
 * CloudFormation's suffix is random; here it comes from a hash of what identifies the
 * function, so the name stays the same from one start to the next. Pure.
 */

export const GENERATED_SUFFIX_LENGTH = 13;
const NAME_MAX = 64;
/** The logical id keeps at least this many characters when the stack name is long too. */
const LOGICAL_ID_KEPT = 24;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 64-bit FNV-1a of the text's UTF-16 code units: stable, fast, and enough to tell names apart. */
function fnv1a64(text: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash;
}

/** 13 capitals and digits derived from `seed`. */
export function stableSuffix(seed: string): string {
  // Two rounds give more bits than 13 base-36 digits hold, so every digit varies.
  let value = (fnv1a64(seed) << 64n) | fnv1a64(`${seed}\u0000`);
  let out = '';
  for (let i = 0; i < GENERATED_SUFFIX_LENGTH; i++) {
    out += SUFFIX_ALPHABET[Number(value % 36n)];
    value /= 36n;
  }
  return out;
}

/** Characters a function name may not hold become "-" (a folder name such as "my app" used as the stack name). */
function nameSafe(text: string): string {
  return text.replace(/[^a-zA-Z0-9-_]/g, '-');
}

/**
 * `<stack>-<LogicalId>-<SUFFIX>` within 64 characters, the way CloudFormation shortens it;
 * `seed` tells apart functions whose stack and logical id are alike (the template's path).
 */
export function generatedFunctionName(stackName: string, logicalId: string, seed: string): string {
  const stack = nameSafe(stackName);
  const id = nameSafe(logicalId);
  const suffix = stableSuffix(`${seed}\n${stackName}\n${logicalId}`);
  const budget = NAME_MAX - GENERATED_SUFFIX_LENGTH - 2;
  const idPart = id.slice(0, Math.max(budget - stack.length, LOGICAL_ID_KEPT));
  const stackPart = stack.slice(0, budget - idPart.length);
  return `${stackPart}-${idPart}-${suffix}`;
}

/** Why a name cannot be a function's name, or undefined when it can. */
export function functionNameProblem(name: string): string | undefined {
  if (FUNCTION_NAME_PATTERN.test(name)) return undefined;
  if (name.length === 0) return 'a function name cannot be empty';
  if (name.length > NAME_MAX) return `a function name has at most ${NAME_MAX} characters; "${name}" has ${name.length}`;
  return `a function name holds only letters, digits, "-" and "_"; "${name}" does not`;
}

/** CloudFormation's rule for logical ids: letters and digits only. */
export function logicalIdProblem(logicalId: string): string | undefined {
  return /^[A-Za-z0-9]+$/.test(logicalId) ? undefined : `the logical id "${logicalId}" is not alphanumeric (CloudFormation allows A-Z, a-z and 0-9 only)`;
}
