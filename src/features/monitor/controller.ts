import { WorkbenchError } from '../../aws/errors';
import type { MetricsApi } from '../../aws/cloudwatch';
import { errorMessage } from '../../shared/errors';
import type { RequestHandlers } from '../../shared/protocol';
import type { TabController, TabHost } from '../../workbench/panel/tab';
import { monitorProtocol, type LoadParams, type MonitorData, type MonitorProblem, type MonitorProtocol } from './protocol';
import { availableSplits, CHARTS, chartsFor, NAMESPACE, planQueries, readListing, shapeResults, splitLines, type MetricListing, type MonitorSubject } from './queries';

const EMPTY_LISTING: MetricListing = { metricNames: new Set(), resources: [], executed: new Map() };
import { resolveRange } from './ranges';
import { costView, type FunctionSizing } from './cost';

/**
 * How often a visible Monitor tab reads again: CloudWatch keeps Lambda's metrics per minute and
 * shows them a minute or two late, so once a minute; the Local Lambda has them at once.
 */
export const REFRESH_SECONDS = { aws: 60, local: 10 } as const;

/** How long the function's memory and architecture are reused before they are read again. */
const SIZING_TTL_MS = 5 * 60_000;

type Operation = 'ListMetrics' | 'GetMetricData';

/** What went wrong, in the words of the empty state. */
export function problemOf(error: unknown, operation: Operation, where: string): MonitorProblem {
  const action = `cloudwatch:${operation}`;
  if (error instanceof WorkbenchError) {
    if (error.kind === 'accessDenied') {
      return { kind: 'accessDenied', action, message: `${error.message} Grant ${action} (and cloudwatch:${operation === 'ListMetrics' ? 'GetMetricData' : 'ListMetrics'}) to see the charts.` };
    }
    if (error.kind === 'service' && /does not offer the CloudWatch metrics API|does not support (GetMetricData|ListMetrics)/.test(error.message)) {
      return { kind: 'noCloudWatch', message: `${where} does not offer the CloudWatch metrics API, so there are no charts for it. (${error.message})` };
    }
  }
  return { kind: 'failed', message: `Could not read the metrics (${operation}): ${errorMessage(error)}` };
}

/**
 * The Monitor tab: reads which metrics exist (ListMetrics), then the charts' series for the
 * range and split (GetMetricData through the facade, which splits and pages), and answers the
 * view's load with chart-ready data. The view asks again on its own timer while it is visible.
 */
export class MonitorController implements TabController<MonitorProtocol> {
  readonly protocol = monitorProtocol;
  private last: MonitorData | null = null;
  private inFlight?: AbortController;
  private disposed = false;
  private sizing?: { at: number; value: Promise<FunctionSizing> };

  constructor(private readonly host: TabHost<MonitorProtocol>, private readonly now: () => number = Date.now) {}

  readonly requests: RequestHandlers<MonitorProtocol> = {
    load: (params) => this.load(params),
    snapshot: () => this.last,
  };

  onVisibilityChanged(visible: boolean): void {
    if (!visible) this.abort();
  }

  private get subject(): MonitorSubject {
    const { functionName, qualifier } = this.host.target;
    return { functionName, ...(qualifier ? { qualifier } : {}) };
  }

  private get where(): string {
    const t = this.host.target;
    return t.connectionKind === 'custom' ? `The custom endpoint ${t.connectionLabel}` : t.connectionKind === 'local' ? 'The Local Lambda' : `CloudWatch in ${t.region}`;
  }

