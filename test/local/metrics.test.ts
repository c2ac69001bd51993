import * as assert from 'node:assert/strict';
import {
  CreateAliasCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, DeleteFunctionConcurrencyCommand, InvokeCommand, PublishVersionCommand,
  PutFunctionConcurrencyCommand, UpdateFunctionCodeCommand, type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import {
  GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand, type Dimension, type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { parseReports } from '../../src/shared/lambda/report';
import { makeZip, startTestLocal, type TestLocal } from './helpers';

const ROLE = 'arn:aws:iam::123456789012:role/test-role';
const HANDLER = [
  'exports.handler = async (event) => {',
  '  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));',
  '  if (event.fail) throw new Error("asked to fail");',
  '  return { ok: true };',
  '};',
].join('\n');
const HOUR = 3600;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until at least `marginMs` is left in the current period, so what runs next lands in one period. */
async function insideOnePeriod(periodSeconds: number, marginMs: number): Promise<void> {
  const left = periodSeconds * 1000 - (Date.now() % (periodSeconds * 1000));
  if (left < marginMs) await sleep(left + 50);
}

function durationOf(res: InvokeCommandOutput): number {
  const log = Buffer.from(res.LogResult ?? '', 'base64').toString('utf8');
  const [report] = parseReports(log);
  assert.ok(report, `a REPORT line in ${log}`);
  return report.durationMs;
}

function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

const fnDims = (name: string): Dimension[] => [{ Name: 'FunctionName', Value: name }];

function query(id: string, metricName: string, stat: string, dimensions: Dimension[], period = HOUR): MetricDataQuery {
  return { Id: id, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metricName, Dimensions: dimensions }, Period: period, Stat: stat } };
}

/** The sum of a result's values (0 when it has none). */
function total(out: GetMetricDataCommandOutput, id: string): number {
  const result = out.MetricDataResults?.find((r) => r.Id === id);
  assert.ok(result, `a result for ${id}`);
  return (result.Values ?? []).reduce((a, b) => a + b, 0);
}

function single(out: GetMetricDataCommandOutput, id: string): number {
  const result = out.MetricDataResults?.find((r) => r.Id === id);
  assert.equal(result?.Values?.length, 1, `one data point for ${id}: ${JSON.stringify(result)}`);
  return result.Values[0];
}

