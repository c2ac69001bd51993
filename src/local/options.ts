import { parseLayerArn } from '../shared/lambda/arn';
import { LIMITS } from './runtime/capacity';
import { ParameterOverrideError, parameterOverridesFromJson, parseParameterOverrides } from '../shared/sam/parameters';

/**
 * The Local Lambda's command-line values that take SAM's forms, with their environment
 * variables (which the extension may set instead): parameter overrides and layer folders.
 * Each throws an Error whose message is what the user sees.
 */

/** `--layer ARN=folder` values and LOCAL_LAMBDA_LAYERS, as one mapping; throws with the message to show. */
export function layerMappings(flags: readonly string[], envText: string | undefined): Record<string, string> {
  const mappings: Record<string, string> = {};
  const add = (arn: string, folder: string, what: string) => {
    if (!parseLayerArn(arn)) {
      throw new Error(`${what}: "${arn}" is not a layer ARN (arn:aws:lambda:<region>:<account>:layer:<name>[:<version>]).`);
    }
    if (!folder.trim()) throw new Error(`${what}: the folder for ${arn} is empty.`);
    mappings[arn] = folder;
  };
  if (envText !== undefined && envText.trim() !== '') {
    let value: unknown;
    try {
      value = JSON.parse(envText);
    } catch (err) {
      throw new Error(`LOCAL_LAMBDA_LAYERS is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error('LOCAL_LAMBDA_LAYERS must be a JSON object of layer ARNs to folders, such as {"arn:aws:lambda:us-east-1:123456789012:layer:tools:3":"./layers/tools"}.');
    }
    for (const [arn, folder] of Object.entries(value)) {
      if (typeof folder !== 'string') throw new Error(`LOCAL_LAMBDA_LAYERS: the folder for ${arn} must be a string.`);
      add(arn, folder, 'LOCAL_LAMBDA_LAYERS');
    }
  }
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq === -1) throw new Error(`--layer ${flag}: give the layer ARN and a folder as ARN=folder.`);
    add(flag.slice(0, eq), flag.slice(eq + 1), `--layer ${flag}`);
  }
  return mappings;
}

/** `--parameter-overrides` values over LOCAL_LAMBDA_PARAMETER_OVERRIDES; throws with the message to show. */
export function parameterOverrides(flags: readonly string[], envText: string | undefined): Record<string, string> {
  try {
    const fromEnv = envText !== undefined && envText.trim() !== '' ? parameterOverridesFromJson(envText, 'LOCAL_LAMBDA_PARAMETER_OVERRIDES') : {};
    return { ...fromEnv, ...parseParameterOverrides(flags) };
  } catch (err) {
    if (err instanceof ParameterOverrideError) throw new Error(`--parameter-overrides: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The concurrency settings the command line may give (absent ones take the runtime's defaults). */
export interface ConcurrencySettings {
  maxConcurrency?: number;
  maxEnvironments?: number;
  queueLength?: number;
  queueWaitMs?: number;
  idleTimeoutMs?: number;
}

/** The concurrency flags as given on the command line (strings, absent when not given). */
export interface ConcurrencyFlags {
  'max-concurrency'?: string;
  'max-environments'?: string;
  'queue-length'?: string;
  'queue-wait'?: string;
  'idle-timeout'?: string;
}

function wholeFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[0-9]{1,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max} (got "${value}").`);
  return n;
}

/** Seconds with at most three decimals, as milliseconds. */
function secondsFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[0-9]{1,9}(\.[0-9]{1,3})?$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`${flag} must be a number of seconds from ${min} to ${max}, with at most three decimals (got "${value}").`);
  }
  return Math.round(n * 1000);
}

/** `--max-concurrency`, `--max-environments`, `--queue-length`, `--queue-wait`, `--idle-timeout`; throws with the message to show. */
export function concurrencySettings(flags: ConcurrencyFlags): ConcurrencySettings {
  const settings: ConcurrencySettings = {
    maxConcurrency: wholeFlag(flags['max-concurrency'], '--max-concurrency', 1, LIMITS.maxConcurrency),
    maxEnvironments: wholeFlag(flags['max-environments'], '--max-environments', 1, LIMITS.maxEnvironments),
    queueLength: wholeFlag(flags['queue-length'], '--queue-length', 0, LIMITS.queueLength),
    queueWaitMs: secondsFlag(flags['queue-wait'], '--queue-wait', 0, LIMITS.queueWaitSeconds),
    idleTimeoutMs: secondsFlag(flags['idle-timeout'], '--idle-timeout', 0.05, LIMITS.idleTimeoutSeconds),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as ConcurrencySettings;
}

/** `--time-scale <factor>`: how fast asynchronous retries and event ages run, from 0.0001 to 1; throws with the message to show. */
export function timeScaleFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^(0|1)(\.[0-9]{1,6})?$|^\.[0-9]{1,6}$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0.0001 || n > 1) {
    throw new Error(`--time-scale must be a number from 0.0001 to 1, such as 0.01 to run retries 100 times faster (got "${value}").`);
  }
  return n;
}
