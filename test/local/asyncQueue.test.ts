import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { AsyncEvents } from '../../src/local/lambda/asyncEvents';
import { CodeWatcher } from '../../src/local/lambda/codeWatch';
import { DEFAULT_SETTINGS } from '../../src/local/lambda/requests';
import { LambdaStore } from '../../src/local/lambda/store';
import { ApiError } from '../../src/local/http';
import type { InvokeOutcome, InvokeRequest, LogEventInput } from '../../src/local/types';
import { makeTempDir, makeZip } from './helpers';

/** The queue on its own, with a stand-in runtime: its bound, and what close() leaves behind. */
describe('Local Lambda async queue', () => {
  let dataDir: string;
  let store: LambdaStore;
  const runs: InvokeRequest[] = [];
  const logged: Array<{ stream: string; events: LogEventInput[] }> = [];
  const outcome = (functionError?: 'Unhandled'): InvokeOutcome => ({
    payload: Buffer.from(functionError ? '{"errorMessage":"no"}' : 'not json'), functionError, log: '', durationMs: 1, billedDurationMs: 1, maxMemoryUsedMB: 1, logStreamName: 'stream-1',
  });
  const queue = (invoke: (req: InvokeRequest) => Promise<InvokeOutcome>, maxQueuedEvents = 3) => new AsyncEvents({
    store, codeWatcher: new CodeWatcher(), timeScale: 0.0001, maxQueuedEvents,
    invoker: { invoke: (_spec, req) => { runs.push(req); return invoke(req); } },
    logSink: { write: (_group, stream, events) => { logged.push({ stream, events }); } },
  });

  beforeEach(() => {
    dataDir = makeTempDir('local-lambda-data-');
    store = new LambdaStore(dataDir);
    store.create('f', 'upload', { ...DEFAULT_SETTINGS, runtime: 'nodejs20.x', handler: 'index.handler' }, store.storeZip('f', makeZip({ 'index.js': '' })));
    runs.length = 0;
    logged.length = 0;
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('refuses an event past its bound with 429 TooManyRequestsException, and takes one again once there is room', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const events = queue(async () => { await gate; return outcome(); });
    const fn = store.get('f');
    for (const id of ['a', 'b', 'c']) events.enqueue(fn, undefined, Buffer.from('{}'), id);
    assert.throws(() => events.enqueue(fn, undefined, Buffer.from('{}'), 'd'), (err: ApiError) => err.status === 429 && err.type === 'TooManyRequestsException' &&
      /^The Local Lambda's asynchronous queue is full \(3 events, 0 MB held; at most 3 events and 256 MB\); try again once some have run\.$/.test(err.message));
    release();
    const deadline = Date.now() + 2000;
    while (events.queued > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(events.queued, 0);
    events.enqueue(fn, undefined, Buffer.from('{}'), 'e');
    events.close();
    await events.drain();
  });

  it('gives a response that is not JSON as a string in the record, and writes its DESTINATION line into the attempt\'s stream', async () => {
    const events = queue(async () => outcome());
    const fn = store.get('f');
    store.putEventInvokeConfig(fn, { qualifier: '$LATEST', onSuccess: 'arn:aws:sns:us-east-1:123456789012:done', lastModified: Date.now() });
    events.enqueue(fn, undefined, Buffer.from('{"x":1}'), 'r1');
    const deadline = Date.now() + 2000;
    while (events.deliveries('f').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const [delivery] = events.deliveries('f');
    assert.equal(delivery.record.responsePayload, 'not json');
    assert.deepEqual(runs[0].logLines, ['ASYNC RequestId: r1 Attempt: 1 of 3']);
    assert.deepEqual(logged.map((l) => [l.stream, l.events.map((e) => e.message)]), [['stream-1', [
      'DESTINATION RequestId: r1 OnSuccess: arn:aws:sns:us-east-1:123456789012:done Condition: Success',
      'RequestId: r1 The record was not delivered: SNS topics are not emulated on the Local Lambda; the record is kept here only.',
    ]]]);
    events.close();
  });

  it('drops what waits for a retry on close, and runs nothing afterwards', async () => {
    const events = queue(async () => outcome('Unhandled'));
    events.enqueue(store.get('f'), undefined, Buffer.from('{}'), 'x');
    const deadline = Date.now() + 2000;
    while (runs.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    events.close();
    await events.drain();
    const seen = runs.length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(runs.length, seen, 'no retry after close');
    assert.equal(events.queued, 0);
  });
});
