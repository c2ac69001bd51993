import * as assert from 'node:assert/strict';
import { CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { makeZip, rawRequest, type RawResponse } from '../helpers';
import { badInputTable, type BadInputCase, type ExpectedError, type TableContext } from './table';

/**
 * The CloudWatch metrics operations the Local Lambda serves (AWS JSON 1.0), fed what a careless
 * or hostile client might send. The invocations recorded before the rows must still be counted
 * after every one.
 */

const ROLE = 'arn:aws:iam::123456789012:role/test-role';
const NOW_S = () => Math.floor(Date.now() / 1000);
const range = () => ({ StartTime: NOW_S() - 3600, EndTime: NOW_S() + 60 });

type Ctx = TableContext;

function metricsRequest(ctx: Ctx, operation: string, body: unknown, opts: { service?: string; target?: string } = {}): Promise<RawResponse> {
  return rawRequest(ctx.t.local, {
    method: 'POST', path: '/', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': opts.target ?? `GraniteServiceVersion20100801.${operation}`, 'x-amzn-query-mode': 'true' },
    sign: { service: opts.service ?? 'monitoring' },
  });
}

function metricQuery(id: string, extra: Record<string, unknown> = {}, stat: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [{ Name: 'FunctionName', Value: 'counted' }] }, Period: 60, Stat: 'Sum', ...stat },
    ...extra,
  };
}

const getData = (queries: unknown[], extra: Record<string, unknown> = {}) => (ctx: Ctx) =>
  metricsRequest(ctx, 'GetMetricData', { MetricDataQueries: queries, ...range(), ...extra });

const value = (message: string | RegExp): ExpectedError => ({ status: 400, type: 'InvalidParameterValueException', message });
const validation = (message: string | RegExp): ExpectedError => ({ status: 400, type: 'ValidationException', message });
const combination = (message: string | RegExp): ExpectedError => ({ status: 400, type: 'InvalidParameterCombinationException', message });
const missing = (message: string): ExpectedError => ({ status: 400, type: 'MissingRequiredParameterException', message });
const serialization = (message: string): ExpectedError => ({ status: 400, type: 'SerializationException', message });
const PERIOD = (n: number) => value(`The parameter MetricDataQueries.member.1.MetricStat.Period must be 1, 5, 10, 20, 30, 60 or a multiple of 60 (got ${n}).`);
const STAT = (s: string) => value(`The value ${s} for parameter MetricDataQueries.member.1.MetricStat.Stat is not a statistic: use SampleCount, Sum, Average, Minimum, Maximum or a percentile p0 to p100 (such as p99 or p99.9).`);
const ID = (id: string) => validation(`The value ${id} for parameter MetricDataQueries.member.1.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.`);

