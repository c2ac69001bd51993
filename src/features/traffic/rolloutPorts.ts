/** The rollout runner's ports on top of the Lambda, CloudWatch Logs and CloudWatch metrics operations. No VS Code. */
import type { MetricQuery, MetricSeries } from '../../aws/cloudwatch';
import type { LambdaApi } from '../../aws/lambda';
import { LogGroupNotFoundError, type LogsApi } from '../../aws/logs';
import { routingOf, routingRequest } from './routing';
import type { RolloutAliasPort, RolloutInvokePort, RolloutLogPort, RolloutMetricsPort } from './rolloutRunner';

export function aliasPort(api: LambdaApi, functionName: string, aliasName: string): RolloutAliasPort {
  return {
    async read() {
      const alias = await api.getAlias(functionName, aliasName);
      return { routing: routingOf(alias), revisionId: alias.RevisionId };
    },
    async write(routing, revisionId) {
      const alias = await api.updateAlias(functionName, aliasName, { routing: routingRequest(routing), revisionId });
      return { routing: routingOf(alias), revisionId: alias.RevisionId };
    },
  };
}

/** Reads at most this many events per check; more means very heavy traffic, and the newest still count next time. */
const MAX_EVENTS_PER_READ = 10_000;

export function logGroupPort(logs: LogsApi, logGroupName: string, log?: (line: string) => void): RolloutLogPort {
  return {
    async read(startTime) {
      try {
        const result = await logs.filterLogEvents({ logGroupName, startTime, maxEvents: MAX_EVENTS_PER_READ });
        if (result.truncated) log?.(`More than ${MAX_EVENTS_PER_READ} log events in ${logGroupName} since the last check; only the first were counted.`);
        return result.events;
      } catch (error) {
        // The group appears with the first invocation: no group yet means no calls yet.
        if (error instanceof LogGroupNotFoundError) return [];
        throw error;
      }
    },
  };
}

export function invokePort(api: LambdaApi, functionName: string): RolloutInvokePort {
  return {
    async invoke(version, payload) {
      const out = await api.invoke({ functionName, qualifier: version, payload, invocationType: 'RequestResponse' });
      return { requestId: out.requestId, failed: out.functionError !== undefined };
    },
  };
}

/** What the metrics port needs of CloudWatch: MetricsApi.getMetricData. */
export interface MetricReads {
  getMetricData(queries: readonly MetricQuery[], start: number, end: number): Promise<MetricSeries[]>;
}

/**
 * Invocations and Errors (Sum per minute) of one version run through the alias: the dimension
 * set FunctionName + Resource "fn:alias" + ExecutedVersion, which Lambda publishes for calls
 * made through an alias. Minutes without calls have no data point.
 */
export function metricsPort(metrics: MetricReads, functionName: string, aliasName: string, delayMs: number): RolloutMetricsPort {
  return {
    delayMs,
    async read(versions, start, end) {
      const queries = versions.flatMap((version, i) => {
        const dimensions = { FunctionName: functionName, Resource: `${functionName}:${aliasName}`, ExecutedVersion: version };
        return [
          { id: `invocations${i}`, metricName: 'Invocations', dimensions, period: 60, stat: 'Sum' },
          { id: `errors${i}`, metricName: 'Errors', dimensions, period: 60, stat: 'Sum' },
        ];
      });
      const byId = new Map((await metrics.getMetricData(queries, start, end)).map((s) => [s.id, s]));
      const sum = (series: MetricSeries | undefined) => (series?.values ?? []).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
      return versions.map((_, i) => {
        const invocations = byId.get(`invocations${i}`);
        return { invocations: sum(invocations), errors: sum(byId.get(`errors${i}`)), minutes: (invocations?.values ?? []).filter((v) => v > 0).length };
      });
    },
  };
}
