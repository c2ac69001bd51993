/**
 * Rules for Lambda alias routing: names, weights, before/after wording, gradual-rollout plans
 * and the automatic rollback decision. Pure: no I/O, no VS Code.
 */

export const ALIAS_NAME_MAX_LENGTH = 128;
const ALIAS_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
const VERSION_PATTERN = /^[0-9]+$/;
export const LATEST = '$LATEST';

/**
 * Smallest step of a weight, in percent. AWS takes a double in 0.0–1.0 and does not document
 * how many digits it keeps, so we take the strict reading: 0.1 % steps (three decimals of the
 * 0–1 weight), which is also what the tree shows.
 */
export const PERCENT_STEP = 0.1;
const PERCENT_DECIMALS = 1;

/** Why an alias name is refused, or undefined when AWS accepts it. */
export function aliasNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'An alias needs a name.';
  if (name.length > ALIAS_NAME_MAX_LENGTH) return `An alias name has at most ${ALIAS_NAME_MAX_LENGTH} characters (this one has ${name.length}).`;
  if (!ALIAS_NAME_PATTERN.test(name)) return 'An alias name may contain only letters, digits, "-" and "_".';
  if (VERSION_PATTERN.test(name)) return 'An alias name cannot be only digits: that would read as a version number.';
  return undefined;
}

export function isPublishedVersion(version: string): boolean {
  return VERSION_PATTERN.test(version);
}

/** Rounds a percentage to AWS's precision (see PERCENT_STEP), clamped to 0–100. */
export function roundPercent(percent: number): number {
  const factor = 10 ** PERCENT_DECIMALS;
  const rounded = Math.round(Math.min(100, Math.max(0, percent)) * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** 12.5 → 0.125, rounded so the float carries no noise beyond the precision. */
export function percentToWeight(percent: number): number {
  return Number((roundPercent(percent) / 100).toFixed(PERCENT_DECIMALS + 2));
}

/** 0.125 → 12.5 */
export function weightToPercent(weight: number): number {
  return roundPercent(weight * 100);
}

/** "12.5 %" style text without trailing zeros: 10 → "10%", 12.5 → "12.5%". */
export function formatPercent(percent: number): string {
  return `${roundPercent(percent)}%`;
}

export type PercentInput = { percent: number; rounded: boolean } | { error: string };

/**
 * Reads a percentage typed by a person ("10", "12.5", "7,5", "10 %"). Values between the steps
 * are rounded, and `rounded` says so, so the caller can show what will actually be sent.
 */
export function parsePercent(input: string | number): PercentInput {
  const text = typeof input === 'number' ? String(input) : input.trim().replace(/\s*%$/, '').replace(',', '.');
  if (text === '') return { error: 'Enter a percentage between 0 and 100.' };
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) return { error: `"${String(input)}" is not a number.` };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: `"${String(input)}" is not a number.` };
  if (value < 0 || value > 100) return { error: `The weight must be between 0 and 100 % (got ${value}).` };
  const percent = roundPercent(value);
  return { percent, rounded: percent !== value };
}

/** Where an alias sends traffic: its primary version and at most one extra version with a 0–1 weight. */
export interface Routing {
  primary: string;
  extra?: { version: string; weight: number };
}

/** The routing of an alias as Lambda returns it (AliasConfiguration). */
export interface AliasShape {
  FunctionVersion?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
}

export function routingOf(alias: AliasShape): Routing {
  const primary = alias.FunctionVersion ?? LATEST;
  const [entry] = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {});
  return entry ? { primary, extra: { version: entry[0], weight: entry[1] } } : { primary };
}

/** The fields of CreateAlias/UpdateAlias that carry a routing; `{}` clears the weights. */
export function routingRequest(routing: Routing): { FunctionVersion: string; RoutingConfig: { AdditionalVersionWeights: Record<string, number> } } {
  const weights: Record<string, number> = routing.extra ? { [routing.extra.version]: routing.extra.weight } : {};
  return { FunctionVersion: routing.primary, RoutingConfig: { AdditionalVersionWeights: weights } };
}

/** Percent of traffic the extra version gets (0 without one). */
export function extraPercent(routing: Routing): number {
  return routing.extra ? weightToPercent(routing.extra.weight) : 0;
}

/**
 * Checks a routing against Lambda's rules before it is sent, so the person gets our clear
 * message instead of a service error: at most two versions, both published, different, weight
 * strictly between 0 and 1 (a weight of exactly 1.0 is not documented as accepted: we never
 * send it, "everything to the new version" is a promotion instead).
 */