  private abort(): void {
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  async load(params: LoadParams): Promise<MonitorData> {
    this.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const now = this.now();
    const subject = this.subject;
    const name = subject.qualifier ? `${subject.functionName}:${subject.qualifier}` : subject.functionName;
    const refreshSeconds = this.host.target.connectionKind === 'local' ? REFRESH_SECONDS.local : REFRESH_SECONDS.aws;
    const base = (range: MonitorData['range'], extra: Partial<MonitorData>): MonitorData => ({
      subject: name, range, split: params.split, splits: ['none'], charts: [], totals: { invocations: 0, errors: 0, throttles: 0, durationMs: 0 },
      refreshSeconds, fetchedAt: now, ...extra,
    });
    const resolved = resolveRange(params.range, now);
    if (!resolved.ok) {
      return this.keep(base({ start: now, end: now, periodSeconds: 60, label: 'Range refused' }, { problem: { kind: 'refused', message: resolved.reason } }));
    }
    const { range } = resolved;
    const rangeView = { start: range.start, end: range.end, periodSeconds: range.periodSeconds, label: range.label, ...(range.note ? { note: range.note } : {}) };
    // Read beside the metrics, for the cost estimate.
    const sizing = this.readSizing();
    sizing.catch(() => undefined); // a failure is reported with the estimate
    let metrics: MetricsApi;
    try {
      metrics = await (await this.host.connection()).metrics();
    } catch (error) {
      return this.keep(base(rangeView, { problem: { kind: 'failed', message: errorMessage(error) } }));
    }
    // With no split the core charts need nothing from ListMetrics: read both at once.
    const core = CHARTS.filter((c) => !c.optional);
    const early = params.split === 'none' ? planQueries(subject, splitLines(subject, 'none', EMPTY_LISTING), core, range.periodSeconds) : undefined;
    const earlyResults = early ? metrics.getMetricData(early.queries, range.start, range.end, { signal: controller.signal }) : undefined;
    earlyResults?.catch(() => undefined); // awaited below; this only keeps a failure from going unhandled meanwhile
    let listing;
    try {
      const listed = await metrics.listMetrics({ namespace: NAMESPACE, dimensions: [{ name: 'FunctionName', value: subject.functionName }] });
      listing = readListing(subject.functionName, listed.metrics);
    } catch (error) {
      controller.abort();
      return this.keep(base(rangeView, { problem: problemOf(error, 'ListMetrics', this.where) }));
    }
    const splits = availableSplits(subject, listing);
    const split = splits.includes(params.split) ? params.split : 'none';
    const lines = splitLines(subject, split, listing);
    const charts = chartsFor(listing);
    // What is left to read: everything, or after the early read only the optional charts that exist.
    const plan = early && split === 'none' ? planQueries(subject, lines, charts.filter((c) => c.optional), range.periodSeconds, { totals: false }) : planQueries(subject, lines, charts, range.periodSeconds);
    let results;
    let firstResults;
    try {
      [firstResults, results] = await Promise.all([
        split === 'none' ? earlyResults : undefined,
        plan.charts.length > 0 ? metrics.getMetricData(plan.queries, range.start, range.end, { signal: controller.signal }) : Promise.resolve([]),
      ]);
    } catch (error) {
      if (controller.signal.aborted || this.disposed) throw new Error('Cancelled: a newer load replaced this one.', { cause: error });
      return this.keep(base(rangeView, { splits, split, problem: problemOf(error, 'GetMetricData', this.where) }));
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined;
    }
    const shapedFirst = early && firstResults ? shapeResults(early, firstResults, range.start, range.end, range.periodSeconds) : undefined;
    const shapedRest = shapeResults(plan, results, range.start, range.end, range.periodSeconds);
    const shaped = shapedFirst ? { charts: [...shapedFirst.charts, ...shapedRest.charts], totals: shapedFirst.totals } : shapedRest;
    const data = base(rangeView, { splits, split, charts: shaped.charts, totals: shaped.totals });
    if (shaped.totals.invocations === 0 && shaped.totals.throttles === 0) {
      const delay = this.host.target.connectionKind === 'local' ? '' : ' CloudWatch shows an invocation a minute or two after it ran.';
      data.problem = { kind: 'noData', message: `No invocations of ${name} in this range (${range.label.split(' · ')[0].toLowerCase()}).${delay} Invoke it, or choose a longer range.` };
    }
    if (!data.problem) data.cost = await this.cost(data, sizing, Math.min(range.end, now) - range.start);
    return this.keep(data);
  }

  /** The function's memory and architecture, as the target (a version or alias: its own) is configured. */
  private readSizing(): Promise<FunctionSizing> {
    const now = this.now();
    if (this.sizing && now - this.sizing.at < SIZING_TTL_MS) return this.sizing.value;
    const { functionName, qualifier } = this.host.target;
    const value = Promise.resolve().then(() => this.host.lambda()).then((api) => api.getFunctionConfiguration(functionName, qualifier)).then((c): FunctionSizing => ({
      memorySizeMb: c.MemorySize ?? 128,
      architecture: c.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
      ...(c.EphemeralStorage?.Size ? { ephemeralStorageMb: c.EphemeralStorage.Size } : {}),
    }));
    this.sizing = { at: now, value };
    value.catch(() => {
      if (this.sizing?.value === value) this.sizing = undefined;
    });
    return value;
  }

  private async cost(data: MonitorData, sizingRead: Promise<FunctionSizing>, rangeMs: number): Promise<MonitorData['cost']> {
    try {
      const sizing = await sizingRead;
      return costView({
        region: this.host.target.region, sizing, invocations: data.totals.invocations, durationMs: data.totals.durationMs, rangeMs,
        local: this.host.target.connectionKind === 'local',
      });
    } catch (error) {
      return { summary: 'not available', lines: [], note: `No cost estimate: the function's memory and architecture could not be read (${errorMessage(error)}).` };
    }
  }

  private keep(data: MonitorData): MonitorData {
    if (data.problem && data.problem.kind !== 'noData') this.host.log.warn(`Monitor of ${data.subject}: ${data.problem.message}`);
    this.last = data;
    return data;
  }

  dispose(): void {
    this.disposed = true;
    this.abort();
  }
}

export function createMonitorTab(host: TabHost<MonitorProtocol>): MonitorController {
  return new MonitorController(host);
}
