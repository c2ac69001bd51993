import type { CloudWatchClient, GetMetricDataCommandOutput, ListMetricsCommandOutput, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { createCloudWatchClient } from './clients';
import type { ConnectionSpec } from './connections';
import { toWorkbenchError, unsupportedOperation, WorkbenchError, type ErrorContext } from './errors';

/** GetMetricData takes at most 500 queries a call; more are split over several calls. */
export const QUERIES_PER_REQUEST = 500;
/** Pages followed per call before giving up (a page holds up to 100,800 points). */
const MAX_PAGES = 100;
const MAX_LIST_PAGES = 50;

/** One metric and statistic to read, as the Monitor charts ask for them. */
export interface MetricQuery {
  /** Unique within one getMetricData call; CloudWatch's rule: a lowercase letter, then letters, digits and "_". */
  id: string;
  /** Default AWS/Lambda. */
  namespace?: string;
  metricName: string;
  /** Dimension name → value (none: the account-wide metric). */
  dimensions?: Readonly<Record<string, string>>;
  /** Seconds: 60 or a multiple of it. */
  period: number;
  /** Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p99. */
  stat: string;
  unit?: string;
  label?: string;
}

export interface MetricSeries {
  id: string;
  label: string;
  /** Epoch ms, in the order asked for (newest first by default). */
  timestamps: number[];
  values: number[];
  /** 'Complete', or what CloudWatch said when some data is missing (PartialData, InternalError, Forbidden). */
  status: string;
  messages: string[];
}

export interface ListedMetric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

export interface ListMetricsRequest {
  namespace?: string;
  metricName?: string;
  /** Dimensions the metric must have; a value of undefined matches any value. */
  dimensions?: Array<{ name: string; value?: string }>;
  /** Only metrics with data in the last three hours. */
  recentlyActive?: boolean;
}

/** What the facade needs of a client: tests pass a stub. */
export interface CloudWatchSender {
  send(command: unknown): Promise<unknown>;
}

/** CloudWatch's metric reads for one connection and region; errors become WorkbenchErrors. */
export class MetricsApi {
  private client?: Promise<CloudWatchSender>;
  private readonly errorContext: ErrorContext;

  constructor(
    readonly spec: ConnectionSpec,
    readonly region: string,
    private readonly makeClient: () => Promise<CloudWatchSender> = () => createCloudWatchClient(spec, region) as Promise<CloudWatchClient>,
  ) {
    this.errorContext = { profile: spec.profile?.name, sso: spec.profile?.sso, endpoint: spec.endpoint, region };
  }

  private async sdk(): Promise<[CloudWatchSender, typeof import('@aws-sdk/client-cloudwatch')]> {
    const client = this.client ??= this.makeClient().catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
    return Promise.all([client, import('@aws-sdk/client-cloudwatch')]);
  }

  /**
   * The series of every query over [start, end), in the order given. Over 500 queries go in
   * several calls; each call's NextToken pages are followed and joined.
   */
  async getMetricData(queries: readonly MetricQuery[], start: Date | number, end: Date | number,
    options: { scanBy?: 'TimestampDescending' | 'TimestampAscending'; signal?: AbortSignal } = {}): Promise<MetricSeries[]> {
    const byId = new Map<string, MetricSeries>();
    for (const q of queries) {
      if (byId.has(q.id)) throw new WorkbenchError('service', `Two metric queries have the id ${q.id}; each needs its own.`);
      byId.set(q.id, { id: q.id, label: q.label ?? q.metricName, timestamps: [], values: [], status: 'Complete', messages: [] });
    }
    const startTime = new Date(start);
    const endTime = new Date(end);
    try {
      const [client, sdk] = await this.sdk();
      for (let from = 0; from < queries.length; from += QUERIES_PER_REQUEST) {
        const chunk = queries.slice(from, from + QUERIES_PER_REQUEST).map(toQuery);
        let nextToken: string | undefined;
        let pages = 0;
        do {
          if (options.signal?.aborted) throw options.signal.reason ?? new Error('Aborted');
          const out = await client.send(new sdk.GetMetricDataCommand({
            MetricDataQueries: chunk, StartTime: startTime, EndTime: endTime, ScanBy: options.scanBy, NextToken: nextToken,
          })) as GetMetricDataCommandOutput;
          for (const result of out.MetricDataResults ?? []) {
            const series = result.Id !== undefined ? byId.get(result.Id) : undefined;
            if (!series) continue;
            if (result.Label) series.label = result.Label;
            series.timestamps.push(...(result.Timestamps ?? []).map((d) => new Date(d).getTime()));
            series.values.push(...(result.Values ?? []));
            // The last page's status stands: PartialData on earlier pages only means "more follows".
            series.status = result.StatusCode ?? series.status;
            series.messages.push(...(result.Messages ?? []).map((m) => m.Value ?? m.Code ?? '').filter(Boolean));
          }
          nextToken = out.NextToken || undefined;
          pages++;
        } while (nextToken && pages < MAX_PAGES);
        if (nextToken) {
          for (const q of chunk) {
            const series = byId.get(q.Id ?? '');
            if (series) series.status = 'PartialData';
          }
        }
      }
    } catch (error) {
      throw this.mapError(error, 'GetMetricData');
    }
    return [...byId.values()];
  }

  /** The metrics that have data (within two weeks, or three hours when recentlyActive), following NextToken (bounded). */
  async listMetrics(request: ListMetricsRequest = {}): Promise<{ metrics: ListedMetric[]; more: boolean }> {
    const metrics: ListedMetric[] = [];
    let nextToken: string | undefined;
    try {
      const [client, sdk] = await this.sdk();
      let pages = 0;
      do {
        const out = await client.send(new sdk.ListMetricsCommand({
          Namespace: request.namespace, MetricName: request.metricName,
          Dimensions: request.dimensions?.map((d) => ({ Name: d.name, Value: d.value })),
          RecentlyActive: request.recentlyActive ? 'PT3H' : undefined, NextToken: nextToken,
        })) as ListMetricsCommandOutput;
        for (const m of out.Metrics ?? []) {
          metrics.push({
            namespace: m.Namespace ?? '', metricName: m.MetricName ?? '',
            dimensions: Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
          });
        }
        nextToken = out.NextToken || undefined;
        pages++;
      } while (nextToken && pages < MAX_LIST_PAGES);
    } catch (error) {
      throw this.mapError(error, 'ListMetrics');
    }
    return { metrics, more: nextToken !== undefined };
  }

  dispose(): void {
    const client = this.client;
    this.client = undefined;
    void client?.then((c) => (c as { destroy?: () => void }).destroy?.()).catch(() => undefined);
  }

  private mapError(error: unknown, operation: 'GetMetricData' | 'ListMetrics'): WorkbenchError {
    if (error instanceof WorkbenchError) return error;
    const e = (typeof error === 'object' && error !== null ? error : {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const endpoint = this.errorContext.endpoint ?? `monitoring.${this.region}.amazonaws.com`;
    const action = `cloudwatch:${operation}`;
    // An endpoint that routes the request to another service says so through the signature's scope.
    const otherService = e.name === 'InvalidSignatureException' && /scoped to correct service/i.test(e.message ?? '');
    const unsupported = unsupportedOperation(error, operation);
    if (otherService || unsupported) {
      return new WorkbenchError('service', `${endpoint} does not offer the CloudWatch metrics API (${operation}): ${unsupported ?? e.message}`, error);
    }
    if (e.name === 'AccessDeniedException' || e.name === 'AccessDenied' || (e.$metadata?.httpStatusCode === 403 && !/signature|credential|token/i.test(e.name ?? ''))) {
      const who = this.errorContext.profile ? `Profile ${this.errorContext.profile}` : 'These credentials';
      return new WorkbenchError('accessDenied', `${who} may not read CloudWatch metrics: ${action} is not allowed (${e.message ?? e.name}).`, error);
    }
    return toWorkbenchError(error, { ...this.errorContext, operation, endpoint });
  }
}

function toQuery(q: MetricQuery): MetricDataQuery {
  return {
    Id: q.id,
    ...(q.label !== undefined ? { Label: q.label } : {}),
    MetricStat: {
      Metric: {
        Namespace: q.namespace ?? 'AWS/Lambda', MetricName: q.metricName,
        Dimensions: Object.entries(q.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: q.period, Stat: q.stat, ...(q.unit !== undefined ? { Unit: q.unit as never } : {}),
    },
  };
}
