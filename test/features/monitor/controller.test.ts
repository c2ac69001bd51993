import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateAliasCommand, CreateFunctionCommand, InvokeCommand, PublishVersionCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { MetricsApi } from '../../../src/aws/cloudwatch';
import { customConnection, type ConnectionSpec } from '../../../src/aws/connections';
import { WorkbenchError } from '../../../src/aws/errors';
import { MonitorController, problemOf, REFRESH_SECONDS } from '../../../src/features/monitor/controller';
import type { MonitorData, MonitorProtocol } from '../../../src/features/monitor/protocol';
import type { ResolvedConnection } from '../../../src/workbench/connections';
import { FakeTabHost, localTarget } from '../../support/fakeTabHost';
import { useControllerSuite } from '../../support/controllerSuite';

const code = (tag: string, fail = false) => zipSync({
  'index.mjs': strToU8(fail ? `export const handler = async () => { throw new Error('${tag}'); };\n` : `export const handler = async () => '${tag}';\n`),
});

const chart = (data: MonitorData, id: string) => {
  const found = data.charts.find((c) => c.id === id);
  assert.ok(found, `no ${id} chart among ${data.charts.map((c) => c.id).join(', ')}`);
  return found;
};
const sum = (values: (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);

describe('features/monitor MonitorController (fake TabHost, in-process Local Lambda over HTTP)', function () {
  this.timeout(90_000);
  const suite = useControllerSuite();

  function open(functionName: string, qualifier?: string): MonitorController {
    const host = new FakeTabHost<MonitorProtocol>(suite.workbench.asWorkbench, localTarget(functionName, qualifier));
    const controller = new MonitorController(host);
    suite.track(controller);
    return controller;
  }


  it('says there were no invocations before the first, then counts N invocations and 1 error after N + 1 calls', async () => {
    await suite.client.send(new CreateFunctionCommand({
      FunctionName: 'counted', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/r', Code: { ZipFile: code('a') },
    }));
    const controller = open('counted');
    const before = await controller.load({ range: { preset: '1h' }, split: 'none' });
    assert.equal(before.problem?.kind, 'noData');
    assert.match(before.problem?.message ?? '', /No invocations of counted in this range \(last 1 h\)/);
    assert.equal(before.refreshSeconds, REFRESH_SECONDS.local);

    const n = 7;
    for (let i = 0; i < n; i++) await suite.client.send(new InvokeCommand({ FunctionName: 'counted', Payload: '{}' }));
    const data = await controller.load({ range: { preset: '1h' }, split: 'none' });
    assert.equal(data.problem, undefined);
    assert.equal(data.totals.invocations, n);
    assert.equal(data.totals.errors, 0);
    assert.ok(data.totals.durationMs > 0 && (data.totals.p99Ms ?? 0) > 0);
    const invocations = chart(data, 'invocations');
    assert.equal(invocations.x.length, 60 + (data.range.end - data.range.start > 3_600_000 ? 1 : 0));
    assert.equal(sum(invocations.series[0].values), n);
    assert.ok(invocations.series[0].values.some((v) => v === null), 'periods without calls are gaps');
    assert.deepEqual(chart(data, 'duration').series.map((s) => s.label), ['Average', 'p50', 'p90', 'p99', 'Maximum']);
    assert.equal(sum(chart(data, 'concurrency').series[0].values) >= 1, true);
    assert.deepEqual((await controller.requests.snapshot())?.totals, data.totals);
    assert.match(data.cost?.lines[0] ?? '', new RegExp(`^This range: \\$[\\d.]+ — ${n} requests`));
    assert.match(data.cost?.lines[1] ?? '', /^Per month at this rate: \$/);
    assert.match(data.cost?.note ?? '', /Local Lambda charges nothing.*128 MB, x86_64, us-east-1 on-demand prices/);
    assert.equal(before.cost, undefined, 'no estimate without calls');

    await suite.client.send(new UpdateFunctionCodeCommand({ FunctionName: 'counted', ZipFile: code('b', true) }));
    await suite.client.send(new InvokeCommand({ FunctionName: 'counted', Payload: '{}' }));
    const after = await controller.load({ range: { preset: '3h' }, split: 'none' });
    assert.equal(after.totals.invocations, n + 1);
    assert.equal(after.totals.errors, 1);
    const rate = chart(after, 'errors').series.find((s) => s.unit === 'percent');
    assert.ok(rate?.values.some((v) => v !== null && v > 0 && v <= 100), 'the error rate shows the failed call');
    assert.equal(after.charts.some((c) => c.id === 'asyncEventsReceived'), false, 'no async chart before an Event call');

    await suite.client.send(new InvokeCommand({ FunctionName: 'counted', InvocationType: 'Event', Payload: '{}' }));
    const withAsync = await controller.load({ range: { preset: '1h' }, split: 'none' });
    const ids = withAsync.charts.map((c) => c.id);
    assert.deepEqual(ids.slice(0, 6), ['invocations', 'errors', 'throttles', 'duration', 'concurrency', 'asyncEventsReceived'], `the async charts show once ListMetrics lists them: ${ids.join(', ')}`);
    assert.equal(sum(chart(withAsync, 'asyncEventsReceived').series[0].values), 1);
  });

  it('splits a weighted alias by the version that ran: one line per version, adding up to the calls', async () => {
    await suite.client.send(new CreateFunctionCommand({
      FunctionName: 'weighted', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/r', Code: { ZipFile: code('one') },
    }));
    await suite.client.send(new PublishVersionCommand({ FunctionName: 'weighted' }));
    await suite.client.send(new UpdateFunctionCodeCommand({ FunctionName: 'weighted', ZipFile: code('two') }));
    await suite.client.send(new PublishVersionCommand({ FunctionName: 'weighted' }));
    await suite.client.send(new CreateAliasCommand({ FunctionName: 'weighted', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.5 } } }));
    const calls = 40;
    for (let i = 0; i < calls; i++) await suite.client.send(new InvokeCommand({ FunctionName: 'weighted', Qualifier: 'live', Payload: '{}' }));

    const alias = open('weighted', 'live');
    const data = await alias.load({ range: { preset: '1h' }, split: 'version' });
    assert.equal(data.subject, 'weighted:live');
    assert.deepEqual(data.splits, ['none', 'version']);
    assert.equal(data.split, 'version');
    const lines = chart(data, 'invocations').series;
    assert.deepEqual(lines.map((s) => s.label), ['version 1', 'version 2']);
    const perVersion = lines.map((s) => sum(s.values));
    assert.ok(perVersion.every((n) => n > 0), `both versions ran: ${perVersion.join(' + ')}`);
    assert.equal(perVersion[0] + perVersion[1], calls);
    assert.equal(data.totals.invocations, calls);
    assert.deepEqual(chart(data, 'duration').series.map((s) => s.label), ['version 1 Average', 'version 1 p99', 'version 2 Average', 'version 2 p99']);

    const whole = open('weighted');
    const byResource = await whole.load({ range: { preset: '1h' }, split: 'resource' });
    assert.deepEqual(byResource.splits, ['none', 'resource', 'version']);
    assert.deepEqual(chart(byResource, 'invocations').series.map((s) => [s.label, sum(s.values)]), [['live', calls]]);
    const byVersion = await whole.load({ range: { preset: '1h' }, split: 'version' });
    assert.deepEqual(chart(byVersion, 'invocations').series.map((s) => s.label), ['live → 1', 'live → 2']);

    const version = open('weighted', '1');
    const one = await version.load({ range: { preset: '1h' }, split: 'version' });
    assert.deepEqual(one.splits, ['none'], 'a version is not split');
    assert.equal(one.split, 'none');
    assert.equal(one.problem?.kind, 'noData', 'version 1 was never called by its own name');
  });

  it('refuses a range past CloudWatch\'s retention with the reason, asking nothing', async () => {
    const controller = open('counted');
    const now = Date.now();
    const data = await controller.load({ range: { preset: 'custom', start: now - 500 * 86_400_000, end: now - 499 * 86_400_000 }, split: 'none' });
    assert.equal(data.problem?.kind, 'refused');
    assert.match(data.problem?.message ?? '', /keeps metrics for 455 days/);
    assert.deepEqual(data.charts, []);
  });

  it('says a custom endpoint without CloudWatch has none, instead of a parser error', async () => {
    const html = http.createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html><body>Not here</body></html>');
    });
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
      const spec = customConnection({ name: 'bare', endpoint }) as ConnectionSpec;
      const target = { connectionId: 'custom:bare', connectionLabel: 'bare', connectionKind: 'custom' as const, region: 'us-east-1', functionName: 'f' };
      const host = new FakeTabHost<MonitorProtocol>(suite.workbench.asWorkbench, target);
      const metrics = new MetricsApi(spec, 'us-east-1');
      host.connection = () => Promise.resolve({ spec, region: 'us-east-1', metrics: () => Promise.resolve(metrics) } as unknown as ResolvedConnection);
      const controller = new MonitorController(host);
      suite.track(controller);
      const data = await controller.load({ range: { preset: '1h' }, split: 'none' });
      metrics.dispose();
      assert.equal(data.problem?.kind, 'noCloudWatch', data.problem?.message);
      assert.match(data.problem?.message ?? '', /^The custom endpoint bare does not offer the CloudWatch metrics API/);
      assert.doesNotMatch(data.problem?.message ?? '', /SyntaxError|Unexpected token|at .*\.js/);
      assert.equal(data.refreshSeconds, REFRESH_SECONDS.aws);
    } finally {
      html.close();
    }
  });

  it('names the IAM action to grant when CloudWatch refuses', () => {
    const denied = new WorkbenchError('accessDenied', 'Profile dev may not read CloudWatch metrics: cloudwatch:GetMetricData is not allowed (User is not authorized).');
    const problem = problemOf(denied, 'GetMetricData', 'CloudWatch in eu-west-1');
    assert.equal(problem.kind, 'accessDenied');
    assert.equal(problem.action, 'cloudwatch:GetMetricData');
    assert.match(problem.message, /Grant cloudwatch:GetMetricData \(and cloudwatch:ListMetrics\)/);
    assert.equal(problemOf(denied, 'ListMetrics', 'x').action, 'cloudwatch:ListMetrics');
    assert.equal(problemOf(new Error('boom'), 'GetMetricData', 'x').kind, 'failed');
  });
});
