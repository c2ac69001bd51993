import { EVENT_INVOKE_LIMITS, destinationProblem } from '../../shared/lambda/eventInvoke';
import type { DestinationKind } from '../../shared/lambda/asyncLog';
import { ApiError } from '../http';
import { functionArn, type EventInvokeConfigRecord, type FunctionRecord } from './model';
import { notFound, type LambdaStore } from './store';
import { intInRange, invalid, isPlainMap, validationError, wrongType } from './validation';

/**
 * The event invoke config operations' rules (API version 2019-09-25): which qualifier a call
 * names, what a Put / Update body may hold, and the FunctionEventInvokeConfig shape answered.
 */

/** The qualifier a config call is about: `$LATEST` when none is given; a version or alias must exist. */
export function configQualifier(store: LambdaStore, fn: FunctionRecord, qualifier: string | undefined): string {
  if (qualifier === undefined || qualifier === '$LATEST') return '$LATEST';
  if (/^[0-9]+$/.test(qualifier)) {
    if (!store.version(fn, qualifier)) throw notFound(fn.name, qualifier);
    return qualifier;
  }
  if (!fn.aliases.some((a) => a.name === qualifier)) throw notFound(fn.name, qualifier);
  return qualifier;
}

export function noConfig(fn: FunctionRecord, qualifier: string): ApiError {
  return new ApiError(404, 'ResourceNotFoundException', `The function ${functionArn(fn.name, qualifier)} doesn't have an EventInvokeConfig`);
}

type ConfigPatch = Partial<Pick<EventInvokeConfigRecord, 'maximumRetryAttempts' | 'maximumEventAgeInSeconds' | 'onSuccess' | 'onFailure'>>;

/** A destination as given: a string ARN, or "" / nothing to have none. */
function readDestination(value: unknown, kind: DestinationKind): string | undefined {
  if (value === undefined || value === null) return '';
  if (!isPlainMap(value)) throw wrongType(`DestinationConfig.${kind}`, 'an object with Destination', value);
  const arn = value.Destination;
  if (arn === undefined || arn === null || arn === '') return '';
  if (typeof arn !== 'string') throw wrongType(`DestinationConfig.${kind}.Destination`, 'an ARN string', arn);
  if (arn.length > EVENT_INVOKE_LIMITS.destinationArnLength) {
    throw validationError(`1 validation error detected: Value at 'destinationConfig.${kind === 'OnSuccess' ? 'onSuccess' : 'onFailure'}.destination' ` +
      `failed to satisfy constraint: Member must have length less than or equal to ${EVENT_INVOKE_LIMITS.destinationArnLength}`);
  }
  const problem = destinationProblem(arn, kind);
  if (problem) throw invalid(problem);
  return arn;
}

/**
 * The fields a Put / Update body gives, checked. A field left out is absent from the patch; a
 * destination given as `{}` or with an empty Destination is `''` (none).
 */
export function readConfigBody(body: Record<string, unknown>): ConfigPatch {
  const patch: ConfigPatch = {};
  const { maximumRetryAttempts: retries, maximumEventAgeInSeconds: age } = EVENT_INVOKE_LIMITS;
  if (body.MaximumRetryAttempts !== undefined && body.MaximumRetryAttempts !== null) {
    patch.maximumRetryAttempts = intInRange(body.MaximumRetryAttempts, 'maximumRetryAttempts', retries.min, retries.max);
  }
  if (body.MaximumEventAgeInSeconds !== undefined && body.MaximumEventAgeInSeconds !== null) {
    patch.maximumEventAgeInSeconds = intInRange(body.MaximumEventAgeInSeconds, 'maximumEventAgeInSeconds', age.min, age.max);
  }
  const destinations = body.DestinationConfig;
  if (destinations !== undefined && destinations !== null) {
    if (!isPlainMap(destinations)) throw wrongType('DestinationConfig', 'an object with OnSuccess and OnFailure', destinations);
    if (destinations.OnSuccess !== undefined) patch.onSuccess = readDestination(destinations.OnSuccess, 'OnSuccess');
    if (destinations.OnFailure !== undefined) patch.onFailure = readDestination(destinations.OnFailure, 'OnFailure');
  }
  return patch;
}

/** A patch over an existing config (or over none, for Put); empty destinations are dropped. */
export function applyConfigPatch(qualifier: string, base: EventInvokeConfigRecord | undefined, patch: ConfigPatch, now = Date.now()): EventInvokeConfigRecord {
  const merged: EventInvokeConfigRecord = { ...(base ?? {}), ...patch, qualifier, lastModified: now };
  delete merged.fromTemplate;
  for (const key of ['onSuccess', 'onFailure'] as const) if (merged[key] === '') delete merged[key];
  return merged;
}

/** FunctionEventInvokeConfig as the API answers it; LastModified in epoch seconds, as the REST-JSON protocol sends timestamps. */
export function eventInvokeConfigOf(fn: FunctionRecord, config: EventInvokeConfigRecord): Record<string, unknown> {
  return {
    LastModified: config.lastModified / 1000,
    FunctionArn: functionArn(fn.name, config.qualifier),
    ...(config.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: config.maximumRetryAttempts } : {}),
    ...(config.maximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: config.maximumEventAgeInSeconds } : {}),
    DestinationConfig: {
      OnSuccess: config.onSuccess ? { Destination: config.onSuccess } : {},
      OnFailure: config.onFailure ? { Destination: config.onFailure } : {},
    },
  };
}

/** MaxItems of ListFunctionEventInvokeConfigs: 1–50. */
export function listMaxItems(value: string | null): string | null {
  if (value === null) return null;
  const n = /^[0-9]{1,6}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > EVENT_INVOKE_LIMITS.listMaxItems) {
    const bound = Number.isNaN(n) ? `be a whole number from 1 to ${EVENT_INVOKE_LIMITS.listMaxItems}`
      : `have value ${n < 1 ? 'greater than or equal to 1' : `less than or equal to ${EVENT_INVOKE_LIMITS.listMaxItems}`}`;
    throw validationError(`1 validation error detected: Value '${value.slice(0, 40)}' at 'maxItems' failed to satisfy constraint: Member must ${bound}`);
  }
  return value;
}