export function routingProblem(routing: Routing): string | undefined {
  if (!routing.primary) return 'Choose the version the alias points to.';
  if (routing.primary !== LATEST && !isPublishedVersion(routing.primary)) return `"${routing.primary}" is not a version: use a published version number or $LATEST.`;
  const extra = routing.extra;
  if (!extra) return undefined;
  if (routing.primary === LATEST) return 'An alias that splits traffic must point to published versions, not $LATEST. Publish a version first.';
  if (!isPublishedVersion(extra.version)) {
    return extra.version === LATEST
      ? 'Traffic can be shifted only to a published version, not $LATEST. Publish a version first.'
      : `"${extra.version}" is not a published version number.`;
  }
  if (extra.version === routing.primary) return `Version ${extra.version} is already the alias's main version; choose a different version to shift traffic to.`;
  if (!(extra.weight > 0 && extra.weight < 1)) return `The weight of version ${extra.version} must be more than 0 % and less than 100 % (use Promote for 100 %).`;
  if (percentToWeight(extra.weight * 100) !== extra.weight) {
    return `The weight of version ${extra.version} has more digits than Lambda keeps (steps of ${PERCENT_STEP} %).`;
  }
  return undefined;
}

/**
 * The routing after sending `percent` of traffic to `version`: 0 % clears the extra version,
 * 100 % promotes it (the primary becomes `version`, weights cleared), anything between splits.
 */
export function shiftTraffic(current: Routing, version: string, percent: number): Routing {
  const p = roundPercent(percent);
  if (version === current.primary) return { primary: current.primary };
  if (p <= 0) return { primary: current.primary };
  if (p >= 100) return { primary: version };
  return { primary: current.primary, extra: { version, weight: percentToWeight(p) } };
}

/** Promote: the extra version becomes the primary and the weights are cleared. Undefined when there is nothing to promote. */
export function promote(current: Routing): Routing | undefined {
  return current.extra ? { primary: current.extra.version } : undefined;
}

/** Roll back: the weights are cleared and the primary kept. Undefined when nothing is routed elsewhere. */
export function rollBack(current: Routing): Routing | undefined {
  return current.extra ? { primary: current.primary } : undefined;
}

export function sameRouting(a: Routing, b: Routing): boolean {
  return a.primary === b.primary && a.extra?.version === b.extra?.version && (a.extra?.weight ?? 0) === (b.extra?.weight ?? 0);
}

/** "1 (100%)", "1 (90%) · 2 (10%)". */
export function describeRouting(routing: Routing): string {
  if (!routing.extra) return `${routing.primary} (100%)`;
  const extra = weightToPercent(routing.extra.weight);
  return `${routing.primary} (${formatPercent(100 - extra)}) · ${routing.extra.version} (${formatPercent(extra)})`;
}

/** "live: 1 (100%) → 1 (90%) · 2 (10%)" — what a confirmation shows. */
export function describeChange(aliasName: string, before: Routing, after: Routing): string {
  return `${aliasName}: ${describeRouting(before)} → ${describeRouting(after)}`;
}

// --- gradual rollout plans ------------------------------------------------------------------

export type RolloutPlanSpec =
  /** Fixed percentages in order, e.g. 10 → 25 → 50 → 100, one every `intervalMinutes`. */
  | { kind: 'steps'; percents: number[]; intervalMinutes: number }
  /** `steps` equal steps up to 100 %, e.g. 4 → 25, 50, 75, 100. */
  | { kind: 'linear'; steps: number; intervalMinutes: number };

export const PRESET_PERCENTS = [10, 25, 50, 100];
export const MAX_PLAN_STEPS = 100;
export const MAX_INTERVAL_MINUTES = 24 * 60;

export interface PlanStep {
  /** Percent of traffic to the new version once this step is applied; the last step is 100. */
  percent: number;
  /** How long to watch this step before the next one (0 for the last). */
  waitMs: number;
}

export type PlanResult = { steps: PlanStep[] } | { error: string };

/**
 * The steps of a plan. Percentages are rounded to AWS's precision, must rise strictly and end at
 * 100 (a plan that ends below 100 % is appended a final 100 % step).
 */
