/**
 * Editable function settings (memory, timeout, /tmp size, description, reserved concurrency):
 * their documented limits, validation of what a person typed, change lists and a three-way merge.
 * Lambda's limits themselves live in shared/lambda/limits. Pure; no I/O.
 */

import { DESCRIPTION_MAX_LENGTH, SETTING_LIMITS, type NumericLimit } from '../../shared/lambda/limits';

export const SETTING_FIELDS = ['memorySize', 'timeout', 'ephemeralStorage', 'description', 'reservedConcurrency'] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];

export { DESCRIPTION_MAX_LENGTH, SETTING_LIMITS, type NumericLimit };

/**
 * Unreserved concurrency an AWS account must keep (the service model's PutFunctionConcurrency:
 * "leave at least 100 simultaneous executions unreserved"). The Local Lambda keeps none.
 */
export const AWS_MIN_UNRESERVED_CONCURRENCY = 100;

export const SETTING_LABELS: Record<SettingField, string> = {
  memorySize: 'Memory',
  timeout: 'Timeout',
  ephemeralStorage: 'Ephemeral storage (/tmp)',
  description: 'Description',
  reservedConcurrency: 'Reserved concurrency',
};

/** Settings as numbers; reservedConcurrency undefined means "use the unreserved pool". */
export interface FunctionSettingsValues {
  memorySize: number;
  timeout: number;
  ephemeralStorage: number;
  description: string;
  reservedConcurrency: number | undefined;
}

/** Settings as typed, so a half-typed value is kept and shown with its problem. */
export type SettingsDraft = Record<SettingField, string>;

export interface ConcurrencyContext {
  /** The account's unreserved concurrency (GetAccountSettings), when known. */
  unreserved?: number;
  /** This function's reservation at load time (it returns to the pool when changed). */
  currentReserved?: number;
  /** Unreserved concurrency that must remain (AWS_MIN_UNRESERVED_CONCURRENCY for AWS). */
  minUnreserved: number;
}

/** The highest reservation the account allows for this function, when the account figures are known. */
export function maxReservedConcurrency(ctx: ConcurrencyContext): number | undefined {
  if (ctx.unreserved === undefined) return undefined;
  return Math.max(0, ctx.unreserved + (ctx.currentReserved ?? 0) - ctx.minUnreserved);
}

export function toDraft(values: FunctionSettingsValues): SettingsDraft {
  return {
    memorySize: String(values.memorySize),
    timeout: String(values.timeout),
    ephemeralStorage: String(values.ephemeralStorage),
    description: values.description,
    reservedConcurrency: values.reservedConcurrency === undefined ? '' : String(values.reservedConcurrency),
  };
}

function parseWholeNumber(text: string): number | undefined {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : undefined;
}

function rangeProblem(text: string, label: string, limit: NumericLimit): string | number {
  if (text.trim() === '') return `${label} is required (${limit.min}–${limit.max} ${limit.unit}).`;
  const n = parseWholeNumber(text);
  if (n === undefined) return `${label} must be a whole number of ${limit.unit === 's' ? 'seconds' : 'megabytes'}.`;
  if (n < limit.min || n > limit.max) return `${label} must be between ${limit.min} and ${limit.max} ${limit.unit}.`;
  return n;
}

export interface SettingsValidation {
  /** Present when every field is valid. */
  values?: FunctionSettingsValues;
  problems: Partial<Record<SettingField, string>>;
}

export function validateSettings(draft: SettingsDraft, concurrency: ConcurrencyContext): SettingsValidation {
  const problems: Partial<Record<SettingField, string>> = {};
  const numbers: Partial<Record<'memorySize' | 'timeout' | 'ephemeralStorage', number>> = {};
  for (const field of ['memorySize', 'timeout', 'ephemeralStorage'] as const) {
    const result = rangeProblem(draft[field], SETTING_LABELS[field], SETTING_LIMITS[field]);
    if (typeof result === 'string') problems[field] = result;
    else numbers[field] = result;
  }
  if (draft.description.length > DESCRIPTION_MAX_LENGTH) {
    problems.description = `Description must be at most ${DESCRIPTION_MAX_LENGTH} characters (now ${draft.description.length}).`;
  }
  let reservedConcurrency: number | undefined;
  if (draft.reservedConcurrency.trim() !== '') {
    const n = parseWholeNumber(draft.reservedConcurrency);
    const max = maxReservedConcurrency(concurrency);
    if (n === undefined) problems.reservedConcurrency = 'Reserved concurrency must be a whole number (0 stops all invocations), or empty for none.';
    else if (max !== undefined && n > max) {
      problems.reservedConcurrency = `Reserved concurrency can be at most ${max} here: the account must keep ${concurrency.minUnreserved} unreserved.`;
    } else reservedConcurrency = n;
  }
  if (Object.keys(problems).length) return { problems };
  return {
    problems,
    values: {
      memorySize: numbers.memorySize!,
      timeout: numbers.timeout!,
      ephemeralStorage: numbers.ephemeralStorage!,
      description: draft.description,
      reservedConcurrency,
    },
  };
}

export interface SettingChange {
  field: SettingField;
  label: string;
  from: string;
  to: string;
}

export function formatSetting(field: SettingField, values: FunctionSettingsValues): string {
  const value = values[field];
  if (field === 'reservedConcurrency') return value === undefined ? 'none' : String(value);
  if (field === 'description') return value === '' ? '(empty)' : JSON.stringify(value);
  return `${String(value)} ${SETTING_LIMITS[field].unit}`;
}

export function diffSettings(before: FunctionSettingsValues, after: FunctionSettingsValues): SettingChange[] {
  return SETTING_FIELDS.filter((f) => before[f] !== after[f]).map((field) => ({
    field,
    label: SETTING_LABELS[field],
    from: formatSetting(field, before),
    to: formatSetting(field, after),
  }));
}

export interface SettingsMergeResult<T> {
  merged: T;
  /** Fields both sides changed differently; `merged` keeps my value for them. */
  conflicts: SettingField[];
}

/** Three-way merge per field, like mergeEnv; works on values or on drafts (text as typed). */
export function mergeSettings<T extends Record<SettingField, unknown>>(base: T, mine: T, theirs: T): SettingsMergeResult<T> {
  const merged: T = { ...mine };
  const conflicts: SettingField[] = [];
  for (const field of SETTING_FIELDS) {
    const mineChanged = mine[field] !== base[field];
    const theirsChanged = theirs[field] !== base[field];
    if (!theirsChanged || mine[field] === theirs[field]) continue;
    if (!mineChanged) merged[field] = theirs[field];
    else conflicts.push(field);
  }
  return { merged, conflicts };
}

/** Whether a qualifier names something immutable: a published version, or an alias (which points at one). */
export function isReadOnlyQualifier(qualifier: string | undefined): boolean {
  return qualifier !== undefined && qualifier !== '' && qualifier !== '$LATEST';
}
