import * as assert from 'node:assert/strict';
import {
  CreateAliasCommand, CreateFunctionCommand, InvokeCommand, PublishVersionCommand, PutFunctionConcurrencyCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { makeZip, startTestLocal, type TestLocal } from './helpers';
import { parseReport } from '../../src/shared/lambda/report';

const ROLE = 'arn:aws:iam::123456789012:role/test-role';
const text = (p?: Uint8Array) => Buffer.from(p ?? []).toString('utf8');

describe('Local Lambda invoke', () => {
  let t: TestLocal;
  before(async () => {
    t = await startTestLocal();
    const zip = makeZip({
      'index.js': [
        'exports.handler = async (event) => {',
        '  console.log("got", JSON.stringify(event));',
        '  if (event && event.fail) throw new Error("asked to fail");',
        '  if (event && event.nothing) return undefined;',
        '  return { version: process.env.AWS_LAMBDA_FUNCTION_VERSION, echo: event };',
        '};',
      ].join('\n'),
    });
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'echo', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: zip },
    }));
  });
  after(async () => { await t.close(); });

  it('invokes synchronously and returns the tail of the log', async () => {
    const res = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ a: 1 }), LogType: 'Tail' }));
    assert.equal(res.StatusCode, 200);
    assert.equal(res.ExecutedVersion, '$LATEST');
    assert.equal(res.FunctionError, undefined);
    assert.deepEqual(JSON.parse(text(res.Payload)).echo, { a: 1 });
    const log = Buffer.from(res.LogResult ?? '', 'base64').toString('utf8');
    assert.match(log, /START RequestId: \S+ Version: \$LATEST/);
    assert.match(log, /got \{"a":1\}/);
    assert.match(log, /REPORT RequestId: \S+\tDuration: [\d.]+ ms/);
  });

  it('writes REPORT lines that the extension reads back with the same figures', async () => {
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'report-check', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, MemorySize: 256,
      Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => 1;\n' }) },
    }));
    const reports = [];
    for (let i = 0; i < 2; i++) {
      const res = await t.lambda.send(new InvokeCommand({ FunctionName: 'report-check', Payload: '{}', LogType: 'Tail' }));
      const log = Buffer.from(res.LogResult ?? '', 'base64').toString('utf8');
      const line = log.split('\n').find((l) => l.startsWith('REPORT ')) ?? '';
      const report = parseReport(log);
      assert.ok(report, log);
      assert.equal(report.requestId, res.$metadata.requestId);
      assert.equal(report.memorySizeMb, 256);
      // The same figures as written: two decimals of duration, billing rounded up to the millisecond.
      assert.equal(line, `REPORT RequestId: ${report.requestId}\tDuration: ${report.durationMs.toFixed(2)} ms\tBilled Duration: ${report.billedDurationMs} ms\t` +
        `Memory Size: 256 MB\tMax Memory Used: ${report.maxMemoryUsedMb} MB\t${report.initDurationMs === undefined ? '' : `Init Duration: ${report.initDurationMs.toFixed(2)} ms\t`}`);
      assert.equal(report.billedDurationMs, Math.max(1, Math.ceil(report.durationMs)));
      reports.push(report);
    }
    assert.deepEqual(reports.map((r) => r.coldStart), [true, false], 'the first call starts an environment, the second reuses it');
  });

  it('reports a handler error with X-Amz-Function-Error and a null payload for no result', async () => {
    const failed = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ fail: true }) }));
    assert.equal(failed.StatusCode, 200);
    assert.equal(failed.FunctionError, 'Unhandled');
    assert.equal(JSON.parse(text(failed.Payload)).errorMessage, 'asked to fail');
    const empty = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ nothing: true }) }));
    assert.equal(text(empty.Payload), 'null');
  });

  it('answers Event with 202 and DryRun with 204, without an executed version', async () => {
    const event = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: '{}' }));
    assert.equal(event.StatusCode, 202);
    assert.equal(event.ExecutedVersion, undefined);
    const dry = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    assert.equal(dry.StatusCode, 204);
    await assert.rejects(t.lambda.send(new InvokeCommand({ FunctionName: 'missing', InvocationType: 'DryRun' })),
      { name: 'ResourceNotFoundException' });
  });

  it('runs the published version a qualifier names, and splits an alias by weight', async () => {
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'echo' }));
    await t.lambda.send(new UpdateFunctionCodeCommand({
      FunctionName: 'echo', ZipFile: makeZip({ 'index.js': 'exports.handler = async () => "two";\n' }),
    }));
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'echo' }));
    const v1 = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '1', Payload: '{}' }));
    assert.equal(v1.ExecutedVersion, '1');
    assert.equal(JSON.parse(text(v1.Payload)).version, '1');
    const v2 = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '2', Payload: '{}' }));
    assert.equal(text(v2.Payload), '"two"');
    await assert.rejects(t.lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '9' })), { name: 'ResourceNotFoundException' });

    await t.lambda.send(new CreateAliasCommand({
      FunctionName: 'echo', Name: 'canary', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.1 } },
    }));
    let onTwo = 0;
    for (let i = 0; i < 200; i++) {
      const res = await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: 'canary', Payload: '{}' }));
      if (res.ExecutedVersion === '2') onTwo++;
      else assert.equal(res.ExecutedVersion, '1');
    }
    assert.ok(onTwo >= 5 && onTwo <= 40, `version 2 ran ${onTwo} of 200 times at 10%`);
  });

  it('accepts a payload of exactly 6,291,456 bytes and reports a response over 6 MB as a function error', async () => {
    const payload = Buffer.from(JSON.stringify('x'.repeat(6 * 1024 * 1024 - 2)));
    assert.equal(payload.length, 6291456);
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'mirror', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async (e) => [e, e];\n' }) },
    }));
    const res = await t.lambda.send(new InvokeCommand({ FunctionName: 'mirror', Payload: payload }));
    assert.equal(res.StatusCode, 200);
    assert.equal(res.FunctionError, 'Unhandled');
    assert.equal(JSON.parse(text(res.Payload)).errorType, 'Function.ResponseSizeTooLarge');
  });

  it('writes the invocation log where the CloudWatch Logs API finds it', async () => {
    await t.lambda.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '1', Payload: JSON.stringify({ marker: 'find-me' }) }));
    // A search answers in pages, and a page may be empty (one call scans for a bounded time): read them all.
    const found: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await t.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/echo', filterPattern: '"find-me"', nextToken }));
      found.push(...(res.events ?? []).map((e) => e.message ?? ''));
      nextToken = res.nextToken;
      if (!nextToken) break;
    }
    assert.ok(found.some((m) => /find-me/.test(m)), JSON.stringify(found));
  });

  it('throttles a function whose reserved concurrency is 0 with 429', async () => {
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'throttled', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => 1;\n' }) },
    }));
    await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'throttled', ReservedConcurrentExecutions: 0 }));
    await assert.rejects(t.lambda.send(new InvokeCommand({ FunctionName: 'throttled', Payload: '{}' })),
      (err: Error & { Reason?: string; $metadata: { httpStatusCode?: number } }) => {
        assert.equal(err.name, 'TooManyRequestsException');
        assert.equal(err.$metadata.httpStatusCode, 429);
        assert.equal(err.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
        return true;
      });
  });
});
