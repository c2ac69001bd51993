/**
 * What the Monitor tab asks CloudWatch for and how the answers become chart lines. Pure: the
 * controller fetches, this module decides the queries and shapes the series.
 *
 * Lambda publishes its metrics (namespace AWS/Lambda) under these dimension sets: none
 * (account-wide), FunctionName, FunctionName + Resource ("name:alias" or "name:version", for
 * qualified calls) and FunctionName + Resource + ExecutedVersion (calls through an alias: which
 * version ran). The Local Lambda's metrics API answers the same sets.
 */
import type { ListedMetric, MetricQuery, MetricSeries } from '../../aws/cloudwatch';
import type { ChartData, ChartSeries, ChartUnit, MonitorTotals, SplitMode } from './protocol';

export const NAMESPACE = 'AWS/Lambda';

/** GetMetricData's rule for a query id: a lowercase letter, then letters, digits and "_". */
export const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

export type QualifierKind = 'function' | 'version' | 'alias';

/** $LATEST and numbered versions are versions; any other qualifier is an alias. */
export function qualifierKind(qualifier: string | undefined): QualifierKind {
  if (qualifier === undefined || qualifier === '') return 'function';
  return qualifier === '$LATEST' || /^\d+$/.test(qualifier) ? 'version' : 'alias';
}

export interface MonitorSubject {
  functionName: string;
  qualifier?: string;
}

export type Dimensions = Record<string, string>;

/** The dimensions that select the subject's own metrics. */
export function subjectDimensions(subject: MonitorSubject): Dimensions {
  if (qualifierKind(subject.qualifier) === 'function') return { FunctionName: subject.functionName };
  return { FunctionName: subject.functionName, Resource: `${subject.functionName}:${subject.qualifier}` };
}

/** What ListMetrics says exists for one function. */
export interface MetricListing {
  metricNames: Set<string>;
  /** Qualifiers seen in the Resource dimension (aliases and versions called by name). */
  resources: string[];
  /** Alias → the versions that ran through it (ExecutedVersion). */
  executed: Map<string, string[]>;
}

const byNumber = (a: string, b: string) => {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
};

export function readListing(functionName: string, metrics: readonly ListedMetric[]): MetricListing {
  const names = new Set<string>();
  const resources = new Set<string>();
  const executed = new Map<string, Set<string>>();
  const prefix = `${functionName}:`;
  for (const m of metrics) {
    if (m.namespace !== NAMESPACE || m.dimensions.FunctionName !== functionName) continue;
    names.add(m.metricName);
    const resource = m.dimensions.Resource;
    if (resource === undefined || !resource.startsWith(prefix) || resource.length === prefix.length) continue;
    const qualifier = resource.slice(prefix.length);
    const keys = Object.keys(m.dimensions).length;
    const version = m.dimensions.ExecutedVersion;
    if (keys === 2) resources.add(qualifier);
    else if (keys === 3 && version !== undefined) {
      let set = executed.get(qualifier);
      if (!set) executed.set(qualifier, (set = new Set()));
      set.add(version);
    }
  }
  return {
    metricNames: names,
    resources: [...resources].sort(byNumber),
    executed: new Map([...executed].sort(([a], [b]) => byNumber(a, b)).map(([alias, versions]) => [alias, [...versions].sort(byNumber)])),
  };
}

/** One line of a split: what it is called and which dimensions select it. */
export interface SplitLine {
  label: string;
  dimensions: Dimensions;
}

/** The splits that make sense for a subject, given what exists. */
export function availableSplits(subject: MonitorSubject, listing: MetricListing): SplitMode[] {
  const kind = qualifierKind(subject.qualifier);
  if (kind === 'version') return ['none'];
  const splits: SplitMode[] = ['none'];
  if (kind === 'function' && listing.resources.length > 0) splits.push('resource');
  const versions = kind === 'alias' ? listing.executed.get(subject.qualifier ?? '') ?? [] : [...listing.executed.values()].flat();
  if (versions.length > 0) splits.push('version');
  return splits;
}

/** The lines of a split; `none`, or a split without data, gives the subject's own line. */
export function splitLines(subject: MonitorSubject, split: SplitMode, listing: MetricListing): SplitLine[] {
  const fn = subject.functionName;
  const own: SplitLine[] = [{ label: subject.qualifier ? `${fn}:${subject.qualifier}` : fn, dimensions: subjectDimensions(subject) }];
  if (!availableSplits(subject, listing).includes(split) || split === 'none') return own;
  if (split === 'resource') {
    return listing.resources.map((q) => ({ label: q, dimensions: { FunctionName: fn, Resource: `${fn}:${q}` } }));
  }
  const aliases = qualifierKind(subject.qualifier) === 'alias' ? [subject.qualifier ?? ''] : [...listing.executed.keys()];
  const single = aliases.length === 1 && qualifierKind(subject.qualifier) === 'alias';
  return aliases.flatMap((alias) => (listing.executed.get(alias) ?? []).map((version) => ({
    label: single ? `version ${version}` : `${alias} → ${version}`,
    dimensions: { FunctionName: fn, Resource: `${fn}:${alias}`, ExecutedVersion: version },
  })));
}

