/**
 * The environment variables editor's rules: the 4 KB budget as a meter, why a key cannot be
 * used (in words for the editor), and change tracking (diff, three-way merge). Lambda's own
 * rules (the measure, the key pattern, reserved keys) live in shared/lambda/environment.
 * Pure; no I/O.
 */

import { ENV_LIMIT_BYTES, isReservedEnvKey, isValidEnvKey, measureEnvironment, type EnvVariables } from '../../shared/lambda/environment';
import { utf8Length } from '../../shared/units';

export { redactEnvValues } from '../../shared/lambda/environment';

export type EnvMap = EnvVariables;

/** Share of the budget from which the meter warns. */
export const ENV_WARNING_RATIO = 0.9;

export type BudgetLevel = 'ok' | 'warning' | 'error';

export interface EnvBudget {
  /** Bytes used, strict count. */
  used: number;
  limit: number;
  /** Bytes left; negative when over the limit. */
  left: number;
  /** ok below 90 %, warning from 90 % up to the limit, error over it (Lambda would refuse the save). */
  level: BudgetLevel;
  /** The compact JSON in plain UTF-8 bytes (what the count would be if Lambda counts UTF-8). */
  utf8Bytes: number;
  /** Some character is outside ASCII, so the strict count is larger than the UTF-8 count. */
  countedStrictly: boolean;
}

export function envBudget(vars: EnvMap): EnvBudget {
  const used = measureEnvironment(vars);
  const utf8Bytes = utf8Length(JSON.stringify(vars));
  const level: BudgetLevel = used > ENV_LIMIT_BYTES ? 'error' : used >= ENV_LIMIT_BYTES * ENV_WARNING_RATIO ? 'warning' : 'ok';
  return { used, limit: ENV_LIMIT_BYTES, left: ENV_LIMIT_BYTES - used, level, utf8Bytes, countedStrictly: used !== utf8Bytes };
}

/** Why a key cannot be used, or undefined when Lambda accepts it. The message never includes a value. */
export function envKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'Enter a name.';
  if (isReservedEnvKey(key)) return `${key} is reserved: Lambda sets it and does not allow changing it.`;
  if (!/^[a-zA-Z]/.test(key)) return 'Must start with a letter (A–Z or a–z).';
  if (key.length < 2) return 'Must be at least 2 characters long.';
  const bad = [...new Set(key.replace(/[a-zA-Z0-9_]/g, ''))];
  if (bad.length) return `Only letters, digits and _ are allowed (not ${bad.map((c) => (c === ' ' ? 'space' : `"${c}"`)).join(', ')}).`;
  // The steps above explain the pattern; the pattern itself has the last word.
  return isValidEnvKey(key) ? undefined : 'Not a name Lambda accepts.';
}

export interface EnvEntry {
  key: string;
  value: string;
}

/** Problems of each entry by index: bad keys and duplicates (the second and later occurrence). */
export function envEntryProblems(entries: readonly EnvEntry[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const problem = envKeyProblem(entry.key);
    if (problem) {
      problems.set(index, problem);
      return;
    }
    const first = seen.get(entry.key);
    if (first !== undefined) problems.set(index, `${entry.key} is already used in row ${first + 1}.`);
    else seen.set(entry.key, index);
  });
  return problems;
}

/** Entries as a map (later duplicates win, as Lambda would see a JSON object). */
export function toEnvMap(entries: readonly EnvEntry[]): EnvMap {
  const map: EnvMap = {};
  for (const { key, value } of entries) map[key] = value;
  return map;
}

export type EnvChangeKind = 'added' | 'removed' | 'changed';

export interface EnvChange {
  key: string;
  kind: EnvChangeKind;
}

/** Keys added, removed or with a different value going from `before` to `after`, sorted by key. */
export function diffEnv(before: EnvMap, after: EnvMap): EnvChange[] {
  const changes: EnvChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const had = Object.hasOwn(before, key);
    const has = Object.hasOwn(after, key);
    if (had && !has) changes.push({ key, kind: 'removed' });
    else if (!had && has) changes.push({ key, kind: 'added' });
    else if (before[key] !== after[key]) changes.push({ key, kind: 'changed' });
  }
  return changes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function sameEnv(a: EnvMap, b: EnvMap): boolean {
  return diffEnv(a, b).length === 0;
}

export interface EnvConflict {
  key: string;
  /** What each side did to the key relative to the common base. */
  mine: EnvChangeKind;
  theirs: EnvChangeKind;
}

export interface EnvMergeResult {
  /** Both sides' changes; on a conflict the key keeps my side. Ordered like `mine`, then keys only they added. */
  merged: EnvMap;
  conflicts: EnvConflict[];
  /** Keys whose merged value came from their side (changes made elsewhere that were taken in). */
  takenFromTheirs: string[];
}

function changeKind(base: EnvMap, side: EnvMap, key: string): EnvChangeKind | undefined {
  const inBase = Object.hasOwn(base, key);
  const inSide = Object.hasOwn(side, key);
  if (inBase && !inSide) return 'removed';
  if (!inBase && inSide) return 'added';
  if (inBase && base[key] !== side[key]) return 'changed';
  return undefined;
}

/**
 * Three-way merge per key: `base` as loaded, `mine` as edited, `theirs` as it is now. A key only
 * one side changed takes that side; both sides making the same change is no conflict; different
 * changes to one key are a conflict, resolved provisionally in favour of `mine`.
 */
export function mergeEnv(base: EnvMap, mine: EnvMap, theirs: EnvMap): EnvMergeResult {
  const merged: EnvMap = {};
  const conflicts: EnvConflict[] = [];
  const takenFromTheirs: string[] = [];
  const keys = [...new Set([...Object.keys(mine), ...Object.keys(base), ...Object.keys(theirs)])];
  const decided = new Map<string, string | undefined>();
  for (const key of keys) {
    const m = changeKind(base, mine, key);
    const t = changeKind(base, theirs, key);
    const mineValue = Object.hasOwn(mine, key) ? mine[key] : undefined;
    const theirValue = Object.hasOwn(theirs, key) ? theirs[key] : undefined;
    if (!t || mineValue === theirValue) {
      decided.set(key, mineValue);
    } else if (!m) {
      decided.set(key, theirValue);
      takenFromTheirs.push(key);
    } else {
      decided.set(key, mineValue);
      conflicts.push({ key, mine: m, theirs: t });
    }
  }
  // Keep my order, then append what only their side has.
  const order = [...Object.keys(mine), ...Object.keys(theirs).filter((k) => !Object.hasOwn(mine, k))];
  for (const key of order) {
    const value = decided.get(key);
    if (value !== undefined) merged[key] = value;
  }
  return { merged, conflicts, takenFromTheirs };
}