export function planSteps(spec: RolloutPlanSpec): PlanResult {
  const minutes = spec.intervalMinutes;
  if (!Number.isFinite(minutes) || minutes <= 0) return { error: 'The interval between steps must be more than 0 minutes.' };
  if (minutes > MAX_INTERVAL_MINUTES) return { error: `The interval between steps can be at most ${MAX_INTERVAL_MINUTES} minutes (a day).` };
  let percents: number[];
  if (spec.kind === 'linear') {
    if (!Number.isInteger(spec.steps) || spec.steps < 1 || spec.steps > MAX_PLAN_STEPS) {
      return { error: `The number of steps must be a whole number from 1 to ${MAX_PLAN_STEPS}.` };
    }
    percents = Array.from({ length: spec.steps }, (_, i) => roundPercent(((i + 1) * 100) / spec.steps));
  } else {
    percents = spec.percents.map(roundPercent);
    if (percents.length === 0) return { error: 'A plan needs at least one step.' };
    if (spec.percents.some((p) => !Number.isFinite(p) || p <= 0 || p > 100)) return { error: 'Every step must be more than 0 % and at most 100 %.' };
    if (percents.at(-1) !== 100) percents.push(100);
    if (percents.length > MAX_PLAN_STEPS) return { error: `A plan can have at most ${MAX_PLAN_STEPS} steps.` };
  }
  for (let i = 1; i < percents.length; i++) {
    if (percents[i] <= percents[i - 1]) return { error: `Steps must rise: ${formatPercent(percents[i])} follows ${formatPercent(percents[i - 1])}.` };
  }
  const waitMs = Math.round(minutes * 60_000);
  return { steps: percents.map((percent, i) => ({ percent, waitMs: i === percents.length - 1 ? 0 : waitMs })) };
}

/** "10% → 25% → 50% → 100%, every 5 min". */
export function describePlan(steps: PlanStep[]): string {
  const every = steps.length > 1 ? `, every ${formatMinutes(steps[0].waitMs)}` : '';
  return `${steps.map((s) => formatPercent(s.percent)).join(' → ')}${every}`;
}

function formatMinutes(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round((ms / 60_000) * 10) / 10;
  return `${minutes} min`;
}

// --- automatic rollback ---------------------------------------------------------------------

export interface HealthCounts {
  /** Completed invocations of the new version seen so far. */
  invocations: number;
  /** Of those, the ones that failed (function error, crash or timeout). */
  errors: number;
}

export interface RollbackThreshold {
  /** Roll back when errors / invocations exceeds this (0–1, e.g. 0.05 for 5 %). */
  maxErrorRate: number;
  /** The rate is trusted only from this many invocations on (see rollbackDecision). */
  minInvocations: number;
}

export type HealthDecision =
  | { action: 'rollBack'; reason: string }
  /** Healthy enough to go on. */
  | { action: 'proceed' }
  /** Too few invocations to judge yet. */
  | { action: 'wait'; needed: number };

/**
 * Decides from the new version's counts. Rolls back when the error rate over at least
 * `minInvocations` calls exceeds the threshold — and earlier when the errors seen already make
 * that certain (even if the remaining calls up to the minimum all succeeded, the rate would be
 * over). Otherwise proceeds, or waits for the minimum sample.
 */
export function rollbackDecision(counts: HealthCounts, threshold: RollbackThreshold): HealthDecision {
  const { invocations, errors } = counts;
  const min = Math.max(0, Math.floor(threshold.minInvocations));
  const sample = Math.max(invocations, min);
  if (errors > 0 && sample > 0 && errors / sample > threshold.maxErrorRate) {
    const rate = invocations > 0 ? errors / invocations : 1;
    return {
      action: 'rollBack',
      reason: `${errors} of ${invocations} invocations of the new version failed (${formatRate(rate)}, above the ${formatRate(threshold.maxErrorRate)} threshold).`,
    };
  }
  if (invocations < min) return { action: 'wait', needed: min - invocations };
  return { action: 'proceed' };
}

export function formatRate(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

export function thresholdProblem(threshold: RollbackThreshold): string | undefined {
  if (!Number.isFinite(threshold.maxErrorRate) || threshold.maxErrorRate < 0 || threshold.maxErrorRate >= 1) {
    return 'The error threshold must be from 0 % up to (not including) 100 %.';
  }
  if (!Number.isInteger(threshold.minInvocations) || threshold.minInvocations < 0 || threshold.minInvocations > 1_000_000) {
    return 'The minimum number of invocations must be a whole number from 0 to 1,000,000.';
  }
  return undefined;
}