export interface ChartStat {
  stat: string;
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  metric: string;
  unit: ChartUnit;
  stats: ChartStat[];
  /** With a split, only these statistics (one line each per split line). */
  splitStats?: string[];
  /** Shown only when ListMetrics lists the metric for the function. */
  optional?: boolean;
  /** Adds the error rate (Errors / Invocations, %) beside the count. */
  errorRate?: boolean;
}

const sum = (label = 'Sum'): ChartStat[] => [{ stat: 'Sum', label }];

/** The charts, in display order. */
export const CHARTS: ChartSpec[] = [
  { id: 'invocations', title: 'Invocations', metric: 'Invocations', unit: 'count', stats: sum() },
  { id: 'errors', title: 'Errors and error rate', metric: 'Errors', unit: 'count', stats: sum('Errors'), errorRate: true },
  { id: 'throttles', title: 'Throttles', metric: 'Throttles', unit: 'count', stats: sum() },
  {
    id: 'duration', title: 'Duration', metric: 'Duration', unit: 'ms',
    stats: [{ stat: 'Average', label: 'Average' }, { stat: 'p50', label: 'p50' }, { stat: 'p90', label: 'p90' }, { stat: 'p99', label: 'p99' }, { stat: 'Maximum', label: 'Maximum' }],
    splitStats: ['Average', 'p99'],
  },
  { id: 'concurrency', title: 'Concurrent executions', metric: 'ConcurrentExecutions', unit: 'count', stats: [{ stat: 'Maximum', label: 'Maximum' }] },
  { id: 'iteratorAge', title: 'Iterator age', metric: 'IteratorAge', unit: 'ms', stats: [{ stat: 'Maximum', label: 'Maximum' }], optional: true },
  { id: 'deadLetterErrors', title: 'Dead-letter errors', metric: 'DeadLetterErrors', unit: 'count', stats: sum(), optional: true },
  { id: 'destinationDeliveryFailures', title: 'Destination delivery failures', metric: 'DestinationDeliveryFailures', unit: 'count', stats: sum(), optional: true },
  { id: 'asyncEventsReceived', title: 'Async events received', metric: 'AsyncEventsReceived', unit: 'count', stats: sum(), optional: true },
  {
    id: 'asyncEventAge', title: 'Async event age', metric: 'AsyncEventAge', unit: 'ms',
    stats: [{ stat: 'Average', label: 'Average' }, { stat: 'Maximum', label: 'Maximum' }], splitStats: ['Maximum'], optional: true,
  },
  { id: 'asyncEventsDropped', title: 'Async events dropped', metric: 'AsyncEventsDropped', unit: 'count', stats: sum(), optional: true },
];

/** The charts shown for what exists: the core ones always, the others when listed. */
export function chartsFor(listing: MetricListing): ChartSpec[] {
  return CHARTS.filter((c) => !c.optional || listing.metricNames.has(c.metric));
}

/**
 * The queries of one load, each asked once: the same metric, statistic and dimensions used by two
 * charts (or by a chart and the totals) share an id.
 */
export class QueryBook {
  private readonly byKey = new Map<string, MetricQuery>();

  constructor(private readonly periodSeconds: number) {}

  id(metricName: string, stat: string, dimensions: Dimensions): string {
    const key = JSON.stringify([metricName, stat, Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : 1))]);
    let q = this.byKey.get(key);
    if (!q) {
      q = { id: `q${this.byKey.size}`, namespace: NAMESPACE, metricName, dimensions: { ...dimensions }, period: this.periodSeconds, stat };
      this.byKey.set(key, q);
    }
    return q.id;
  }

  get queries(): MetricQuery[] {
    return [...this.byKey.values()];
  }
}

/** The statistics that make up the totals line above the charts, on the subject's own dimensions. */
const TOTALS = [
  ['invocations', 'Invocations', 'Sum'],
  ['errors', 'Errors', 'Sum'],
  ['throttles', 'Throttles', 'Sum'],
  ['durationMs', 'Duration', 'Sum'],
  ['p99Ms', 'Duration', 'p99'],
] as const;

/** A chart's lines before the data: which query each one reads. */
export interface PlannedSeries {
  label: string;
  unit: ChartUnit;
  color: number;
  dashed?: boolean;
  queryId: string;
  /** For the error rate: the Invocations query it divides by. */
  denominatorId?: string;
}

export interface PlannedChart {
  spec: ChartSpec;
  series: PlannedSeries[];
}

export interface MonitorPlan {
  queries: MetricQuery[];
  charts: PlannedChart[];
  totals: Record<(typeof TOTALS)[number][0], string>;
}

