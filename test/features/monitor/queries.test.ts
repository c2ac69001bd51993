import * as assert from 'node:assert/strict';
import { GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { MetricsApi, type CloudWatchSender, type ListedMetric } from '../../../src/aws/cloudwatch';
import { customConnection, type ConnectionSpec } from '../../../src/aws/connections';
import {
  availableSplits, CHARTS, chartsFor, errorRate, onGrid, planQueries, QUERY_ID, qualifierKind, readListing, shapeResults, splitLines, subjectDimensions,
} from '../../../src/features/monitor/queries';
import { validate } from '../../../src/workbench/panel/validate';
import { monitorProtocol } from '../../../src/features/monitor/protocol';

const fn = 'orders';
const listed = (metricName: string, dimensions: Record<string, string>): ListedMetric => ({ namespace: 'AWS/Lambda', metricName, dimensions });

/** What ListMetrics lists after calls through alias live (versions 1 and 2 ran) and of version 3 by name. */
const LISTING = readListing(fn, [
  listed('Invocations', {}),
  listed('Invocations', { FunctionName: fn }),
  listed('Invocations', { FunctionName: fn, Resource: `${fn}:live` }),
  listed('Invocations', { FunctionName: fn, Resource: `${fn}:3` }),
  listed('Invocations', { FunctionName: fn, Resource: `${fn}:live`, ExecutedVersion: '2' }),
  listed('Invocations', { FunctionName: fn, Resource: `${fn}:live`, ExecutedVersion: '10' }),
  listed('Invocations', { FunctionName: fn, Resource: `${fn}:live`, ExecutedVersion: '1' }),
  listed('Invocations', { FunctionName: fn, ExecutedVersion: '1' }),
  listed('AsyncEventsReceived', { FunctionName: fn }),
  listed('IteratorAge', { FunctionName: 'other' }),
]);

describe('features/monitor queries: what is asked and how answers become lines', () => {
  it('reads which aliases, versions and metrics exist from ListMetrics', () => {
    assert.deepEqual(LISTING.resources, ['3', 'live']);
    assert.deepEqual([...LISTING.executed], [['live', ['1', '2', '10']]]);
    assert.ok(LISTING.metricNames.has('AsyncEventsReceived'));
    assert.ok(!LISTING.metricNames.has('IteratorAge'), "another function's metric does not count");
    const ids = chartsFor(LISTING).map((c) => c.id);
    assert.deepEqual(ids, ['invocations', 'errors', 'throttles', 'duration', 'concurrency', 'asyncEventsReceived']);
  });

  it('selects a function by FunctionName, a version or alias by FunctionName + Resource', () => {
    assert.deepEqual(subjectDimensions({ functionName: fn }), { FunctionName: fn });
    assert.deepEqual(subjectDimensions({ functionName: fn, qualifier: 'live' }), { FunctionName: fn, Resource: `${fn}:live` });
    assert.deepEqual([qualifierKind(undefined), qualifierKind('$LATEST'), qualifierKind('12'), qualifierKind('live')], ['function', 'version', 'version', 'alias']);
  });

  it('splits an alias by the versions that ran (FunctionName + Resource + ExecutedVersion), one line per version', () => {
    const alias = { functionName: fn, qualifier: 'live' };
    assert.deepEqual(availableSplits(alias, LISTING), ['none', 'version']);
    assert.deepEqual(splitLines(alias, 'version', LISTING), ['1', '2', '10'].map((v) => ({
      label: `version ${v}`, dimensions: { FunctionName: fn, Resource: `${fn}:live`, ExecutedVersion: v },
    })));
    const whole = { functionName: fn };
    assert.deepEqual(availableSplits(whole, LISTING), ['none', 'resource', 'version']);
    assert.deepEqual(splitLines(whole, 'resource', LISTING).map((l) => l.label), ['3', 'live']);
    assert.deepEqual(splitLines(whole, 'version', LISTING).map((l) => l.label), ['live → 1', 'live → 2', 'live → 10']);
    assert.deepEqual(availableSplits({ functionName: fn, qualifier: '3' }, LISTING), ['none'], 'a version has nothing to split');
    assert.deepEqual(splitLines({ functionName: fn, qualifier: '3' }, 'version', LISTING), [{ label: `${fn}:3`, dimensions: { FunctionName: fn, Resource: `${fn}:3` } }]);
  });

  it('asks each metric, statistic and dimension set once, with ids CloudWatch accepts', () => {
    const subject = { functionName: fn, qualifier: 'live' };
    const plan = planQueries(subject, splitLines(subject, 'none', LISTING), chartsFor(LISTING), 60);
    const keys = plan.queries.map((q) => JSON.stringify([q.metricName, q.stat, q.dimensions]));
    assert.equal(new Set(keys).size, keys.length, 'no query twice');
    assert.equal(new Set(plan.queries.map((q) => q.id)).size, plan.queries.length);
    for (const q of plan.queries) {
      assert.match(q.id, QUERY_ID);
      assert.equal(q.period, 60);
      assert.deepEqual(q.dimensions, { FunctionName: fn, Resource: `${fn}:live` });
    }
    const duration = plan.charts.find((c) => c.spec.id === 'duration');
    assert.deepEqual(duration?.series.map((s) => s.label), ['Average', 'p50', 'p90', 'p99', 'Maximum']);
    const errors = plan.charts.find((c) => c.spec.id === 'errors');
    assert.deepEqual(errors?.series.map((s) => [s.label, s.unit]), [['Errors', 'count'], ['Error rate', 'percent']]);
    // Errors Sum and Invocations Sum serve the charts, the error rate and the totals alike.
    assert.equal(errors?.series[1].queryId, errors?.series[0].queryId);
    assert.equal(plan.totals.invocations, plan.charts[0].series[0].queryId);
  });

  it('sends a split of 100 versions (over 500 queries) in calls of at most 500 through the facade', async () => {
    const many = readListing(fn, Array.from({ length: 100 }, (_, i) => listed('Invocations', { FunctionName: fn, Resource: `${fn}:live`, ExecutedVersion: String(i + 1) })));
    const subject = { functionName: fn, qualifier: 'live' };
    const plan = planQueries(subject, splitLines(subject, 'version', many), CHARTS.filter((c) => !c.optional), 60);
    assert.ok(plan.queries.length > 500, `${plan.queries.length} queries`);
    const calls: GetMetricDataCommandInput[] = [];
    const stub: CloudWatchSender = {
      send(command: unknown) {
        assert.ok(command instanceof GetMetricDataCommand);
        calls.push(command.input);
        return Promise.resolve({ MetricDataResults: (command.input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, Timestamps: [], Values: [], StatusCode: 'Complete' })) });
      },
    };
    const api = new MetricsApi(customConnection({ name: 'x', endpoint: 'http://127.0.0.1:9' }) as ConnectionSpec, 'us-east-1', () => Promise.resolve(stub));
    const series = await api.getMetricData(plan.queries, 0, 3_600_000);
    assert.ok(calls.length >= 2);
    assert.ok(calls.every((c) => (c.MetricDataQueries?.length ?? 0) <= 500));
    assert.equal(calls.reduce((n, c) => n + (c.MetricDataQueries?.length ?? 0), 0), plan.queries.length);
    assert.equal(series.length, plan.queries.length);
    const invocations = plan.charts.find((c) => c.spec.id === 'invocations');
    assert.equal(invocations?.series.length, 100, 'one line per version');
  });

  it('puts a newest-first answer on the ascending period grid, missing periods as null', () => {
    const start = 600_000;
    const end = start + 5 * 60_000;
    const values = onGrid({ timestamps: [start + 4 * 60_000, start + 2 * 60_000, start, start + 90_000, start - 60_000], values: [4, 2, 7, 99, 5] }, start, end, 60);
    assert.deepEqual(values, [7, null, 2, null, 4], 'off-grid and out-of-range points are dropped');
    assert.deepEqual(onGrid(undefined, start, end, 60), [null, null, null, null, null]);
    assert.deepEqual(errorRate([1, null, 0, null], [4, null, 5, 0]), [25, null, 0, null]);
  });

  it('shapes results into charts and totals', () => {
    const subject = { functionName: fn };
    const plan = planQueries(subject, splitLines(subject, 'none', LISTING), chartsFor(LISTING), 60);
    const start = 0;
    const end = 3 * 60_000;
    const id = (metric: string, stat: string) => plan.queries.find((q) => q.metricName === metric && q.stat === stat)?.id ?? '';
    const shaped = shapeResults(plan, [
      { id: id('Invocations', 'Sum'), label: '', timestamps: [120_000, 0], values: [3, 1], status: 'Complete', messages: [] },
      { id: id('Errors', 'Sum'), label: '', timestamps: [120_000, 0], values: [1, 0], status: 'Complete', messages: [] },
      { id: id('Duration', 'Sum'), label: '', timestamps: [120_000, 0], values: [300, 50], status: 'Complete', messages: [] },
      { id: id('Duration', 'p99'), label: '', timestamps: [120_000, 0], values: [140, 50], status: 'Complete', messages: [] },
    ], start, end, 60);
    assert.deepEqual(shaped.totals, { invocations: 4, errors: 1, throttles: 0, durationMs: 350, p99Ms: 140 });
    const invocations = shaped.charts.find((c) => c.id === 'invocations');
    assert.deepEqual(invocations?.x, [0, 60, 120]);
    assert.deepEqual(invocations?.series[0].values, [1, null, 3]);
    const rate = shaped.charts.find((c) => c.id === 'errors')?.series[1];
    assert.deepEqual(rate?.values.map((v) => (v === null ? null : Math.round(v * 100) / 100)), [0, null, 33.33]);
  });

  it('validates the load message: presets, custom epoch ms, known splits only', () => {
    const schema = monitorProtocol.requests.load.schema as never;
    assert.deepEqual(validate(schema, { range: { preset: '3h' }, split: 'version' }, 'load'), { range: { preset: '3h' }, split: 'version' });
    const custom = { range: { preset: 'custom', start: 1_767_225_600_000, end: 1_767_229_200_000 }, split: 'none' };
    assert.deepEqual(validate(schema, custom, 'load'), custom);
    for (const bad of [
      { range: { preset: '2h' }, split: 'none' },
      { range: { preset: 'custom', start: 1_767_225_600_000 }, split: 'none' },
      { range: { preset: 'custom', start: 'yesterday', end: 1_767_229_200_000 }, split: 'none' },
      { range: { preset: 'custom', start: 1.5e12 + 0.5, end: 1.6e12 }, split: 'none' },
      { range: { preset: '1h' }, split: 'everything' },
      { range: { preset: '1h', start: 1 }, split: 'none' },
      { range: { preset: '1h' }, split: 'none', extra: true },
    ]) {
      assert.throws(() => validate(schema, bad, 'load'), /Rejected load from the panel/, JSON.stringify(bad));
    }
  });
});
