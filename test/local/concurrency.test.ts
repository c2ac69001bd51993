import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateFunctionCommand, InvokeCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { RuntimeManager, type RuntimeManagerOptions } from '../../src/local/runtime/manager';
import { defaultEnvironmentCap, fitsAnother } from '../../src/local/runtime/capacity';
import { TooManyRequestsError, type ExecutionSpec, type InvokeOutcome, type InvokeRequest, type LogSink } from '../../src/local/types';
import { REPO_ROOT } from '../support/repo';
import { makeZip, rawRequest, startTestLocal } from './helpers';

const fixtures = path.join(REPO_ROOT, 'test', 'local', 'fixtures', 'runtime');
const ROLE = 'arn:aws:iam::123456789012:role/test-role';
const sink: LogSink = { write: () => undefined };

function spec(overrides: Partial<ExecutionSpec> = {}): ExecutionSpec {
  const functionName = overrides.functionName ?? 'conc-fn';
  return {
    functionName, version: '$LATEST', functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    codeDir: fixtures, handler: 'cjs.sleep', runtime: 'nodejs20.x', memorySize: 128, timeout: 5, ephemeralStorage: 512,
    environment: {}, region: 'us-east-1', accountId: '123456789012', logGroupName: `/aws/lambda/${functionName}`, revisionKey: 'r1',
    ...overrides,
  };
}

function request(event: unknown, extra: Partial<InvokeRequest> = {}): InvokeRequest {
  return { requestId: randomUUID(), payload: Buffer.from(JSON.stringify(event)), invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:conc-fn', ...extra };
}

function pidOf(outcome: InvokeOutcome): number {
  assert.equal(outcome.functionError, undefined, outcome.payload.toString());
  return (JSON.parse(outcome.payload.toString()) as { pid: number }).pid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Rejects unless the promise fails with a throttle of this reason; gives the time it took. */
async function throttled(p: Promise<unknown>, reason: TooManyRequestsError['reason']): Promise<number> {
  const started = Date.now();
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TooManyRequestsError, String(err));
    assert.equal(err.reason, reason);
    return true;
  });
  return Date.now() - started;
}