/** Every query of one load: each chart's lines for the split, and the totals. */
export function planQueries(subject: MonitorSubject, lines: readonly SplitLine[], charts: readonly ChartSpec[], periodSeconds: number,
  options: { totals?: boolean } = {}): MonitorPlan {
  const book = new QueryBook(periodSeconds);
  const split = lines.length > 1 || (lines[0] && JSON.stringify(lines[0].dimensions) !== JSON.stringify(subjectDimensions(subject)));
  const planned = charts.map((spec): PlannedChart => {
    const stats = split && spec.splitStats ? spec.stats.filter((s) => spec.splitStats?.includes(s.stat)) : spec.stats;
    const series: PlannedSeries[] = [];
    lines.forEach((line, lineIndex) => {
      stats.forEach((s, statIndex) => {
        const label = split ? (stats.length > 1 ? `${line.label} ${s.label}` : line.label) : s.label;
        series.push({
          label, unit: spec.unit, color: split ? lineIndex : statIndex, dashed: split && statIndex > 0,
          queryId: book.id(spec.metric, s.stat, line.dimensions),
        });
      });
      if (spec.errorRate) {
        series.push({
          label: split ? `${line.label} error rate` : 'Error rate', unit: 'percent', color: split ? lineIndex : 1, dashed: true,
          queryId: book.id('Errors', 'Sum', line.dimensions), denominatorId: book.id('Invocations', 'Sum', line.dimensions),
        });
      }
    });
    return { spec, series };
  });
  const own = subjectDimensions(subject);
  // Without totals their ids are empty: shapeResults finds no series for them.
  const totals = Object.fromEntries(TOTALS.map(([key, metric, stat]) => [key, options.totals === false ? '' : book.id(metric, stat, own)])) as MonitorPlan['totals'];
  return { queries: book.queries, charts: planned, totals };
}

/** The period starts of a range, epoch ms, ascending. */
export function periodStarts(start: number, end: number, periodSeconds: number): number[] {
  const step = periodSeconds * 1000;
  const out: number[] = [];
  for (let t = start; t < end; t += step) out.push(t);
  return out;
}

/**
 * A series on the range's period grid, oldest first: CloudWatch answers newest first and only
 * the periods that have data; every period without a point becomes null (a gap in the line).
 */
export function onGrid(series: Pick<MetricSeries, 'timestamps' | 'values'> | undefined, start: number, end: number, periodSeconds: number): (number | null)[] {
  const step = periodSeconds * 1000;
  const count = Math.max(0, Math.ceil((end - start) / step));
  const out: (number | null)[] = new Array<number | null>(count).fill(null);
  if (!series) return out;
  for (let i = 0; i < series.timestamps.length && i < series.values.length; i++) {
    const offset = series.timestamps[i] - start;
    if (offset < 0 || offset % step !== 0) continue;
    const index = offset / step;
    const value = series.values[i];
    if (index < count && Number.isFinite(value)) out[index] = value;
  }
  return out;
}

/** Errors / Invocations in percent per period; null where nothing ran. */
export function errorRate(errors: readonly (number | null)[], invocations: readonly (number | null)[]): (number | null)[] {
  return invocations.map((n, i) => (n !== null && n > 0 ? ((errors[i] ?? 0) / n) * 100 : null));
}

export interface ShapedMonitor {
  charts: ChartData[];
  totals: MonitorTotals;
}

const total = (values: readonly number[] | undefined) => (values ?? []).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);

/** Chart data and totals from the series GetMetricData answered. */
export function shapeResults(plan: MonitorPlan, results: readonly MetricSeries[], start: number, end: number, periodSeconds: number): ShapedMonitor {
  const byId = new Map(results.map((r) => [r.id, r]));
  const x = periodStarts(start, end, periodSeconds).map((t) => t / 1000);
  const grid = (id: string) => onGrid(byId.get(id), start, end, periodSeconds);
  const charts = plan.charts.map(({ spec, series }): ChartData => ({
    id: spec.id,
    title: spec.title,
    x,
    detail: describeStats(spec, periodSeconds),
    series: series.map((s): ChartSeries => ({
      label: s.label, unit: s.unit, color: s.color, ...(s.dashed ? { dashed: true } : {}),
      values: s.denominatorId ? errorRate(grid(s.queryId), grid(s.denominatorId)) : grid(s.queryId),
    })),
  }));
  const values = (id: string) => byId.get(id)?.values;
  const p99 = values(plan.totals.p99Ms) ?? [];
  const totals: MonitorTotals = {
    invocations: total(values(plan.totals.invocations)),
    errors: total(values(plan.totals.errors)),
    throttles: total(values(plan.totals.throttles)),
    durationMs: total(values(plan.totals.durationMs)),
    ...(p99.length > 0 ? { p99Ms: Math.max(...p99) } : {}),
  };
  return { charts, totals };
}

function describeStats(spec: ChartSpec, periodSeconds: number): string {
  const per = periodSeconds % 3600 === 0 ? `${periodSeconds / 3600} h` : `${periodSeconds / 60} min`;
  const stats = spec.stats.map((s) => s.stat).join(', ');
  return `${spec.metric} · ${stats}${spec.errorRate ? '; error rate = Errors ÷ Invocations' : ''} · per ${per}`;
}
