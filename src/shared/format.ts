/** Pure display rules for the Lambda tree. No I/O, no VS Code. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Parses Lambda's LastModified ("2024-01-01T12:00:00.000+0000"). The offset without a colon is
 * accepted by Date in V8, but normalise it so the result doesn't depend on the engine.
 */
export function parseLambdaTimestamp(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the date itself after 30 days. */
export function formatRelativeTime(when: Date, now: Date = new Date()): string {
  const elapsed = now.getTime() - when.getTime();
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`;
  const days = Math.floor(elapsed / DAY);
  if (days < 30) return days === 1 ? '1 day ago' : `${days} days ago`;
  return when.toISOString().slice(0, 10);
}

export interface FunctionSummary {
  runtime?: string;
  memorySize?: number;
  lastModified?: string;
  packageType?: string;
}

/** "nodejs20.x · 128 MB · 5 min ago"; missing parts are left out. */
export function describeFunction(fn: FunctionSummary, now: Date = new Date()): string {
  const parts: string[] = [];
  parts.push(fn.runtime ?? (fn.packageType === 'Image' ? 'container image' : 'unknown runtime'));
  if (fn.memorySize !== undefined) parts.push(`${fn.memorySize} MB`);
  const modified = parseLambdaTimestamp(fn.lastModified);
  if (modified) parts.push(formatRelativeTime(modified, now));
  return parts.join(' · ');
}

export interface AliasRouting {
  functionVersion?: string;
  /** RoutingConfig.AdditionalVersionWeights: version → weight in 0..1 */
  additionalVersionWeights?: Record<string, number>;
}

/** Formats a 0..1 weight as a percentage with at most one decimal: 0.1 → "10%", 0.125 → "12.5%". */
export function formatWeight(weight: number): string {
  const percent = Math.round(weight * 1000) / 10;
  return `${percent}%`;
}

/**
 * "→ 3" for a plain alias, "→ 1 (90%) · 2 (10%)" when traffic is split. The primary version
 * gets whatever the additional versions leave.
 */
export function describeAlias(alias: AliasRouting): string {
  const primary = alias.functionVersion ?? '?';
  const extra = Object.entries(alias.additionalVersionWeights ?? {});
  if (extra.length === 0) return `→ ${primary}`;
  const extraTotal = extra.reduce((sum, [, weight]) => sum + weight, 0);
  const primaryWeight = Math.max(0, 1 - extraTotal);
  const routes = [`${primary} (${formatWeight(primaryWeight)})`, ...extra.map(([version, weight]) => `${version} (${formatWeight(weight)})`)];
  return `→ ${routes.join(' · ')}`;
}

/** Codicon id for a runtime family. */
export function runtimeIconId(runtime: string | undefined): string {
  if (!runtime) return 'symbol-function';
  if (runtime.startsWith('nodejs')) return 'symbol-event';
  if (runtime.startsWith('python')) return 'symbol-namespace';
  if (runtime.startsWith('java')) return 'coffee';
  if (runtime.startsWith('dotnet')) return 'symbol-class';
  if (runtime.startsWith('ruby')) return 'ruby';
  if (runtime.startsWith('provided') || runtime.startsWith('go')) return 'terminal';
  return 'symbol-function';
}

/**
 * Function-name filter: case-insensitive substring match. An empty or blank filter matches
 * everything.
 */
export function matchesFilter(name: string, filter: string | undefined): boolean {
  const needle = filter?.trim().toLowerCase();
  if (!needle) return true;
  return name.toLowerCase().includes(needle);
}

/** A version or alias to invoke, as pickers and the Invoke tab offer them. */
export interface QualifierOption {
  /** What is sent as Qualifier; "$LATEST" for the unpublished code. */
  value: string;
  kind: 'latest' | 'version' | 'alias';
  /** e.g. "→ 1 (90%) · 2 (10%)" for an alias. */
  description?: string;
}

export const LATEST_OPTION: QualifierOption = { value: '$LATEST', kind: 'latest', description: 'unpublished code' };

/** `$LATEST`, then the aliases with their routing, then the versions, newest first. */
export function qualifierOptions(
  versions: readonly string[],
  aliases: ReadonlyArray<{ Name?: string; FunctionVersion?: string; RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> } }>,
): QualifierOption[] {
  const options: QualifierOption[] = [LATEST_OPTION];
  for (const alias of aliases) {
    if (!alias.Name) continue;
    options.push({
      value: alias.Name,
      kind: 'alias',
      description: describeAlias({ functionVersion: alias.FunctionVersion, additionalVersionWeights: alias.RoutingConfig?.AdditionalVersionWeights }),
    });
  }
  for (const version of [...versions].sort((a, b) => Number(b) - Number(a))) options.push({ value: version, kind: 'version' });
  return options;
}