describe('Local Lambda concurrency', function () {
  this.timeout(30_000);
  let dataDir: string;
  let manager: RuntimeManager | undefined;
  const start = (opts: Partial<RuntimeManagerOptions>) => (manager = new RuntimeManager({ logSink: sink, dataDir, ...opts }));

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'concurrency-test-'));
  });
  afterEach(async () => {
    await manager?.shutdown();
    manager = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('defaults', () => {
    it('caps environments at two per CPU, from 2 to 16, and by the memory the functions declare', () => {
      assert.deepEqual([1, 2, 3, 4, 8, 64].map((n) => defaultEnvironmentCap(n)), [2, 4, 6, 8, 16, 16]);
      assert.equal(fitsAnother({ count: 0, memoryMb: 0 }, 20_000, 4, 1000), true, 'the first always fits');
      assert.equal(fitsAnother({ count: 3, memoryMb: 384 }, 128, 4, 10_000), true);
      assert.equal(fitsAnother({ count: 4, memoryMb: 512 }, 128, 4, 10_000), false, 'the cap');
      assert.equal(fitsAnother({ count: 2, memoryMb: 256 }, 128, 4, 300), false, 'the memory budget');
    });

    it('takes on the default account quota (1000 at once) and a memory-aware environment cap', () => {
      const stats = start({}).stats();
      assert.equal(stats.maxConcurrency, 1000);
      assert.equal(stats.maxEnvironments, defaultEnvironmentCap());
      assert.ok(stats.memoryBudgetMb > 0);
    });
  });

  describe('queueing', () => {
    it('makes requests beyond the environment cap wait for a free one instead of refusing them', async () => {
      const m = start({ maxEnvironments: 2 });
      const started = Date.now();
      const outs = await Promise.all(Array.from({ length: 6 }, () => m.invoke(spec(), request({ ms: 250 }))));
      const pids = new Set(outs.map(pidOf));
      assert.equal(pids.size, 2, 'two environments served all six');
      assert.ok(Date.now() - started >= 700, 'three rounds of 250 ms, one after the other');
      assert.equal(m.stats().environments, 2);
      assert.equal(m.stats().waiting, 0);
    });

    it('holds environments to the memory budget by MemorySize, and still runs a function larger than it', async () => {
      const m = start({ maxEnvironments: 8, memoryBudgetMb: 300 });
      const outs = await Promise.all(Array.from({ length: 4 }, () => m.invoke(spec(), request({ ms: 150 }))));
      assert.equal(new Set(outs.map(pidOf)).size, 2, '300 MB holds two of 128 MB');
      const big = await m.invoke(spec({ functionName: 'big', memorySize: 1024 }), request({ ms: 1 }));
      pidOf(big);
    });

    it('serves waiting requests first come first served, across functions', async () => {
      const m = start({ maxEnvironments: 1 });
      const order: string[] = [];
      const run = (name: string, ms: number) => m.invoke(spec({ functionName: name }), request({ ms })).then((o) => { pidOf(o); order.push(name); });
      const first = run('a', 300);
      await sleep(50);
      const second = run('b', 1);
      await sleep(20);
      const third = run('a', 1);
      await Promise.all([first, second, third]);
      assert.deepEqual(order, ['a', 'b', 'a']);
    });

    it('answers 429 at once when the queue is full', async () => {
      const m = start({ maxEnvironments: 1, queueLength: 2 });
      const running = [0, 1, 2].map(() => m.invoke(spec(), request({ ms: 400 })));
      await sleep(50);
      assert.equal(m.stats().waiting, 2);
      const took = await throttled(m.invoke(spec(), request({ ms: 1 })), 'ConcurrentInvocationLimitExceeded');
      assert.ok(took < 200, `refused in ${took} ms`);
      for (const out of await Promise.all(running)) pidOf(out);
    });

    it('answers 429 when a request waited past the queue wait', async () => {
      const m = start({ maxEnvironments: 1, queueWaitMs: 200 });
      const running = m.invoke(spec(), request({ ms: 1200 }));
      await sleep(50);
      const took = await throttled(m.invoke(spec(), request({ ms: 1 })), 'ConcurrentInvocationLimitExceeded');
      assert.ok(took >= 180 && took < 1000, `waited ${took} ms`);
      assert.equal(m.stats().waiting, 0);
      pidOf(await running);
    });
  });

  describe('limits answered at once', () => {
    it('answers 429 ConcurrentInvocationLimitExceeded past an explicit max, counting the waiting ones', async () => {
      const m = start({ maxConcurrency: 3, maxEnvironments: 1 });
      const running = [0, 1, 2].map(() => m.invoke(spec(), request({ ms: 300 })));
      await sleep(50);
      const took = await throttled(m.invoke(spec(), request({ ms: 1 })), 'ConcurrentInvocationLimitExceeded');
      assert.ok(took < 200, `refused in ${took} ms`);
      for (const out of await Promise.all(running)) pidOf(out);
      pidOf(await m.invoke(spec(), request({ ms: 1 })));
    });

    it('answers 429 ReservedFunctionConcurrentInvocationLimitExceeded past a reservation, while others still queue', async () => {
      const m = start({ maxEnvironments: 1 });
      const reserved = spec({ functionName: 'reserved', reservedConcurrency: 1 });
      const running = m.invoke(reserved, request({ ms: 300 }));
      await sleep(50);
      const took = await throttled(m.invoke(reserved, request({ ms: 1 })), 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.ok(took < 200, `refused in ${took} ms`);
      // Another function waits for the one environment rather than being refused.
      const other = m.invoke(spec({ functionName: 'other' }), request({ ms: 1 }));
      pidOf(await running);
      pidOf(await other);
    });
  });

  describe('asynchronous invocations', () => {
    it('refuses a throttled Event attempt at once, so the async queue decides when to try again', async () => {
      const m = start({ maxEnvironments: 1, queueLength: 0 });
      const reserved = spec({ functionName: 'events', reservedConcurrency: 1 });
      const running = m.invoke(reserved, request({ ms: 300 }));
      await sleep(50);
      const started = Date.now();
      await assert.rejects(m.invoke(reserved, request({ ms: 1 }, { invocationType: 'Event' })),
        (err: Error & { reason?: string }) => err.name === 'TooManyRequestsException' && err.reason === 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.ok(Date.now() - started < 200, 'without waiting for the running call');
      pidOf(await running);
    });
  });

  describe('idle retirement', () => {
    it('stops environments idle past the idle time, so their processes and memory go', async () => {
      const m = start({ idleTimeoutMs: 150 });
      const pids = (await Promise.all([0, 1].map(() => m.invoke(spec(), request({ ms: 50 }))))).map(pidOf);
      assert.equal(m.stats().environments, 2);
      assert.ok(pids.every(processExists));
      const deadline = Date.now() + 3000;
      while ((m.stats().environments > 0 || pids.some(processExists)) && Date.now() < deadline) await sleep(25);
      assert.equal(m.stats().environments, 0);
      assert.ok(!pids.some(processExists), 'the runtime processes exited');
      const again = await m.invoke(spec(), request({ ms: 1 }));
      assert.ok(!pids.includes(pidOf(again)));
      assert.ok(again.initDurationMs !== undefined, 'a cold start');
    });

    it('never stops an environment under an invocation handed to it as its idle time runs out', async () => {
      const m = start({ idleTimeoutMs: 40, maxEnvironments: 1 });
      let cold = 0;
      let warm = 0;
      for (let i = 0; i < 30; i++) {
        const out = await m.invoke(spec({ handler: 'cjs.handler' }), request({}));
        assert.equal(out.functionError, undefined, `call ${i}: ${out.payload.toString()}`);
        if (out.initDurationMs !== undefined) cold++;
        else warm++;
        // Gaps on both sides of the idle time (and of the reaper's 20 ms rounds).
        await sleep(20 + ((i * 7) % 50));
      }
      assert.ok(cold > 1 && warm > 1, `the idle time ran out between some calls and not others (cold ${cold}, warm ${warm})`);
      assert.ok(m.stats().environments <= 1);
    });
  });

  describe('over HTTP with the AWS SDK', () => {
    it('queues concurrent Invoke calls under the default limits: no 429, few processes', async () => {
      const t = await startTestLocal({ maxEnvironments: 2 });
      try {
        await t.lambda.send(new CreateFunctionCommand({
          FunctionName: 'slow', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
          Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 150)); return process.pid; };\n' }) },
        }));
        const outs = await Promise.all(Array.from({ length: 8 }, () => t.lambda.send(new InvokeCommand({ FunctionName: 'slow', Payload: '{}' }))));
        assert.deepEqual(outs.map((o) => o.StatusCode), Array(8).fill(200));
        assert.equal(new Set(outs.map((o) => Buffer.from(o.Payload ?? []).toString())).size, 2);
        const status = await rawRequest(t.local, { method: 'GET', path: '/_local/status', sign: { service: 'lambda' } });
        const { concurrency } = JSON.parse(status.body) as { concurrency: Record<string, number> };
        assert.deepEqual([concurrency.environments, concurrency.waiting, concurrency.inFlight, concurrency.maxEnvironments, concurrency.maxConcurrency], [2, 0, 0, 2, 1000],
          'the status shows what runs and the limits');
      } finally {
        await t.close();
      }
    });

    it('answers an Event call 202 while its function is at its reservation, and runs it afterwards', async () => {
      const t = await startTestLocal();
      try {
        await t.lambda.send(new CreateFunctionCommand({
          FunctionName: 'later', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
          Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async (e) => { console.log(`ran ${e.mark}`); await new Promise((r) => setTimeout(r, e.ms)); return 1; };\n' }) },
        }));
        await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'later', ReservedConcurrentExecutions: 1 }));
        const running = t.lambda.send(new InvokeCommand({ FunctionName: 'later', Payload: JSON.stringify({ mark: 'sync', ms: 500 }) }));
        await sleep(150);
        const event = await t.lambda.send(new InvokeCommand({ FunctionName: 'later', InvocationType: 'Event', Payload: JSON.stringify({ mark: 'queued-event', ms: 1 }) }));
        assert.equal(event.StatusCode, 202);
        assert.equal((await running).StatusCode, 200);
        const deadline = Date.now() + 8000;
        let found = false;
        while (!found && Date.now() < deadline) {
          const events = await t.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/later', filterPattern: '"ran queued-event"' }));
          found = (events.events ?? []).length > 0;
          if (!found) await sleep(200);
        }
        assert.ok(found, 'the throttled event ran once the reservation had room');
      } finally {
        await t.close();
      }
    });

    it('answers a reserved concurrency exceeded with 429, its Reason and Retry-After, at once', async () => {
      const t = await startTestLocal();
      try {
        await t.lambda.send(new CreateFunctionCommand({
          FunctionName: 'one-at-a-time', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
          Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 600)); return 1; };\n' }) },
        }));
        await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'one-at-a-time', ReservedConcurrentExecutions: 1 }));
        const running = t.lambda.send(new InvokeCommand({ FunctionName: 'one-at-a-time', Payload: '{}' }));
        await sleep(150);
        const started = Date.now();
        await assert.rejects(t.lambda.send(new InvokeCommand({ FunctionName: 'one-at-a-time', Payload: '{}' })),
          (err: Error & { Reason?: string; retryAfterSeconds?: string; $metadata: { httpStatusCode?: number } }) => {
            assert.equal(err.name, 'TooManyRequestsException');
            assert.equal(err.$metadata.httpStatusCode, 429);
            assert.equal(err.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
            assert.equal(err.retryAfterSeconds, '1');
            return true;
          });
        assert.ok(Date.now() - started < 400, 'refused without waiting for the running call');
        assert.equal((await running).StatusCode, 200);
      } finally {
        await t.close();
      }
    });
  });
});
