/**
 * Judging a rollout step by CloudWatch metrics: AWS/Lambda Invocations and Errors (Sum, 60 s)
 * of the new version run through the alias (dimensions FunctionName, Resource "fn:alias" and
 * ExecutedVersion). Lambda publishes them per minute and CloudWatch shows a minute some time
 * after it ends, so only whole minutes old enough are counted. Pure: the port reads CloudWatch.
 */
import type { HealthCounts } from './routing';

const MINUTE_MS = 60_000;

/**
 * How long after a minute ends its metrics are taken as complete on AWS. Lambda sends its
 * metrics once a minute and CloudWatch answers with them a minute or two later; three minutes
 * leaves room for a late minute without slowing a rollout whose steps last minutes anyway. The
 * Local Lambda records every invocation as it ends, so it counts with no delay.
 */
export const METRICS_DELAY_MS = 3 * MINUTE_MS;

export type HealthSource = 'metrics' | 'logs';

/** What a check read from CloudWatch for the new version. */
export interface MetricCounts extends HealthCounts {
  /** Minutes that had data: 0 means none yet (Lambda publishes nothing for a minute without calls). */
  minutes: number;
}

/**
 * The minutes to count: from the minute the rollout started in, to the last whole minute that
 * ended `delayMs` ago (with no delay, to the end of the current minute). Undefined while no
 * minute is old enough.
 */
export function metricsWindow(startedAt: number, now: number, delayMs: number): { start: number; end: number } | undefined {
  const start = Math.floor(startedAt / MINUTE_MS) * MINUTE_MS;
  const end = delayMs > 0 ? Math.floor((now - delayMs) / MINUTE_MS) * MINUTE_MS : Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  return end > start ? { start, end } : undefined;
}

/**
 * Which count judges a check: the metrics when they have data (plus the rollout's own test
 * invocations, which call the version directly and so are not under the alias's metrics), else
 * the log-based count, else none (the rollout holds).
 */
export function judgeHealth(input: {
  metrics?: MetricCounts;
  own: HealthCounts;
  logs?: HealthCounts;
}): { source: HealthSource; health: HealthCounts } | undefined {
  const { metrics, own, logs } = input;
  if (metrics && metrics.minutes > 0) {
    return { source: 'metrics', health: { invocations: metrics.invocations + own.invocations, errors: metrics.errors + own.errors } };
  }
  return logs ? { source: 'logs', health: logs } : undefined;
}

/** "CloudWatch metrics" / "log lines". */
export function describeSource(source: HealthSource): string {
  return source === 'metrics' ? 'CloudWatch metrics' : 'log lines';
}
