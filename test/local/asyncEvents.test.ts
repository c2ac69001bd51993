import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateAliasCommand, CreateFunctionCommand, DeleteAliasCommand, DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand, InvokeCommand, ListFunctionEventInvokeConfigsCommand, PublishVersionCommand,
  PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand, UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { makeTempDir, makeZip, rawRequest, startTestLocal, type TestLocal } from './helpers';
import { parseAsyncLogLine } from '../../src/shared/lambda/asyncLog';

const ROLE = 'arn:aws:iam::123456789012:role/test';
const ARN = (name: string, qualifier?: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}${qualifier ? `:${qualifier}` : ''}`;
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:failed-events';
/** A minute of retry delay is 60 ms. */
const SCALE = 0.001;

interface Delivery {
  destination: string; type: string; condition: string; requestId: string; attempt: number; delivered: boolean; reason?: string;
  record: {
    version: string; timestamp: string;
    requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
    requestPayload: unknown; responseContext: { statusCode: number; executedVersion: string; functionError?: string }; responsePayload: unknown;
  };
}

/** Counts its runs per request id in COUNT_DIR and fails until the run FAIL_UNTIL; records what it got. */
const FLAKY = `const fs = require('fs'); const path = require('path');
exports.handler = async (event, context) => {
  const file = path.join(process.env.COUNT_DIR, context.awsRequestId);
  const n = (fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0) + 1;
  fs.writeFileSync(file, String(n));
  if (n < Number(process.env.FAIL_UNTIL)) throw new Error('run ' + n + ' failed');
  return { ran: n, got: event };
};
`;

/** Writes each record it receives to COUNT_DIR/sink-<request id of the record>.json. */
const SINK = `const fs = require('fs'); const path = require('path');
exports.handler = async (event) => {
  fs.writeFileSync(path.join(process.env.COUNT_DIR, 'sink-' + event.requestContext.requestId + '.json'), JSON.stringify(event));
  return 'kept';
};
`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function deliveries(t: TestLocal, fn: string): Promise<Delivery[]> {
  const res = await rawRequest(t.local, { method: 'GET', path: `/_local/destinations?function=${fn}`, sign: { service: 'lambda' } });
  assert.equal(res.status, 200, res.body);
  return (JSON.parse(res.body) as { Deliveries: Delivery[] }).Deliveries;
}

const firstDelivery = (t: TestLocal, fn: string) => until(`a record of ${fn}`, async () => (await deliveries(t, fn))[0]);

describe('Local Lambda asynchronous invocations', function () {
  this.timeout(30000);
  let t: TestLocal;
  let counts: string;
  const create = async (name: string, code: string, env: Record<string, string> = {}) => {
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: makeZip({ 'index.js': code }) }, Environment: { Variables: { COUNT_DIR: counts, ...env } },
    }));
  };
  const event = async (name: string, payload: unknown) =>
    t.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: JSON.stringify(payload) }));

  beforeEach(async () => {
    counts = makeTempDir('local-lambda-counts-');
    t = await startTestLocal({ asyncTimeScale: SCALE });
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(counts, { recursive: true, force: true });
  });

  it('puts, gets, updates, lists (in pages) and deletes event invoke configs per qualifier', async () => {
    await create('target', FLAKY, { FAIL_UNTIL: '1' });
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'target' }));
    await t.lambda.send(new CreateAliasCommand({ FunctionName: 'target', Name: 'live', FunctionVersion: '1' }));
    const before = Date.now();
    const put = await t.lambda.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: 'target', MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 120, DestinationConfig: { OnFailure: { Destination: QUEUE } },
    }));
    assert.equal(put.FunctionArn, ARN('target', '$LATEST'));
    assert.equal(put.MaximumRetryAttempts, 1);
    assert.equal(put.MaximumEventAgeInSeconds, 120);
    assert.equal(put.DestinationConfig?.OnFailure?.Destination, QUEUE);
    assert.ok(put.LastModified instanceof Date && put.LastModified.getTime() >= before - 1000, 'LastModified reads as a date');

    const updated = await t.lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'target', MaximumRetryAttempts: 0 }));
    assert.equal(updated.MaximumRetryAttempts, 0);
    assert.equal(updated.MaximumEventAgeInSeconds, 120, 'an update keeps what it does not name');
    assert.equal(updated.DestinationConfig?.OnFailure?.Destination, QUEUE);
    const replaced = await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'target', MaximumEventAgeInSeconds: 300 }));
    assert.equal(replaced.MaximumRetryAttempts, undefined, 'a put replaces the whole config');
    assert.equal(replaced.DestinationConfig?.OnFailure?.Destination, undefined);

    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'target', Qualifier: '1', MaximumRetryAttempts: 2 }));
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'target:live', MaximumRetryAttempts: 1 }));
    const alias = await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'target', Qualifier: 'live' }));
    assert.equal(alias.FunctionArn, ARN('target', 'live'));

    const first = await t.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'target', MaxItems: 2 }));
    assert.deepEqual(first.FunctionEventInvokeConfigs?.map((c) => c.FunctionArn), [ARN('target', '$LATEST'), ARN('target', '1')]);
    assert.ok(first.NextMarker);
    const second = await t.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'target', MaxItems: 2, Marker: first.NextMarker }));
    assert.deepEqual(second.FunctionEventInvokeConfigs?.map((c) => c.FunctionArn), [ARN('target', 'live')]);
    assert.equal(second.NextMarker, undefined);

    await t.lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'target', Qualifier: '1' }));
    await assert.rejects(t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'target', Qualifier: '1' })),
      { name: 'ResourceNotFoundException', message: `The function ${ARN('target', '1')} doesn't have an EventInvokeConfig` });
    await t.lambda.send(new DeleteAliasCommand({ FunctionName: 'target', Name: 'live' }));
    const left = await t.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'target' }));
    assert.deepEqual(left.FunctionEventInvokeConfigs?.map((c) => c.FunctionArn), [ARN('target', '$LATEST')], 'deleting an alias deletes its config');
  });

  it('retries a failing event with the same request id and delivers its success once to a local function', async () => {
    await create('flaky', FLAKY, { FAIL_UNTIL: '3' });
    await create('sink', SINK);
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'flaky', DestinationConfig: { OnSuccess: { Destination: ARN('sink') } } }));
    const sent = await event('flaky', { order: 7 });
    assert.equal(sent.StatusCode, 202);
    const delivery = await firstDelivery(t, 'flaky');
    assert.equal(delivery.condition, 'Success');
    assert.equal(delivery.type, 'Lambda');
    assert.equal(delivery.delivered, true, delivery.reason);
    assert.equal(delivery.attempt, 3);
    const { record } = delivery;
    assert.equal(record.version, '1.0');
    assert.match(record.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(record.requestContext, { requestId: delivery.requestId, functionArn: ARN('flaky', '$LATEST'), condition: 'Success', approximateInvokeCount: 3 });
    assert.deepEqual(record.requestPayload, { order: 7 });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
    assert.deepEqual(record.responsePayload, { ran: 3, got: { order: 7 } });
    assert.equal(fs.readFileSync(path.join(counts, delivery.requestId), 'utf8'), '3', 'three runs under one request id');

    const received = await until('the sink to get the record', async () => {
      const file = path.join(counts, `sink-${delivery.requestId}.json`);
      return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as Delivery['record'] : undefined;
    });
    assert.deepEqual(received, record, 'the destination function got the record as its event');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await deliveries(t, 'flaky')).length, 1, 'delivered once');

    const lines = await until('the attempt lines', async () => {
      const found = await t.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/flaky', filterPattern: `"${delivery.requestId}"` }));
      const parsed = (found.events ?? []).map((e) => parseAsyncLogLine(e.message ?? '')).filter((p) => p !== undefined);
      return parsed.length >= 4 ? parsed : undefined;
    });
    assert.deepEqual(lines.filter((l) => l.kind === 'attempt').map((l) => l.kind === 'attempt' && `${l.attempt} of ${l.of}`), ['1 of 3', '2 of 3', '3 of 3']);
    assert.deepEqual(lines.filter((l) => l.kind === 'destination'),
      [{ kind: 'destination', requestId: delivery.requestId, destinationKind: 'OnSuccess', destination: ARN('sink'), condition: 'Success' }]);

    const status = JSON.parse((await rawRequest(t.local, { method: 'GET', path: '/_local/status', sign: { service: 'lambda' } })).body) as
      { async: { queued: number; eventsReceived: number; eventsDropped: number; destinationDeliveryFailures: number; eventAge: { samples: number } } };
    assert.equal(status.async.eventsReceived, 2, 'the event and the record sent to the sink');
    assert.equal(status.async.eventsDropped, 0);
    assert.ok(status.async.eventAge.samples >= 4, 'an age for every run');
  });

  it('sends an event that keeps failing to OnFailure as RetriesExhausted, with both payloads', async () => {
    await create('broken', FLAKY, { FAIL_UNTIL: '99' });
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'broken', DestinationConfig: { OnFailure: { Destination: QUEUE } } }));
    await event('broken', { id: 'a' });
    const delivery = await firstDelivery(t, 'broken');
    assert.equal(delivery.condition, 'RetriesExhausted');
    assert.equal(delivery.type, 'SQS');
    assert.equal(delivery.delivered, false);
    assert.equal(delivery.reason, 'SQS queues are not emulated on the Local Lambda; the record is kept here only.');
    assert.equal(delivery.record.requestContext.approximateInvokeCount, 3);
    assert.deepEqual(delivery.record.requestPayload, { id: 'a' });
    assert.deepEqual(delivery.record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    const response = delivery.record.responsePayload as { errorType: string; errorMessage: string };
    assert.equal(response.errorType, 'Error');
    assert.equal(response.errorMessage, 'run 3 failed');
  });

  it('runs an event once when MaximumRetryAttempts is 0', async () => {
    await create('once', FLAKY, { FAIL_UNTIL: '99' });
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'once', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: QUEUE } } }));
    await event('once', {});
    const delivery = await firstDelivery(t, 'once');
    assert.equal(delivery.record.requestContext.approximateInvokeCount, 1);
    assert.equal(fs.readFileSync(path.join(counts, delivery.requestId), 'utf8'), '1');
  });

  it('drops a throttled event once it is older than MaximumEventAgeInSeconds, as EventAgeExceeded', async () => {
    await create('throttled', FLAKY, { FAIL_UNTIL: '1' });
    await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'throttled', ReservedConcurrentExecutions: 0 }));
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'throttled', MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: ARN('missing') } } }));
    const started = Date.now();
    await event('throttled', { n: 1 });
    const delivery = await firstDelivery(t, 'throttled');
    assert.ok(Date.now() - started >= 50, 'it waited its (scaled) minute');
    assert.equal(delivery.condition, 'EventAgeExceeded');
    assert.equal(delivery.record.requestContext.approximateInvokeCount, 0, 'the function never ran');
    assert.deepEqual(delivery.record.responseContext, { statusCode: 429, executedVersion: '$LATEST' });
    assert.deepEqual(delivery.record.responsePayload, { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' });
    assert.equal(delivery.delivered, false);
    assert.equal(delivery.reason, 'the function missing does not exist on this Local Lambda.');
    const status = JSON.parse((await rawRequest(t.local, { method: 'GET', path: '/_local/status', sign: { service: 'lambda' } })).body) as
      { async: { eventsDropped: number; destinationDeliveryFailures: number } };
    assert.equal(status.async.eventsDropped, 1);
    assert.equal(status.async.destinationDeliveryFailures, 1);
    assert.equal(fs.readdirSync(counts).length, 0, 'no run happened');
  });

  it('stops a function that is its own OnSuccess destination after 16 records, as a recursive loop', async () => {
    await create('loop', 'exports.handler = async () => "again";\n');
    await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'loop', DestinationConfig: { OnSuccess: { Destination: ARN('loop') } } }));
    await event('loop', { start: true });
    const stopped = await until('the loop to stop', async () => (await deliveries(t, 'loop')).find((d) => !d.delivered), 20000);
    assert.equal(stopped.reason, '16 functions in a row passed records to each other; the chain was stopped as a recursive loop.');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await deliveries(t, 'loop')).length, 16, 'nothing runs after the stop');
  });

  it('refuses an unsigned look at the destinations', async () => {
    const res = await rawRequest(t.local, { method: 'GET', path: '/_local/destinations' });
    assert.equal(res.status, 403);
  });
});