describe('Local Lambda CloudWatch metrics', function () {
  this.timeout(60_000);
  let t: TestLocal;
  const window = () => ({ StartTime: new Date(Date.now() - 2 * HOUR * 1000), EndTime: new Date(Date.now() + 60_000) });
  const durations: number[] = [];
  let invocations = 0;
  let errors = 0;
  let throttles = 0;

  before(async () => {
    t = await startTestLocal();
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'metered', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'index.js': HANDLER }) },
    }));
    await insideOnePeriod(HOUR, 40_000);
    const invoke = async (event: unknown) => {
      const res = await t.lambda.send(new InvokeCommand({ FunctionName: 'metered', Payload: JSON.stringify(event), LogType: 'Tail' }));
      invocations++;
      if (res.FunctionError) errors++;
      durations.push(durationOf(res));
      return res;
    };
    for (let i = 0; i < 9; i++) await invoke({ fail: i % 3 === 0, sleep: i * 5 });
    // Three at once, with no reservation: all run.
    await Promise.all([0, 1, 2].map(() => invoke({ sleep: 400 })));
    // A reservation of 1 and four at once: one runs, three are throttled.
    await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'metered', ReservedConcurrentExecutions: 1 }));
    const settled = await Promise.allSettled([0, 1, 2, 3].map(() => invoke({ sleep: 300 })));
    for (const s of settled) {
      if (s.status === 'rejected') {
        assert.equal((s.reason as Error).name, 'TooManyRequestsException');
        throttles++;
      }
    }
    assert.equal(throttles, 3);
    await t.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'metered' }));
  });
  after(async () => { await t?.close(); });

  it('sums Invocations, Errors and Throttles, and gives Duration statistics equal to the REPORT lines', async () => {
    const fn = fnDims('metered');
    const out = await t.cloudwatch.send(new GetMetricDataCommand({
      ...window(),
      MetricDataQueries: [
        query('inv', 'Invocations', 'Sum', fn), query('err', 'Errors', 'Sum', fn), query('thr', 'Throttles', 'Sum', fn),
        query('avg', 'Duration', 'Average', fn), query('max', 'Duration', 'Maximum', fn), query('min', 'Duration', 'Minimum', fn),
        query('p99', 'Duration', 'p99', fn), query('p50', 'Duration', 'p50', fn), query('n', 'Duration', 'SampleCount', fn),
        query('conc', 'ConcurrentExecutions', 'Maximum', fn), query('errRate', 'Errors', 'Average', fn),
        { ...query('all', 'Invocations', 'Sum', []), Label: 'Every function' },
      ],
    }));
    assert.equal(single(out, 'inv'), invocations);
    assert.equal(invocations, 13);
    assert.equal(single(out, 'err'), errors);
    assert.equal(errors, 3);
    assert.equal(single(out, 'thr'), throttles);
    assert.equal(single(out, 'n'), durations.length);
    const sum = durations.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(single(out, 'avg') - sum / durations.length) < 1e-9);
    assert.equal(single(out, 'max'), Math.max(...durations));
    assert.equal(single(out, 'min'), Math.min(...durations));
    assert.equal(single(out, 'p99'), nearestRank(durations, 99));
    assert.equal(single(out, 'p50'), nearestRank(durations, 50));
    assert.equal(single(out, 'conc'), 3, 'three ran at once');
    assert.ok(Math.abs(single(out, 'errRate') - errors / invocations) < 1e-9, 'Errors is published for every invocation, 0 or 1');
    assert.equal(single(out, 'all'), invocations);
    const all = out.MetricDataResults?.find((r) => r.Id === 'all');
    assert.equal(all?.Label, 'Every function');
    assert.equal(out.MetricDataResults?.find((r) => r.Id === 'inv')?.Label, 'Invocations', 'the label defaults to the metric name');
    assert.ok(out.MetricDataResults?.every((r) => r.StatusCode === 'Complete'));
    assert.equal(out.NextToken, undefined);
  });

  it('aligns data points to the period from the epoch, newest first unless asked otherwise', async () => {
    for (const period of [60, 300]) {
      const out = await t.cloudwatch.send(new GetMetricDataCommand({
        ...window(), MetricDataQueries: [query('inv', 'Invocations', 'Sum', fnDims('metered'), period)],
      }));
      const [result] = out.MetricDataResults ?? [];
      assert.ok((result.Timestamps ?? []).length >= 1);
      for (const ts of result.Timestamps ?? []) assert.equal(ts.getTime() % (period * 1000), 0, `${ts.toISOString()} is a multiple of ${period} s`);
      const times = (result.Timestamps ?? []).map((d) => d.getTime());
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
      assert.equal(total(out, 'inv'), invocations, 'empty periods are left out, the others add up');
    }
    const asc = await t.cloudwatch.send(new GetMetricDataCommand({
      ...window(), ScanBy: 'TimestampAscending', MetricDataQueries: [query('inv', 'Invocations', 'Sum', fnDims('metered'), 60)],
    }));
    const times = (asc.MetricDataResults?.[0].Timestamps ?? []).map((d) => d.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
  });

  it('rounds StartTime down to the minute, as CloudWatch does, and takes EndTime as exclusive', async () => {
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'rounded', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'index.js': HANDLER }) },
    }));
    const warmBefore = Date.now();
    await t.lambda.send(new InvokeCommand({ FunctionName: 'rounded', Payload: '{}' })); // warm, so the next call is quick
    const warmAfter = Date.now() + 1;
    await insideOnePeriod(60, 10_000);
    const before = Date.now();
    await t.lambda.send(new InvokeCommand({ FunctionName: 'rounded', Payload: '{}' }));
    const after = Date.now() + 1;
    const minute = Math.floor(before / 60_000) * 60_000;
    const read = async (start: number, end: number) => total(await t.cloudwatch.send(new GetMetricDataCommand({
      StartTime: new Date(start), EndTime: new Date(end), MetricDataQueries: [query('inv', 'Invocations', 'Sum', fnDims('rounded'), 60)],
    })), 'inv');
    assert.ok(await read(after, after + 60_000) >= 1, 'a StartTime later in the same minute still covers the invocation');
    // The window before `minute` holds the warm call when it ran in the minute before: only the call at `before` must be left out.
    const earlier = await read(minute - 120_000, minute);
    if (warmAfter <= minute) assert.equal(earlier, 1, 'the warm call, and nothing at or after EndTime');
    else if (warmBefore >= minute) assert.equal(earlier, 0, 'nothing at or after EndTime');
    else assert.ok(earlier <= 1, 'nothing at or after EndTime (the warm call straddled the minute)');
  });

  it('splits an alias by ExecutedVersion, and counts it under its Resource', async () => {
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'split', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'index.js': HANDLER }) },
    }));
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'split' }));
    await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'split', ZipFile: makeZip({ 'index.js': `${HANDLER}\n// two\n` }) }));
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'split' }));
    await t.lambda.send(new CreateAliasCommand({ FunctionName: 'split', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.5 } } }));
    await insideOnePeriod(HOUR, 20_000);
    const ran: Record<string, number> = { 1: 0, 2: 0 };
    for (let i = 0; i < 30; i++) {
      const res = await t.lambda.send(new InvokeCommand({ FunctionName: 'split', Qualifier: 'live', Payload: '{}' }));
      ran[res.ExecutedVersion ?? '']++;
    }
    await t.lambda.send(new InvokeCommand({ FunctionName: 'split', Qualifier: '2', Payload: '{}' }));
    await t.lambda.send(new InvokeCommand({ FunctionName: 'split', Payload: '{}' }));
    assert.ok(ran[1] > 0 && ran[2] > 0, `both versions ran: ${JSON.stringify(ran)}`);
    const live = [{ Name: 'FunctionName', Value: 'split' }, { Name: 'Resource', Value: 'split:live' }];
    const out = await t.cloudwatch.send(new GetMetricDataCommand({
      ...window(),
      MetricDataQueries: [
        query('alias', 'Invocations', 'Sum', live),
        query('aliasOne', 'Invocations', 'Sum', [...live, { Name: 'ExecutedVersion', Value: '1' }]),
        query('aliasTwo', 'Invocations', 'Sum', [...live, { Name: 'ExecutedVersion', Value: '2' }]),
        query('verOne', 'Invocations', 'Sum', [...fnDims('split'), { Name: 'ExecutedVersion', Value: '1' }]),
        query('verTwo', 'Invocations', 'Sum', [...fnDims('split'), { Name: 'ExecutedVersion', Value: '2' }]),
        query('two', 'Invocations', 'Sum', [...fnDims('split'), { Name: 'Resource', Value: 'split:2' }]),
        query('fn', 'Invocations', 'Sum', fnDims('split')),
      ],
    }));
    assert.equal(total(out, 'alias'), 30);
    assert.equal(total(out, 'aliasOne'), ran[1]);
    assert.equal(total(out, 'aliasTwo'), ran[2]);
    assert.equal(total(out, 'verOne'), ran[1]);
    assert.equal(total(out, 'verTwo'), ran[2], 'ExecutedVersion counts alias invocations only');
    assert.equal(total(out, 'two'), 1);
    assert.equal(total(out, 'fn'), 32);
  });

  it('pages by MaxDatapoints with NextToken, to the same points as one call', async () => {
    const queries = ['Invocations', 'Errors', 'Duration', 'ConcurrentExecutions', 'Throttles'].map((m, i) => query(`q${i}`, m, 'Sum', fnDims('metered'), 60));
    const range = window();
    const whole = await t.cloudwatch.send(new GetMetricDataCommand({ ...range, MetricDataQueries: queries }));
    const collected = new Map<string, number[]>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await t.cloudwatch.send(new GetMetricDataCommand({ ...range, MetricDataQueries: queries, MaxDatapoints: 2, NextToken: token }));
      pages++;
      const count = (page.MetricDataResults ?? []).reduce((n, r) => n + (r.Values ?? []).length, 0);
      assert.ok(count <= 2, `at most MaxDatapoints points a page (got ${count})`);
      if (page.NextToken) assert.ok(page.MetricDataResults?.some((r) => r.StatusCode === 'PartialData'));
      for (const r of page.MetricDataResults ?? []) collected.set(r.Id ?? '', [...(collected.get(r.Id ?? '') ?? []), ...(r.Values ?? [])]);
      token = page.NextToken;
    } while (token && pages < 50);
    const points = (whole.MetricDataResults ?? []).reduce((n, r) => n + (r.Values ?? []).length, 0);
    assert.equal(pages, Math.ceil(points / 2));
    for (const r of whole.MetricDataResults ?? []) assert.deepEqual(collected.get(r.Id ?? ''), r.Values);
  });

  it('lists the metrics that have data, with their dimensions', async () => {
    const out = await t.cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: 'metered' }] }));
    const names = new Set((out.Metrics ?? []).map((m) => m.MetricName));
    for (const name of ['Invocations', 'Errors', 'Throttles', 'Duration', 'ConcurrentExecutions']) assert.ok(names.has(name), `${name} is listed`);
    assert.ok((out.Metrics ?? []).every((m) => m.Namespace === 'AWS/Lambda' && m.Dimensions?.some((d) => d.Name === 'FunctionName' && d.Value === 'metered')));
    const resources = await t.cloudwatch.send(new ListMetricsCommand({ MetricName: 'Invocations', Dimensions: [{ Name: 'Resource' }] }));
    const values = (resources.Metrics ?? []).map((m) => m.Dimensions?.find((d) => d.Name === 'Resource')?.Value).sort();
    assert.deepEqual([...new Set(values)], ['split:2', 'split:live']);
    const none = await t.cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/EC2' }));
    assert.deepEqual(none.Metrics, []);
  });

  it('answers empty for an unknown namespace or metric and for ranges past retention, as CloudWatch does', async () => {
    const out = await t.cloudwatch.send(new GetMetricDataCommand({
      ...window(),
      MetricDataQueries: [
        { Id: 'ec2', MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' }, Period: 60, Stat: 'Average' } },
        query('unknown', 'NoSuchMetric', 'Sum', fnDims('metered')),
        query('wrongUnit', 'Invocations', 'Sum', fnDims('metered')),
      ].map((q) => (q.Id === 'wrongUnit' ? { ...q, MetricStat: { ...q.MetricStat, Unit: 'Seconds' } } : q)) as MetricDataQuery[],
    }));
    for (const r of out.MetricDataResults ?? []) assert.deepEqual(r.Values, [], r.Id);
    const day = 24 * HOUR * 1000;
    const old = await t.cloudwatch.send(new GetMetricDataCommand({
      StartTime: new Date(Date.now() - 20 * day), EndTime: new Date(Date.now() - 16 * day),
      MetricDataQueries: [query('inv', 'Invocations', 'Sum', fnDims('metered'), 60)],
    }));
    assert.deepEqual(old.MetricDataResults?.[0].Values, []);
  });

  it('counts invocations through a function URL under the URL\'s alias', async () => {
    await t.lambda.send(new CreateAliasCommand({ FunctionName: 'split', Name: 'web', FunctionVersion: '2' }));
    const { FunctionUrl } = await t.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'split', Qualifier: 'web', AuthType: 'NONE' }));
    for (let i = 0; i < 3; i++) {
      const res = await fetch(FunctionUrl ?? '');
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    const out = await t.cloudwatch.send(new GetMetricDataCommand({
      ...window(),
      MetricDataQueries: [
        query('web', 'Invocations', 'Sum', [...fnDims('split'), { Name: 'Resource', Value: 'split:web' }]),
        query('webTwo', 'Invocations', 'Sum', [...fnDims('split'), { Name: 'Resource', Value: 'split:web' }, { Name: 'ExecutedVersion', Value: '2' }]),
      ],
    }));
    assert.equal(total(out, 'web'), 3);
    assert.equal(total(out, 'webTwo'), 3);
  });

  it('answers GetMetricStatistics with Statistics or ExtendedStatistics', async () => {
    const range = window();
    const basic = await t.cloudwatch.send(new GetMetricStatisticsCommand({
      Namespace: 'AWS/Lambda', MetricName: 'Duration', Dimensions: fnDims('metered'), ...range, Period: HOUR,
      Statistics: ['SampleCount', 'Maximum'],
    }));
    assert.equal(basic.Label, 'Duration');
    assert.equal(basic.Datapoints?.length, 1);
    assert.equal(basic.Datapoints?.[0].SampleCount, durations.length);
    assert.equal(basic.Datapoints?.[0].Maximum, Math.max(...durations));
    assert.equal(basic.Datapoints?.[0].Unit, 'Milliseconds');
    const extended = await t.cloudwatch.send(new GetMetricStatisticsCommand({
      Namespace: 'AWS/Lambda', MetricName: 'Duration', Dimensions: fnDims('metered'), ...range, Period: HOUR, ExtendedStatistics: ['p90', 'p99.9'],
    }));
    assert.equal(extended.Datapoints?.[0].ExtendedStatistics?.p90, nearestRank(durations, 90));
    assert.equal(extended.Datapoints?.[0].ExtendedStatistics?.['p99.9'], nearestRank(durations, 99.9));
  });

  it('counts asynchronous events, and raises the SDK exception classes for refusals', async () => {
    await t.lambda.send(new InvokeCommand({ FunctionName: 'metered', InvocationType: 'Event', Payload: '{}' }));
    const out = await t.cloudwatch.send(new GetMetricDataCommand({
      ...window(), MetricDataQueries: [query('received', 'AsyncEventsReceived', 'Sum', fnDims('metered'))],
    }));
    assert.equal(total(out, 'received'), 1);

    // An Event call to a function reserved to 0 is taken, and each attempt the queue makes is a throttle.
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'parked', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'index.js': HANDLER }) },
    }));
    await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'parked', ReservedConcurrentExecutions: 0 }));
    const accepted = await t.lambda.send(new InvokeCommand({ FunctionName: 'parked', InvocationType: 'Event', Payload: '{}' }));
    assert.equal(accepted.StatusCode, 202);
    let parkedThrottles = 0;
    for (let i = 0; i < 40 && parkedThrottles === 0; i++) {
      await sleep(50);
      const parked = await t.cloudwatch.send(new GetMetricDataCommand({
        ...window(), MetricDataQueries: [query('thr', 'Throttles', 'Sum', fnDims('parked')), query('inv', 'Invocations', 'Sum', fnDims('parked'))],
      }));
      parkedThrottles = total(parked, 'thr');
      assert.equal(total(parked, 'inv'), 0, 'a throttled attempt is no invocation');
    }
    assert.ok(parkedThrottles >= 1, 'the queued event\'s throttled attempt is counted');
    const many = Array.from({ length: 501 }, (_, i) => query(`q${i}`, 'Invocations', 'Sum', []));
    await assert.rejects(t.cloudwatch.send(new GetMetricDataCommand({ ...window(), MetricDataQueries: many })),
      { name: 'InvalidParameterValueException', message: 'The collection MetricDataQueries must not have a size greater than 500.' });
    await assert.rejects(t.cloudwatch.send(new GetMetricDataCommand({ ...window(), MetricDataQueries: [query('q', 'Invocations', 'Sum', [], 90)] })),
      { name: 'InvalidParameterValueException' });
    await assert.rejects(t.cloudwatch.send(new GetMetricDataCommand({ ...window(), MetricDataQueries: [query('q', 'Invocations', 'Sum', [])], NextToken: 'bm90LWEtdG9rZW4' })),
      { name: 'InvalidNextToken' });
    await assert.rejects(t.cloudwatch.send(new GetMetricStatisticsCommand({
      Namespace: 'AWS/Lambda', MetricName: 'Duration', StartTime: new Date(Date.now() - 2 * 24 * HOUR * 1000), EndTime: new Date(), Period: 60, Statistics: ['Sum'],
    })), { name: 'InvalidParameterCombinationException', message: /You have requested up to 2880 datapoints, which exceeds the limit of 1440/ });
  });
});
