/**
 * The Monitor tab's time rules: which range a choice means, which period to ask CloudWatch for
 * (as its console picks one automatically), and what CloudWatch's retention allows. Pure.
 *
 * Retention (CloudWatch, GetMetricStatistics / MetricStat.Period): 1-minute data points are kept
 * 15 days, 5-minute ones 63 days, 1-hour ones 455 days. A StartTime older than 15 days needs a
 * period that is a multiple of 300 s, older than 63 days a multiple of 3600 s; nothing is kept
 * past 455 days.
 */
import { RANGE_PRESETS, type RangeChoice } from './protocol';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RETENTION = {
  oneMinuteDays: 15,
  fiveMinuteDays: 63,
  oneHourDays: 455,
} as const;

/** Periods the picker uses, in seconds, shortest first. */
export const STANDARD_PERIODS = [60, 300, 900, 3600, 21_600, 86_400] as const;

/**
 * Data points per line the automatic period aims to stay under: 1 h and 3 h → 1 min, 12 h and
 * 1 d → 5 min, 3 d → 15 min, 1 w → 1 h, as the CloudWatch console shows those ranges.
 */
export const MAX_POINTS = 300;

/** The shortest custom range (one 1-minute period). */
export const MIN_RANGE_MS = MINUTE;

export interface ResolvedRange {
  /** Inclusive start, epoch ms, aligned to the period. */
  start: number;
  /** Exclusive end, epoch ms, aligned up to the period (so the current period is included). */
  end: number;
  periodSeconds: number;
  label: string;
  /** Why the period is longer than the range alone would need (retention), when it is. */
  note?: string;
}

export type RangeResult = { ok: true; range: ResolvedRange } | { ok: false; reason: string };

/** The shortest period CloudWatch still keeps for data that started `ageMs` ago. */
export function retentionPeriod(ageMs: number): number {
  if (ageMs > RETENTION.fiveMinuteDays * DAY) return 3600;
  if (ageMs > RETENTION.oneMinuteDays * DAY) return 300;
  return 60;
}

/** The console's automatic period for a range: the shortest standard one with at most MAX_POINTS points. */
export function autoPeriod(rangeMs: number): number {
  for (const period of STANDARD_PERIODS) if (rangeMs / (period * 1000) <= MAX_POINTS) return period;
  return STANDARD_PERIODS[STANDARD_PERIODS.length - 1];
}

function formatPeriod(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return `${seconds / 60} min`;
}

export { formatPeriod };

function formatDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

/** The range a choice means at `now`, its period, or why CloudWatch cannot answer it. */
export function resolveRange(choice: RangeChoice, now: number): RangeResult {
  let start: number;
  let end: number;
  let label: string;
  if (choice.preset === 'custom') {
    ({ start, end } = choice);
    if (!Number.isFinite(start) || !Number.isFinite(end)) return { ok: false, reason: 'The start and the end must be dates.' };
    if (end <= start) return { ok: false, reason: 'The end of the range must be after its start.' };
    if (start >= now) return { ok: false, reason: 'The range starts in the future; there is no data there yet.' };
    end = Math.min(end, now);
    if (end - start < MIN_RANGE_MS) return { ok: false, reason: 'The range must be at least one minute long.' };
    label = `${formatDate(start)} – ${formatDate(end)}`;
  } else {
    const preset = RANGE_PRESETS.find((p) => p.id === choice.preset);
    if (!preset) return { ok: false, reason: `Unknown range ${String(choice.preset)}.` };
    end = now;
    start = now - preset.ms;
    label = `Last ${preset.label}`;
  }
  const age = now - start;
  if (age > RETENTION.oneHourDays * DAY) {
    return {
      ok: false,
      reason: `CloudWatch keeps metrics for ${RETENTION.oneHourDays} days (15 months); this range starts ${Math.floor(age / DAY)} days ago. Choose a start after ${formatDate(now - RETENTION.oneHourDays * DAY)}.`,
    };
  }
  const auto = autoPeriod(end - start);
  const kept = retentionPeriod(age);
  const periodSeconds = Math.max(auto, kept);
  const note = kept > auto
    ? kept === 3600
      ? `${formatPeriod(periodSeconds)} periods: CloudWatch keeps 5-minute data for ${RETENTION.fiveMinuteDays} days, and this range starts earlier.`
      : `${formatPeriod(periodSeconds)} periods: CloudWatch keeps 1-minute data for ${RETENTION.oneMinuteDays} days, and this range starts earlier.`
    : undefined;
  const step = periodSeconds * 1000;
  const alignedStart = Math.floor(start / step) * step;
  const alignedEnd = Math.ceil(end / step) * step;
  return { ok: true, range: { start: alignedStart, end: Math.max(alignedEnd, alignedStart + step), periodSeconds, label: `${label} · ${formatPeriod(periodSeconds)} periods`, note } };
}
