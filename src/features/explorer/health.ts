/**
 * The tree's health line: error rate and p99 duration of a function or alias over the last hour,
 * read from CloudWatch (AWS/Lambda Invocations, Errors and Duration) for the nodes the tree has
 * shown, many nodes per GetMetricData call, cached for a while. No VS Code: the model asks for a
 * node's line, gets what is cached at once, and hears later when a fresher one arrived.
 */
import type { MetricQuery, MetricSeries } from '../../aws/cloudwatch';
import { WorkbenchError } from '../../aws/errors';
import { errorMessage } from '../../shared/errors';
import type { Logger } from '../../shared/logger';

/** How long a line is shown before the next time the tree asks for it reads it again. */
export const HEALTH_TTL_MS = 5 * 60_000;
/** Nodes asked for within this long go in one batch (one render of the tree asks for all its rows at once). */
export const HEALTH_BATCH_DELAY_MS = 30;
const HOUR_MS = 60 * 60_000;
const MINUTE_MS = 60_000;

/** What one node's line is made of. */
export interface HealthStats {
  invocations: number;
  errors: number;
  /** p99 of Duration in ms; undefined without invocations. */
  p99Ms?: number;
}

/** The function, or one of its aliases, whose line is wanted. */
export interface HealthSubject {
  /** The tree node's id: the cache key and what is announced when the line changes. */
  id: string;
  connectionId: string;
  region: string;
  functionName: string;
  /** An alias name; undefined for the function (all its versions and aliases). */
  alias?: string;
}

/** "0.4%", "<0.1%", "12%": one decimal below 10 %, none above. */
export function formatErrorRate(errors: number, invocations: number): string {
  if (invocations <= 0 || errors <= 0) return '0%';
  const percent = (Math.min(errors, invocations) / invocations) * 100;
  if (percent < 0.1) return '<0.1%';
  if (percent >= 10) return `${Math.round(percent)}%`;
  return `${Number(percent.toFixed(1))}%`;
}