const cases: Array<BadInputCase<Ctx>> = [
  {
    name: 'GetMetricData with 501 queries',
    send: getData(Array.from({ length: 501 }, (_, i) => metricQuery(`q${i}`))),
    expect: value('The collection MetricDataQueries must not have a size greater than 500.'),
  },
  { name: 'GetMetricData with no queries', send: getData([]), expect: missing('The parameter MetricDataQueries is required.') },
  { name: 'GetMetricData with period 0', send: getData([metricQuery('q', {}, { Period: 0 })]), expect: PERIOD(0) },
  { name: 'GetMetricData with period 7', send: getData([metricQuery('q', {}, { Period: 7 })]), expect: PERIOD(7) },
  { name: 'GetMetricData with period 90 (not a multiple of 60)', send: getData([metricQuery('q', {}, { Period: 90 })]), expect: PERIOD(90) },
  { name: 'GetMetricData with a negative period', send: getData([metricQuery('q', {}, { Period: -60 })]), expect: PERIOD(-60) },
  {
    name: 'GetMetricData with a fractional period',
    send: getData([metricQuery('q', {}, { Period: 60.5 })]),
    expect: validation('The value 60.5 for parameter MetricDataQueries.member.1.MetricStat.Period is not an integer.'),
  },
  {
    name: 'GetMetricData without a period',
    send: getData([metricQuery('q', {}, { Period: undefined })]),
    expect: missing('The parameter MetricDataQueries.member.1.MetricStat.Period is required.'),
  },
  {
    name: 'GetMetricData with StartTime after EndTime',
    send: (ctx) => metricsRequest(ctx, 'GetMetricData', { MetricDataQueries: [metricQuery('q')], StartTime: NOW_S(), EndTime: NOW_S() - 3600 }),
    expect: value('The parameter StartTime must be less than the parameter EndTime.'),
  },
  {
    name: 'GetMetricData with StartTime equal to EndTime',
    send: (ctx) => metricsRequest(ctx, 'GetMetricData', { MetricDataQueries: [metricQuery('q')], StartTime: 1_700_000_000, EndTime: 1_700_000_000 }),
    expect: value('The parameter StartTime must be less than the parameter EndTime.'),
  },
  {
    name: 'GetMetricData without EndTime',
    send: (ctx) => metricsRequest(ctx, 'GetMetricData', { MetricDataQueries: [metricQuery('q')], StartTime: NOW_S() }),
    expect: missing('The parameter EndTime is required.'),
  },
  {
    name: 'GetMetricData with a StartTime that is no timestamp',
    send: (ctx) => metricsRequest(ctx, 'GetMetricData', { MetricDataQueries: [metricQuery('q')], StartTime: 'yesterday', EndTime: NOW_S() }),
    expect: value('The parameter StartTime must be a timestamp (epoch seconds or ISO 8601).'),
  },
  { name: 'GetMetricData with the statistic p101', send: getData([metricQuery('q', {}, { Stat: 'p101' })]), expect: STAT('p101') },
  { name: 'GetMetricData with the statistic "Avg"', send: getData([metricQuery('q', {}, { Stat: 'Avg' })]), expect: STAT('Avg') },
  { name: 'GetMetricData with the statistic p99.999', send: getData([metricQuery('q', {}, { Stat: 'p99.999' })]), expect: STAT('p99.999') },
  { name: 'GetMetricData with an empty statistic', send: getData([metricQuery('q', {}, { Stat: '' })]), expect: STAT('') },
  {
    name: 'GetMetricData with an unknown unit',
    send: getData([metricQuery('q', {}, { Unit: 'Parsecs' })]),
    expect: value('The value Parsecs for parameter MetricDataQueries.member.1.MetricStat.Unit is not a CloudWatch unit.'),
  },
  {
    name: 'GetMetricData with a duplicate query Id',
    send: getData([metricQuery('same'), metricQuery('same')]),
    expect: validation('The values for parameter Id in MetricDataQueries are not unique: same is used twice.'),
  },
  { name: 'GetMetricData with an Id starting with a digit', send: getData([metricQuery('1st')]), expect: ID('1st') },
  { name: 'GetMetricData with an Id starting with a capital', send: getData([metricQuery('Inv')]), expect: ID('Inv') },
  { name: 'GetMetricData with an Id holding a dash', send: getData([metricQuery('in-v')]), expect: ID('in-v') },
  { name: 'GetMetricData with an empty Id', send: getData([metricQuery('')]), expect: ID('') },
  { name: 'GetMetricData with an Id of 256 characters', send: getData([metricQuery(`a${'b'.repeat(255)}`)]), expect: ID(`a${'b'.repeat(254)}`) },
  {
    name: 'GetMetricData with a query without Id',
    send: getData([{ MetricStat: metricQuery('x').MetricStat }]),
    expect: missing('The parameter MetricDataQueries.member.1.Id is required.'),
  },
  {
    name: 'GetMetricData with both MetricStat and Expression',
    send: getData([metricQuery('q', { Expression: 'q * 2' })]),
    expect: combination('Exactly one of MetricDataQueries.member.1.MetricStat and MetricDataQueries.member.1.Expression must be given.'),
  },
  {
    name: 'GetMetricData with a metric math Expression',
    send: getData([metricQuery('q', { ReturnData: false }), { Id: 'e', Expression: 'q * 2' }]),
    expect: value('The Local Lambda answers MetricStat queries only; the Expression of MetricDataQueries.member.2 (metric math or Metrics Insights) is not supported.'),
  },
  {
    name: 'GetMetricData where no query returns data',
    send: getData([metricQuery('q', { ReturnData: false })]),
    expect: value('At least one of MetricDataQueries must have ReturnData true.'),
  },
  {
    name: 'GetMetricData with two dimensions of one name',
    send: getData([{ Id: 'q', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [{ Name: 'FunctionName', Value: 'a' }, { Name: 'FunctionName', Value: 'b' }] }, Period: 60, Stat: 'Sum' } }]),
    expect: combination('No metric may have two dimensions named FunctionName.'),
  },
  {
    name: 'GetMetricData with 31 dimensions',
    send: getData([{ Id: 'q', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' })) }, Period: 60, Stat: 'Sum' } }]),
    expect: value('The collection MetricDataQueries.member.1.MetricStat.Metric.Dimensions must not have a size greater than 30.'),
  },
  {
    name: 'GetMetricData with ScanBy sideways',
    send: getData([metricQuery('q')], { ScanBy: 'Sideways' }),
    expect: validation('The value Sideways for parameter ScanBy is not one of TimestampDescending, TimestampAscending.'),
  },
  { name: 'GetMetricData with MaxDatapoints 0', send: getData([metricQuery('q')], { MaxDatapoints: 0 }), expect: value('The parameter MaxDatapoints must be at least 1.') },
  {
    name: 'GetMetricData with a NextToken that is not one',
    send: getData([metricQuery('q')], { NextToken: 'not a token!' }),
    expect: { status: 400, type: 'InvalidNextToken', message: /^The value for parameter NextToken is not a token this call can continue from/ },
  },
  {
    name: 'GetMetricData with a NextToken from another request',
    async send(ctx) {
      const queries = ['Invocations', 'Errors', 'Duration'].map((m, i) => ({ Id: `q${i}`, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: m }, Period: 60, Stat: 'Sum' } }));
      const first = await ctx.t.cloudwatch.send(new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 3600_000), EndTime: new Date(Date.now() + 60_000), MetricDataQueries: queries, MaxDatapoints: 1,
      }));
      assert.ok(first.NextToken, 'the first page has a token');
      return metricsRequest(ctx, 'GetMetricData', { MetricDataQueries: [metricQuery('other')], ...range(), NextToken: first.NextToken });
    },
    expect: { status: 400, type: 'InvalidNextToken', message: /^The value for parameter NextToken is not a token this call can continue from/ },
  },
  {
    name: 'GetMetricData with a query that is a number',
    send: getData([42]),
    expect: validation('The value for parameter MetricDataQueries.member.1 must be a structure.'),
  },
  { name: 'GetMetricData with a body that is not JSON', send: (ctx) => metricsRequest(ctx, 'GetMetricData', '{"MetricDataQueries": ['), expect: serialization('The request body is not valid JSON.') },
  { name: 'GetMetricData with a body that is a JSON list', send: (ctx) => metricsRequest(ctx, 'GetMetricData', '[1, 2]'), expect: serialization('The request body must be a JSON object.') },
  {
    name: 'GetMetricData with MetricDataQueries a string',
    send: (ctx) => metricsRequest(ctx, 'GetMetricData', { MetricDataQueries: 'all', ...range() }),
    expect: validation('The value for parameter MetricDataQueries must be a list.'),
  },
  {
    name: 'GetMetricStatistics with both Statistics and ExtendedStatistics',
    send: (ctx) => metricsRequest(ctx, 'GetMetricStatistics', { Namespace: 'AWS/Lambda', MetricName: 'Duration', ...range(), Period: 60, Statistics: ['Sum'], ExtendedStatistics: ['p99'] }),
    expect: combination('The parameters Statistics and ExtendedStatistics are mutually exclusive.'),
  },
  {
    name: 'GetMetricStatistics with the statistic "Avg"',
    send: (ctx) => metricsRequest(ctx, 'GetMetricStatistics', { Namespace: 'AWS/Lambda', MetricName: 'Duration', ...range(), Period: 60, Statistics: ['Avg'] }),
    expect: value('The value Avg for parameter Statistics.member.1 is not one of SampleCount, Average, Sum, Minimum, Maximum.'),
  },
  {
    name: 'GetMetricStatistics asking for more than 1,440 data points',
    send: (ctx) => metricsRequest(ctx, 'GetMetricStatistics', { Namespace: 'AWS/Lambda', MetricName: 'Duration', StartTime: NOW_S() - 86_400 * 2, EndTime: NOW_S(), Period: 60, Statistics: ['Sum'] }),
    expect: combination('You have requested up to 2880 datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.'),
  },
  {
    name: 'ListMetrics with RecentlyActive other than PT3H',
    send: (ctx) => metricsRequest(ctx, 'ListMetrics', { RecentlyActive: 'P1D' }),
    expect: validation('The value P1D for parameter RecentlyActive is not PT3H.'),
  },
  {
    name: 'ListMetrics with a dimension filter without Name',
    send: (ctx) => metricsRequest(ctx, 'ListMetrics', { Dimensions: [{ Value: 'x' }] }),
    expect: missing('The parameter Dimensions.member.1.Name is required.'),
  },
  {
    name: 'a CloudWatch operation the Local Lambda does not serve (PutMetricData)',
    send: (ctx) => metricsRequest(ctx, 'PutMetricData', { Namespace: 'Mine', MetricData: [] }),
    expect: { status: 400, type: 'UnknownOperationException', message: 'The Local Lambda does not support the CloudWatch operation "GraniteServiceVersion20100801.PutMetricData"; it answers GetMetricData, GetMetricStatistics and ListMetrics.' },
  },
  {
    name: 'GetMetricData signed for the service lambda',
    send: (ctx) => metricsRequest(ctx, 'GetMetricData', { MetricDataQueries: [metricQuery('q')], ...range() }, { service: 'lambda' }),
    expect: { status: 403, type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'monitoring'." },
  },
  {
    name: 'GetMetricData signed for the service logs',
    send: (ctx) => metricsRequest(ctx, 'GetMetricData', { MetricDataQueries: [metricQuery('q')], ...range() }, { service: 'logs' }),
    expect: { status: 403, type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'monitoring'." },
  },
];

badInputTable<Ctx>('CloudWatch metrics API', {
  async setup(start) {
    const t = await start();
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'counted', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => 1;\n' }) },
    }));
    for (let i = 0; i < 3; i++) await t.lambda.send(new InvokeCommand({ FunctionName: 'counted', Payload: '{}' }));
    return { t };
  },
  async intact({ t }) {
    const out = await t.cloudwatch.send(new GetMetricDataCommand({
      StartTime: new Date(Date.now() - 7200_000), EndTime: new Date(Date.now() + 60_000),
      MetricDataQueries: [{ Id: 'inv', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [{ Name: 'FunctionName', Value: 'counted' }] }, Period: 3600 * 24, Stat: 'Sum' } }],
    }));
    const sum = (out.MetricDataResults?.[0].Values ?? []).reduce((a, b) => a + b, 0);
    assert.equal(sum, 3, 'the three invocations recorded before are still counted');
  },
  cases,
});