describe('Local Lambda asynchronous invocations from templates and across restarts', function () {
  this.timeout(30000);
  const cleanup: string[] = [];
  afterEach(() => {
    for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('reads EventInvokeConfig with !GetAtt to another function, and AWS::Lambda::EventInvokeConfig resources', async () => {
    const dir = makeTempDir();
    cleanup.push(dir);
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'index.js'), 'exports.handler = async (e) => { if (e.fail) throw new Error("asked"); return "done"; };\n');
    fs.writeFileSync(path.join(dir, 'template.yaml'), [
      'Transform: AWS::Serverless-2016-10-31',
      'Globals:',
      '  Function:',
      '    Runtime: nodejs20.x',
      '    Handler: index.handler',
      '    CodeUri: src/',
      'Resources:',
      '  Worker:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      EventInvokeConfig:',
      '        MaximumRetryAttempts: 0',
      '        MaximumEventAgeInSeconds: 600',
      '        DestinationConfig:',
      '          OnSuccess:',
      '            Type: Lambda',
      '            Destination: !GetAtt Other.Arn',
      '          OnFailure:',
      '            Type: SQS',
      '  Other:',
      '    Type: AWS::Serverless::Function',
      '  Third:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      EventInvokeConfig:',
      '        MaximumRetryAttempts: 5',
      '  ThirdConfig:',
      '    Type: AWS::Lambda::EventInvokeConfig',
      '    Properties:',
      '      FunctionName: !Ref Third',
      '      Qualifier: $LATEST',
      '      MaximumEventAgeInSeconds: 90',
      '      DestinationConfig:',
      '        OnFailure:',
      '          Destination: !GetAtt Worker.Arn',
      '',
    ].join('\n'));
    const t = await startTestLocal({ dir, asyncTimeScale: SCALE });
    try {
      const worker = await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Worker' }));
      assert.equal(worker.MaximumRetryAttempts, 0);
      assert.equal(worker.MaximumEventAgeInSeconds, 600);
      assert.equal(worker.DestinationConfig?.OnSuccess?.Destination, ARN('Other'));
      assert.equal(worker.DestinationConfig?.OnFailure?.Destination, 'arn:aws:sqs:us-east-1:123456789012:WorkerEventInvokeConfigOnFailureQueue');
      const warning = t.local.templates.warnings.find((w) => w.message.startsWith('Worker: EventInvokeConfig.DestinationConfig.OnFailure.Destination'));
      assert.ok(warning, JSON.stringify(t.local.templates.warnings));
      assert.match(warning.message, /SAM creates an SQS queue \(WorkerEventInvokeConfigOnFailureQueue\); it is not emulated here/);
      assert.equal(warning.line, 18, 'the warning points at OnFailure');
      const error = t.local.templates.errors.find((e) => e.message.startsWith('Third: EventInvokeConfig.MaximumRetryAttempts'));
      assert.deepEqual(error && { line: error.line, message: error.message },
        { line: 26, message: 'Third: EventInvokeConfig.MaximumRetryAttempts: must be a whole number from 0 to 2, not 5.' });
      const third = await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Third' }));
      assert.equal(third.MaximumEventAgeInSeconds, 90, 'the resource applies');
      assert.equal(third.DestinationConfig?.OnFailure?.Destination, ARN('Worker'));

      await t.lambda.send(new InvokeCommand({ FunctionName: 'Worker', InvocationType: 'Event', Payload: '{"n":1}' }));
      const delivery = await firstDelivery(t, 'Worker');
      assert.equal(delivery.delivered, true, delivery.reason);
      assert.equal(delivery.destination, ARN('Other'));
      assert.deepEqual(delivery.record.responsePayload, 'done');
    } finally {
      await t.close();
    }
  });

  it('keeps a queued event and its retry across a restart: the same request id runs again and its record says 2 runs', async () => {
    const dataDir = makeTempDir('local-lambda-data-');
    const countDir = makeTempDir('local-lambda-counts-');
    cleanup.push(dataDir, countDir);
    // The first retry waits a minute: 3 s at this scale, so the restart falls between the runs.
    const scale = 0.05;
    let t = await startTestLocal({ dataDir, asyncTimeScale: scale });
    let requestId: string;
    try {
      await t.lambda.send(new CreateFunctionCommand({
        FunctionName: 'survivor', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'index.js': FLAKY }) },
        Environment: { Variables: { COUNT_DIR: countDir, FAIL_UNTIL: '2' } },
      }));
      await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'survivor', DestinationConfig: { OnSuccess: { Destination: QUEUE } } }));
      const sent = await t.lambda.send(new InvokeCommand({ FunctionName: 'survivor', InvocationType: 'Event', Payload: JSON.stringify({ order: 7 }) }));
      assert.equal(sent.StatusCode, 202);
      requestId = await until('the first run', async () => fs.readdirSync(countDir).find((f) => fs.readFileSync(path.join(countDir, f), 'utf8') === '1'));
    } finally {
      await t.close();
    }
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'async-events.json'), 'utf8')) as { events: Array<{ requestId: string; runs: number }> };
    assert.deepEqual(saved.events.map((e) => [e.requestId, e.runs]), [[requestId, 1]]);
    assert.equal(fs.statSync(path.join(dataDir, 'async-events.json')).mode & 0o077, 0, 'the queue file is private');

    t = await startTestLocal({ dataDir, asyncTimeScale: scale });
    try {
      const record = await until('the record after the restart', async () => (await deliveries(t, 'survivor'))[0], 15_000);
      assert.equal(record.requestId, requestId);
      assert.equal(record.condition, 'Success');
      assert.equal(record.record.requestContext.approximateInvokeCount, 2);
      assert.deepEqual(record.record.requestPayload, { order: 7 });
      assert.deepEqual(record.record.responsePayload, { ran: 2, got: { order: 7 } });
      assert.equal(fs.readFileSync(path.join(countDir, requestId), 'utf8'), '2', 'run once more, not from the start');
    } finally {
      await t.close();
    }
    const after = JSON.parse(fs.readFileSync(path.join(dataDir, 'async-events.json'), 'utf8')) as { events: unknown[] };
    assert.deepEqual(after.events, [], 'a finished event leaves the queue file');
  });

  it('keeps event invoke configs across a restart', async () => {
    const dataDir = makeTempDir('local-lambda-data-');
    cleanup.push(dataDir);
    let t = await startTestLocal({ dataDir });
    try {
      await t.lambda.send(new CreateFunctionCommand({
        FunctionName: 'kept', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => 1;' }) },
      }));
      await t.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'kept', MaximumRetryAttempts: 1, DestinationConfig: { OnSuccess: { Destination: QUEUE } } }));
    } finally {
      await t.close();
    }
    t = await startTestLocal({ dataDir });
    try {
      const config = await t.lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'kept' }));
      assert.equal(config.MaximumRetryAttempts, 1);
      assert.equal(config.DestinationConfig?.OnSuccess?.Destination, QUEUE);
    } finally {
      await t.close();
    }
  });
});