/** "212 ms", "<1 ms", "1.2 s", "180 s". */
export function formatDurationMs(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 100_000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** `0.4% err · p99 212 ms`; `idle` without invocations in the hour. */
export function formatHealth(stats: HealthStats): string {
  if (stats.invocations <= 0) return 'idle';
  const rate = `${formatErrorRate(stats.errors, stats.invocations)} err`;
  return stats.p99Ms === undefined ? rate : `${rate} · p99 ${formatDurationMs(stats.p99Ms)}`;
}

/** The last hour as one period: [end − 1 h, end), end the next whole minute (CloudWatch rounds StartTime down to the minute). */
export function lastHour(now: number): { start: number; end: number; period: number } {
  const end = Math.ceil(now / MINUTE_MS) * MINUTE_MS;
  return { start: end - HOUR_MS, end, period: HOUR_MS / 1000 };
}

/** The three queries of one node: `h<index>i`, `h<index>e`, `h<index>d`. */
export function healthQueries(index: number, subject: HealthSubject, period: number): MetricQuery[] {
  const dimensions: Record<string, string> = { FunctionName: subject.functionName };
  if (subject.alias !== undefined) dimensions.Resource = `${subject.functionName}:${subject.alias}`;
  return [
    { id: `h${index}i`, metricName: 'Invocations', dimensions, period, stat: 'Sum' },
    { id: `h${index}e`, metricName: 'Errors', dimensions, period, stat: 'Sum' },
    { id: `h${index}d`, metricName: 'Duration', dimensions, period, stat: 'p99' },
  ];
}

/**
 * One node's stats from its series. Sums add up over the points returned; should the hour come
 * back split in two points, the p99 shown is the larger of the two (never better than it was).
 */
export function healthOf(index: number, byId: ReadonlyMap<string, MetricSeries>): HealthStats {
  const sum = (id: string) => (byId.get(id)?.values ?? []).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const invocations = sum(`h${index}i`);
  const errors = sum(`h${index}e`);
  const durations = (byId.get(`h${index}d`)?.values ?? []).filter(Number.isFinite);
  return { invocations, errors, ...(invocations > 0 && durations.length > 0 ? { p99Ms: Math.max(...durations) } : {}) };
}

/** What the lines need of CloudWatch: MetricsApi.getMetricData. */
export interface HealthMetricsSource {
  getMetricData(queries: readonly MetricQuery[], start: number, end: number): Promise<MetricSeries[]>;
}

export interface HealthLinesDeps {
  /** The metric reads of a connection and region; undefined when it is not connected. */
  metrics(connectionId: string, region: string): Promise<HealthMetricsSource> | undefined;
  /** Called with the ids of subjects whose line (or off note) changed. */
  onDidUpdate(ids: string[]): void;
  log: Logger;
  now?: () => number;
  ttlMs?: number;
  batchDelayMs?: number;
}

interface Entry {
  stats?: HealthStats;
  fetchedAt: number;
}

interface Batch {
  queue: Map<string, HealthSubject>;
  timer?: ReturnType<typeof setTimeout>;
  inFlight?: Promise<void>;
}

/** Why the line is off for a connection and region (shown in the tooltips, said once in the log). */
export interface HealthOff {
  reason: string;
}

const scopeKey = (connectionId: string, region: string) => `${connectionId}\u0000${region}`;

export class HealthLines {
  private readonly entries = new Map<string, Entry>();
  private readonly batches = new Map<string, Batch>();
  private readonly off = new Map<string, HealthOff>();
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly batchDelayMs: number;
  private disposed = false;
  /** GetMetricData calls made, for tests and the bench. */
  calls = 0;

  constructor(private readonly deps: HealthLinesDeps) {
    this.now = deps.now ?? Date.now;
    this.ttlMs = deps.ttlMs ?? HEALTH_TTL_MS;
    this.batchDelayMs = deps.batchDelayMs ?? HEALTH_BATCH_DELAY_MS;
  }

  /**
   * The line of a subject as known now (undefined until the first read answers); asks for a read
   * when there is none or it is older than the TTL. Never waits.
   */
  lineFor(subject: HealthSubject): string | undefined {
    if (this.off.has(scopeKey(subject.connectionId, subject.region))) return undefined;
    const entry = this.entries.get(subject.id);
    if (!entry || this.now() - entry.fetchedAt >= this.ttlMs) this.enqueue(subject);
    return entry?.stats ? formatHealth(entry.stats) : undefined;
  }

  /** Stats of a subject as cached (for tests and tooltips). */
  statsFor(id: string): HealthStats | undefined {
    return this.entries.get(id)?.stats;
  }

  /** Why the line is off in a connection and region, if it is. */
  offIn(connectionId: string, region: string): HealthOff | undefined {
    return this.off.get(scopeKey(connectionId, region));
  }

  /** Forgets cached lines (and off notes) of one connection, or of all: the next ask reads again. */
  clear(connectionId?: string): void {
    const prefix = connectionId === undefined ? undefined : `${connectionId}\u0000`;
    for (const key of [...this.off.keys()]) if (!prefix || key.startsWith(prefix)) this.off.delete(key);
    if (!prefix) {
      this.entries.clear();
      return;
    }
    for (const [key, batch] of this.batches) if (key.startsWith(prefix)) batch.queue.clear();
    for (const id of [...this.entries.keys()]) if (id.startsWith(`conn/${connectionId}/`)) this.entries.delete(id);
  }

  dispose(): void {
    this.disposed = true;
    for (const batch of this.batches.values()) if (batch.timer) clearTimeout(batch.timer);
    this.batches.clear();
  }

  private enqueue(subject: HealthSubject): void {
    if (this.disposed) return;
    const key = scopeKey(subject.connectionId, subject.region);
    let batch = this.batches.get(key);
    if (!batch) this.batches.set(key, (batch = { queue: new Map() }));
    if (batch.queue.has(subject.id)) return;
    // Marked as read now, so asking again while the read runs does not queue it twice.
    const entry = this.entries.get(subject.id);
    this.entries.set(subject.id, { stats: entry?.stats, fetchedAt: this.now() });
    batch.queue.set(subject.id, subject);
    this.schedule(key, batch);
  }

  private schedule(key: string, batch: Batch): void {
    if (batch.timer || batch.inFlight) return;
    batch.timer = setTimeout(() => {
      batch.timer = undefined;
      batch.inFlight = this.flush(key, batch).finally(() => {
        batch.inFlight = undefined;
        if (batch.queue.size > 0) this.schedule(key, batch);
      });
    }, this.batchDelayMs);
  }

  private async flush(key: string, batch: Batch): Promise<void> {
    const subjects = [...batch.queue.values()];
    batch.queue.clear();
    if (subjects.length === 0 || this.disposed) return;
    const { connectionId, region } = subjects[0];
    const window = lastHour(this.now());
    const queries = subjects.flatMap((s, i) => healthQueries(i, s, window.period));
    try {
      const source = this.deps.metrics(connectionId, region);
      if (!source) throw new WorkbenchError('service', 'Not connected.');
      this.calls++;
      const series = await (await source).getMetricData(queries, window.start, window.end);
      if (this.disposed) return;
      const byId = new Map(series.map((s) => [s.id, s]));
      const fetchedAt = this.now();
      subjects.forEach((s, i) => {
        const entry = this.entries.get(s.id);
        // Cleared (a refresh) while the read ran: the next ask reads again.
        if (entry) this.entries.set(s.id, { stats: healthOf(i, byId), fetchedAt: Math.min(entry.fetchedAt, fetchedAt) });
      });
      this.deps.onDidUpdate(subjects.map((s) => s.id));
    } catch (error) {
      if (this.disposed) return;
      if (error instanceof WorkbenchError && (error.kind === 'accessDenied' || error.kind === 'service' || error.kind === 'credentials')) {
        // The line goes off for the connection and region until a refresh; said once, never as a popup.
        const reason = error.kind === 'accessDenied'
          ? `${errorMessage(error)} Grant cloudwatch:GetMetricData to see error rate and p99 in the tree.`
          : errorMessage(error);
        if (!this.off.has(key)) {
          this.off.set(key, { reason });
          this.deps.log.warn(`Tree health line off for ${connectionId} in ${region}: ${reason}`);
        }
        for (const s of subjects) this.entries.delete(s.id);
        this.deps.onDidUpdate(subjects.map((s) => s.id));
        return;
      }
      // Anything else (network, throttling): logged; the nodes keep what they showed and are read again after the TTL.
      this.deps.log.warn(`Reading the tree health line in ${region} of ${connectionId} failed: ${errorMessage(error)}`);
    }
  }
}
