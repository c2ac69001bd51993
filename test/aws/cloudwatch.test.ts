import * as assert from 'node:assert/strict';
import { GetMetricDataCommand, ListMetricsCommand, type GetMetricDataCommandInput, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { MetricsApi, QUERIES_PER_REQUEST, type CloudWatchSender, type MetricQuery } from '../../src/aws/cloudwatch';
import { CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { customConnection, localConnection, profileConnection, type ConnectionSpec } from '../../src/aws/connections';
import { makeZip, startTestLocal } from '../local/helpers';
import { WorkbenchError } from '../../src/aws/errors';

const local = customConnection({ name: 'here', endpoint: 'http://127.0.0.1:9' }) as ConnectionSpec;

function sdkError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/** A client that answers GetMetricData with one point per query per page, in two pages per call. */
function pagingStub(calls: GetMetricDataCommandInput[]): CloudWatchSender {
  return {
    send(command: unknown) {
      assert.ok(command instanceof GetMetricDataCommand);
      const input = command.input;
      calls.push(input);
      const page = input.NextToken === undefined ? 0 : 1;
      const out: Partial<GetMetricDataCommandOutput> = {
        MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
          Id: q.Id, Label: q.MetricStat?.Metric?.MetricName, Timestamps: [new Date(60_000 * (2 - page))], Values: [page], StatusCode: page === 0 ? 'PartialData' : 'Complete',
        })),
        NextToken: page === 0 ? 'page-2' : undefined,
      };
      return Promise.resolve(out);
    },
  };
}

const queries = (n: number): MetricQuery[] => Array.from({ length: n }, (_, i) => ({
  id: `q${i}`, metricName: 'Invocations', dimensions: { FunctionName: 'f' }, period: 60, stat: 'Sum',
}));

describe('aws/cloudwatch: the metrics facade', () => {
  it('splits more than 500 queries over several GetMetricData calls and follows each call\'s NextToken', async () => {
    const calls: GetMetricDataCommandInput[] = [];
    const api = new MetricsApi(local, 'us-east-1', () => Promise.resolve(pagingStub(calls)));
    const series = await api.getMetricData(queries(1_201), 0, 3_600_000);
    assert.equal(QUERIES_PER_REQUEST, 500);
    assert.deepEqual(calls.map((c) => [c.MetricDataQueries?.length, c.NextToken]), [[500, undefined], [500, 'page-2'], [500, undefined], [500, 'page-2'], [201, undefined], [201, 'page-2']]);
    assert.equal(series.length, 1_201);
    assert.deepEqual(series.map((s) => s.id), queries(1_201).map((q) => q.id), 'in the order asked');
    for (const s of series) {
      assert.deepEqual(s.values, [0, 1]);
      assert.deepEqual(s.timestamps, [120_000, 60_000]);
      assert.equal(s.status, 'Complete');
      assert.equal(s.label, 'Invocations');
    }
    const first = calls[0].MetricDataQueries?.[0];
    assert.deepEqual(first?.MetricStat?.Metric, { Namespace: 'AWS/Lambda', MetricName: 'Invocations', Dimensions: [{ Name: 'FunctionName', Value: 'f' }] });
  });

  it('refuses two queries with one id before sending anything', async () => {
    const calls: GetMetricDataCommandInput[] = [];
    const api = new MetricsApi(local, 'us-east-1', () => Promise.resolve(pagingStub(calls)));
    await assert.rejects(api.getMetricData([...queries(2), queries(1)[0]], 0, 1), /Two metric queries have the id q0/);
    assert.equal(calls.length, 0);
  });

  it('follows ListMetrics pages', async () => {
    let n = 0;
    const api = new MetricsApi(local, 'us-east-1', () => Promise.resolve({
      send(command: unknown) {
        assert.ok(command instanceof ListMetricsCommand);
        n++;
        return Promise.resolve({
          Metrics: [{ Namespace: 'AWS/Lambda', MetricName: `M${n}`, Dimensions: [{ Name: 'FunctionName', Value: 'f' }] }],
          NextToken: n < 3 ? `t${n}` : undefined,
        });
      },
    }));
    const out = await api.listMetrics({ namespace: 'AWS/Lambda', dimensions: [{ name: 'FunctionName', value: 'f' }] });
    assert.deepEqual(out.metrics.map((m) => m.metricName), ['M1', 'M2', 'M3']);
    assert.deepEqual(out.metrics[0].dimensions, { FunctionName: 'f' });
    assert.equal(out.more, false);
  });

  it('names cloudwatch:GetMetricData when the credentials may not read metrics', async () => {
    const api = new MetricsApi(profileConnection({ name: 'dev', sso: false }), 'eu-west-1', () => Promise.resolve({
      send: () => Promise.reject(sdkError('AccessDenied', 'User: arn:aws:iam::1:user/x is not authorized to perform: cloudwatch:GetMetricData', 403)),
    }));
    await assert.rejects(api.getMetricData(queries(1), 0, 1), (err: unknown) => {
      assert.ok(err instanceof WorkbenchError);
      assert.equal(err.kind, 'accessDenied');
      assert.match(err.message, /^Profile dev may not read CloudWatch metrics: cloudwatch:GetMetricData is not allowed/);
      return true;
    });
  });

  it('says so when the endpoint has no CloudWatch metrics API', async () => {
    for (const error of [
      sdkError('UnknownOperationException', 'No such operation', 404),
      sdkError('InvalidSignatureException', "Credential should be scoped to correct service: 'lambda'.", 403),
    ]) {
      const api = new MetricsApi(local, 'us-east-1', () => Promise.resolve({ send: () => Promise.reject(error) }));
      await assert.rejects(api.listMetrics(), (err: unknown) => {
        assert.ok(err instanceof WorkbenchError);
        assert.match(err.message, /^http:\/\/127\.0\.0\.1:9 does not offer the CloudWatch metrics API \(ListMetrics\)/);
        return true;
      });
    }
  });

  it('reads the Local Lambda\'s metrics through the real SDK, over the 500-query limit', async function () {
    this.timeout(30_000);
    const t = await startTestLocal();
    try {
      await t.lambda.send(new CreateFunctionCommand({
        FunctionName: 'counted', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/r',
        Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => 1;\n' }) },
      }));
      for (let i = 0; i < 4; i++) await t.lambda.send(new InvokeCommand({ FunctionName: 'counted', Payload: '{}' }));
      const api = new MetricsApi(localConnection(t.local.endpoint, t.local.region, t.local.credentials), t.local.region);
      try {
        const series = await api.getMetricData(queries(0).concat(Array.from({ length: 600 }, (_, i) => ({
          id: `q${i}`, metricName: 'Invocations', dimensions: { FunctionName: 'counted' }, period: 3600 * 24 * 7, stat: 'Sum',
        }))), Date.now() - 3_600_000, Date.now() + 60_000);
        assert.equal(series.length, 600);
        for (const s of series) assert.equal(s.values.reduce((a, b) => a + b, 0), 4, s.id);
        const listed = await api.listMetrics({ dimensions: [{ name: 'FunctionName', value: 'counted' }] });
        assert.ok(listed.metrics.some((m) => m.metricName === 'Duration'));
      } finally {
        api.dispose();
      }
    } finally {
      await t.close();
    }
  });
});
