import * as assert from 'assert';
import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { RuntimeManager } from '../../src/local/runtime/manager';
import { TooManyRequestsError, type ExecutionSpec, type InvokeOutcome, type InvokeRequest, type LogSink } from '../../src/local/types';
import { REPO_ROOT } from '../support/repo';

const fixtures = path.join(REPO_ROOT, 'test', 'local', 'fixtures', 'runtime');

interface SunkEvent {
  group: string;
  stream: string;
  timestamp: number;
  message: string;
}

class MemoryLogSink implements LogSink {
  readonly events: SunkEvent[] = [];
  write(group: string, stream: string, events: { timestamp: number; message: string }[]): void {
    for (const e of events) this.events.push({ group, stream, ...e });
  }
}

function makeSpec(overrides: Partial<ExecutionSpec> = {}): ExecutionSpec {
  const functionName = overrides.functionName ?? 'fixture-fn';
  return {
    functionName,
    version: '$LATEST',
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    codeDir: fixtures,
    handler: 'cjs.handler',
    runtime: 'nodejs20.x',
    memorySize: 128,
    timeout: 3,
    ephemeralStorage: 512,
    environment: {},
    region: 'us-east-1',
    accountId: '123456789012',
    logGroupName: `/aws/lambda/${functionName}`,
    revisionKey: 'r1',
    ...overrides,
  };
}

function makeRequest(event: unknown, extra: Partial<InvokeRequest> = {}): InvokeRequest {
  return {
    requestId: randomUUID(),
    payload: Buffer.from(JSON.stringify(event)),
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fixture-fn',
    ...extra,
  };
}

// The payloads are arbitrary JSON documents whose fields each test checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function json(outcome: InvokeOutcome): any {
  return JSON.parse(outcome.payload.toString('utf8'));
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const REPORT_RE =
  /^REPORT RequestId: ([0-9a-f-]{36})\tDuration: (\d+\.\d{2}) ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB\tMax Memory Used: (\d+) MB\t(?:Init Duration: (\d+\.\d{2}) ms\t)?$/;

describe('RuntimeManager', function () {
  let sink: MemoryLogSink;
  let dataDir: string;
  let manager: RuntimeManager;

  beforeEach(() => {
    sink = new MemoryLogSink();
    dataDir = mkdtempSync(path.join(tmpdir(), 'runtime-test-'));
    manager = new RuntimeManager({ logSink: sink, dataDir });
  });

  afterEach(async () => {
    await manager.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('Node.js', () => {
    it('runs an async CommonJS handler with the event and a Lambda context', async () => {
      const req = makeRequest({ hello: 'world' }, { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fixture-fn:live' });
      const out = await manager.invoke(makeSpec(), req);
      assert.strictEqual(out.functionError, undefined);
      const body = json(out);
      assert.deepStrictEqual(body.event, { hello: 'world' });
      assert.strictEqual(body.requestId, req.requestId);
      assert.strictEqual(body.functionName, 'fixture-fn');
      assert.strictEqual(body.functionVersion, '$LATEST');
      assert.strictEqual(body.memoryLimitInMB, '128');
      assert.strictEqual(body.invokedFunctionArn, req.invokedFunctionArn);
      assert.match(body.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);

      const lines = out.log.split('\n');
      assert.strictEqual(lines[0], `START RequestId: ${req.requestId} Version: $LATEST`);
      assert.match(lines[1], new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${req.requestId}\\tINFO\\thandling {"hello":"world"}$`));
      assert.strictEqual(lines[2], `END RequestId: ${req.requestId}`);
      assert.match(lines[3], REPORT_RE);

      const written = sink.events.filter((e) => e.message.includes(req.requestId));
      assert.ok(written.length >= 4);
      for (const e of written) {
        assert.strictEqual(e.group, '/aws/lambda/fixture-fn');
        assert.strictEqual(e.stream, body.logStreamName);
      }
    });

    it('supports callback-style handlers, successful and failing', async () => {
      const ok = await manager.invoke(makeSpec({ handler: 'callback.handler' }), makeRequest({ n: 21 }));
      assert.deepStrictEqual(json(ok), { doubled: 42 });
      const bad = await manager.invoke(makeSpec({ handler: 'callback.failing', functionName: 'cb-fail' }), makeRequest({}));
      assert.strictEqual(bad.functionError, 'Unhandled');
      assert.strictEqual(json(bad).errorMessage, 'callback failure');
    });

    it('loads an ES module (.mjs) with top-level await', async () => {
      const out = await manager.invoke(makeSpec({ handler: 'esm.handler' }), makeRequest({ a: 1 }));
      assert.deepStrictEqual(json(out), { module: 'esm.mjs', loadedAt: 'top-level await works', echo: { a: 1 } });
    });

    it('loads a .js ES module from a package with "type": "module"', async () => {
      const out = await manager.invoke(makeSpec({ handler: 'index.handler', codeDir: path.join(fixtures, 'esm-package') }), makeRequest({ b: 2 }));
      assert.deepStrictEqual(json(out), { kind: 'esm', echo: { b: 2 } });
    });

    it('returns null when the handler returns nothing', async () => {
      const out = await manager.invoke(makeSpec({ handler: 'cjs.nothing' }), makeRequest({}));
      assert.strictEqual(out.functionError, undefined);
      assert.strictEqual(out.payload.toString(), 'null');
    });

    it('counts getRemainingTimeInMillis down from the timeout', async () => {
      const out = await manager.invoke(makeSpec({ handler: 'cjs.remaining', timeout: 5 }), makeRequest({}));
      const { first, second } = json(out);
      assert.ok(first <= 5000 && first > 4500, `first=${first}`);
      assert.ok(first - second >= 180, `first=${first} second=${second}`);
    });

    it('reports a thrown error with its type, message and trace', async () => {
      const out = await manager.invoke(makeSpec({ handler: 'cjs.fails' }), makeRequest({}));
      assert.strictEqual(out.functionError, 'Unhandled');
      const doc = json(out);
      assert.strictEqual(doc.errorType, 'TypeError');
      assert.strictEqual(doc.errorMessage, 'the input was not what I expected');
      assert.ok(Array.isArray(doc.trace) && doc.trace.some((l: string) => l.includes('cjs.js')), JSON.stringify(doc.trace));
      assert.ok(!doc.trace.some((l: string) => /nodeBootstrap/.test(l)), `the trace ends at the function's own frames: ${JSON.stringify(doc.trace)}`);
      assert.match(out.log, /\tERROR\tInvoke Error \t\{"errorType":"TypeError"/);
    });

    it('reports an error thrown while the module loads, on every invoke', async () => {
      const spec = makeSpec({ handler: 'init-fails.handler', functionName: 'init-fails' });
      for (let i = 0; i < 2; i++) {
        const out = await manager.invoke(spec, makeRequest({}));
        assert.strictEqual(out.functionError, 'Unhandled');
        const doc = json(out);
        assert.strictEqual(doc.errorType, 'Error');
        assert.strictEqual(doc.errorMessage, 'cannot connect to the database at load time');
        assert.match(out.log, /Uncaught Exception/);
        assert.match(out.log.split('\n').pop() ?? '', REPORT_RE);
      }
    });

    it('names a missing handler export clearly', async () => {
      const out = await manager.invoke(makeSpec({ handler: 'cjs.doesNotExist' }), makeRequest({}));
      assert.strictEqual(json(out).errorType, 'Runtime.HandlerNotFound');
      assert.match(json(out).errorMessage, /cjs\.doesNotExist is undefined or not exported/);
    });

    it('keeps multi-line console output as one log event and captures stderr', async () => {
      const out = await manager.invoke(makeSpec({ handler: 'cjs.multiline' }), makeRequest({}));
      assert.ok(sink.events.some((e) => /\tINFO\tfirst line\nsecond line$/.test(e.message)));
      assert.match(out.log, /\tERROR\tbad thing/);
    });

    it('rejects a response larger than 6 MB with Function.ResponseSizeTooLarge', async () => {
      const out = await manager.invoke(makeSpec({ handler: 'cjs.big' }), makeRequest({}));
      assert.strictEqual(out.functionError, 'Unhandled');
      assert.strictEqual(json(out).errorType, 'Function.ResponseSizeTooLarge');
      assert.ok(out.payload.length < 1024);
    });

    it('keeps output without a trailing newline inside its own invocation', async () => {
      const spec = makeSpec({ handler: 'cjs.partial' });
      const first = await manager.invoke(spec, makeRequest({}));
      const lines = first.log.split('\n');
      assert.strictEqual(lines[1], 'no newline at the end');
      assert.match(lines[2], /^END /);
    });

    it('passes the client context to the handler', async () => {
      const clientContext = Buffer.from(JSON.stringify({ custom: { tenant: 'a' } })).toString('base64');
      const out = await manager.invoke(makeSpec(), makeRequest({}, { clientContext }));
      assert.deepStrictEqual(json(out).clientContext, { custom: { tenant: 'a' } });
    });
  });

  describe('Python', function () {
    before(function () {
      if (!hasPython()) {
        console.warn('    python3 is not installed: skipping the Python runtime tests');
        this.skip();
      }
    });

    it('runs a Python handler in a warm, reused process', async () => {
      const spec = makeSpec({ runtime: 'python3.12', handler: 'app.handler', functionName: 'py' });
      const first = await manager.invoke(spec, makeRequest({ name: 'ada' }));
      assert.strictEqual(first.functionError, undefined, first.payload.toString());
      const doc = json(first);
      assert.strictEqual(doc.counter, 1);
      assert.strictEqual(doc.name, 'ada');
      assert.strictEqual(doc.functionName, 'py');
      assert.strictEqual(doc.region, 'us-east-1');
      assert.ok(doc.remaining > 2000 && doc.remaining <= 3000);
      assert.match(first.log, /python saw \{'name': 'ada'\}/);
      assert.ok(first.initDurationMs !== undefined);
      const second = await manager.invoke(spec, makeRequest({ name: 'bob' }));
      assert.strictEqual(json(second).counter, 2);
      assert.strictEqual(second.initDurationMs, undefined);
    });

    it('reports a Python exception', async () => {
      const out = await manager.invoke(makeSpec({ runtime: 'python3.12', handler: 'app.fails', functionName: 'py' }), makeRequest({ name: 'x' }));
      assert.strictEqual(out.functionError, 'Unhandled');
      const doc = json(out);
      assert.strictEqual(doc.errorType, 'ValueError');
      assert.strictEqual(doc.errorMessage, 'python does not like x');
      assert.ok(doc.stackTrace.some((l: string) => l.includes('app.py')));
      assert.ok(!doc.stackTrace.some((l: string) => l.includes('bootstrap.py')), `only the function's own frames: ${JSON.stringify(doc.stackTrace)}`);
      assert.match(out.log, /\[ERROR\] ValueError: python does not like x/);
    });

    it('reports a missing Python module as an import error', async () => {
      const out = await manager.invoke(makeSpec({ runtime: 'python3.12', handler: 'nope.handler', functionName: 'py' }), makeRequest({}));
      assert.strictEqual(json(out).errorType, 'Runtime.ImportModuleError');
      assert.match(json(out).errorMessage, /Unable to import module 'nope'/);
    });
  });

  it('explains that python3 is needed when it is not on PATH', async () => {
    const savedPath = process.env.PATH;
    const emptyDir = mkdtempSync(path.join(tmpdir(), 'no-python-'));
    process.env.PATH = emptyDir;
    try {
      const out = await manager.invoke(makeSpec({ runtime: 'python3.12', handler: 'app.handler', functionName: 'py' }), makeRequest({}));
      assert.strictEqual(out.functionError, 'Unhandled');
      assert.strictEqual(json(out).errorMessage, 'python3 was not found on PATH; install it to run python3.12 functions locally');
      assert.match(out.log, /python3 was not found on PATH/);
    } finally {
      process.env.PATH = savedPath;
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  describe('provided runtimes', () => {
    it("runs the function's own bootstrap executable", async function () {
      try {
        execFileSync('curl', ['--version'], { stdio: 'ignore' });
      } catch {
        console.warn('    curl is not installed: the shell bootstrap fixture cannot run');
        this.skip();
      }
      const spec = makeSpec({ runtime: 'provided.al2023', handler: 'my.handler', codeDir: path.join(fixtures, 'provided') });
      const req = makeRequest({ x: 1 });
      const out = await manager.invoke(spec, req);
      assert.deepStrictEqual(json(out), { handler: 'my.handler', event: { x: 1 } });
      assert.match(out.log, new RegExp(`custom runtime got ${req.requestId}`));
    });

    it('explains a missing bootstrap', async () => {
      const spec = makeSpec({ runtime: 'provided.al2', codeDir: path.join(fixtures, 'provided-missing') });
      const out = await manager.invoke(spec, makeRequest({}));
      assert.strictEqual(out.functionError, 'Unhandled');
      assert.strictEqual(json(out).errorType, 'Runtime.InvalidEntrypoint');
      assert.match(json(out).errorMessage, /Couldn't find valid bootstrap/);
    });
  });

  describe('pooling', () => {
    it('reuses a warm environment, reporting Init Duration only on the cold start', async () => {
      const spec = makeSpec();
      const cold = await manager.invoke(spec, makeRequest({}));
      const warm = await manager.invoke(spec, makeRequest({}));
      assert.strictEqual(json(cold).count, 1);
      assert.strictEqual(json(warm).count, 2);
      assert.strictEqual(json(warm).pid, json(cold).pid);
      assert.ok(cold.initDurationMs !== undefined && cold.initDurationMs > 0);
      assert.strictEqual(warm.initDurationMs, undefined);
      assert.match(cold.log, /\tInit Duration: \d+\.\d{2} ms\t$/);
      assert.doesNotMatch(warm.log, /Init Duration/);
    });

    it('stops environments that stay idle past the idle timeout', async () => {
      await manager.shutdown();
      manager = new RuntimeManager({ logSink: sink, dataDir, idleTimeoutMs: 150 });
      const first = await manager.invoke(makeSpec(), makeRequest({}));
      await new Promise((r) => setTimeout(r, 500));
      const second = await manager.invoke(makeSpec(), makeRequest({}));
      assert.notStrictEqual(json(second).pid, json(first).pid);
      assert.ok(second.initDurationMs !== undefined);
    });

    it('starts a fresh environment when the revision changes', async () => {
      const first = await manager.invoke(makeSpec({ revisionKey: 'a' }), makeRequest({}));
      const second = await manager.invoke(makeSpec({ revisionKey: 'b' }), makeRequest({}));
      assert.notStrictEqual(json(second).pid, json(first).pid);
      assert.strictEqual(json(second).count, 1);
    });

    it('gives concurrent invocations separate environments up to an explicit limit, then throttles', async () => {
      await manager.shutdown();
      manager = new RuntimeManager({ logSink: sink, dataDir, maxConcurrency: 3, maxEnvironments: 3 });
      const spec = makeSpec({ handler: 'cjs.sleep' });
      const running = [1, 2, 3].map(() => manager.invoke(spec, makeRequest({ ms: 400 })));
      await assert.rejects(manager.invoke(spec, makeRequest({ ms: 1 })), (err: unknown) => {
        assert.ok(err instanceof TooManyRequestsError);
        assert.strictEqual(err.reason, 'ConcurrentInvocationLimitExceeded');
        return true;
      });
      const outs = await Promise.all(running);
      assert.strictEqual(new Set(outs.map((o) => json(o).pid)).size, 3);
      const after = await manager.invoke(spec, makeRequest({ ms: 1 }));
      assert.strictEqual(after.functionError, undefined);
    });

    it('enforces reserved concurrency per function', async () => {
      const throttled = makeSpec({ functionName: 'zero', reservedConcurrency: 0 });
      await assert.rejects(manager.invoke(throttled, makeRequest({})), (err: unknown) => {
        assert.ok(err instanceof TooManyRequestsError);
        assert.strictEqual(err.reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
        return true;
      });
      const one = makeSpec({ handler: 'cjs.sleep', functionName: 'one', reservedConcurrency: 1 });
      const running = manager.invoke(one, makeRequest({ ms: 300 }));
      await assert.rejects(manager.invoke({ ...one, version: '1' }, makeRequest({ ms: 1 })), /Rate Exceeded/);
      // Another function is not affected.
      const other = await manager.invoke(makeSpec({ functionName: 'other' }), makeRequest({}));
      assert.strictEqual(other.functionError, undefined);
      assert.strictEqual((await running).functionError, undefined);
    });
  });

  describe('limits and failures', () => {
    it('times out, kills the environment and reports Sandbox.Timedout', async () => {
      const spec = makeSpec({ handler: 'cjs.sleep', timeout: 1 });
      const req = makeRequest({ ms: 10_000 });
      const started = Date.now();
      const out = await manager.invoke(spec, req);
      const wall = Date.now() - started;
      assert.ok(wall < 2000, `took ${wall} ms`);
      assert.strictEqual(out.functionError, 'Unhandled');
      assert.deepStrictEqual(json(out), {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${req.requestId} Error: Task timed out after 1.00 seconds`,
      });
      assert.match(out.log, new RegExp(`Z ${req.requestId} Task timed out after 1\\.00 seconds`));
      assert.match(out.log.split('\n').pop() ?? '', REPORT_RE);
      const next = await manager.invoke(spec, makeRequest({ ms: 1 }));
      assert.strictEqual(next.functionError, undefined);
      assert.notStrictEqual(json(next).pid, undefined);
    });

    it('stops a function that exceeds its memory and reports Runtime.OutOfMemory', async () => {
      const started = Date.now();
      const out = await manager.invoke(makeSpec({ handler: 'cjs.hog', memorySize: 128, timeout: 30 }), makeRequest({}));
      assert.ok(Date.now() - started < 10_000);
      assert.strictEqual(out.functionError, 'Unhandled');
      const doc = json(out);
      assert.strictEqual(doc.errorType, 'Runtime.OutOfMemory');
      assert.match(doc.errorMessage, /Runtime exited with error: signal: (killed|aborted)/);
      const report = REPORT_RE.exec(out.log.split('\n').pop() ?? '');
      assert.ok(report, out.log);
      assert.ok(Number(report[5]) >= 100, `Max Memory Used ${report[5]}`);
    });

    it('isolates a crash: the failed invoke errors and the next one gets a fresh environment', async () => {
      const spec = makeSpec();
      const warm = await manager.invoke(spec, makeRequest({}));
      const crashReq = makeRequest({ crash: 3 });
      const crash = await manager.invoke(spec, crashReq);
      assert.strictEqual(crash.functionError, 'Unhandled');
      assert.strictEqual(json(crash).errorType, 'Runtime.ExitError');
      assert.strictEqual(json(crash).errorMessage, `RequestId: ${crashReq.requestId} Error: Runtime exited with error: exit status 3`);
      const next = await manager.invoke(spec, makeRequest({}));
      assert.strictEqual(next.functionError, undefined);
      assert.notStrictEqual(json(next).pid, json(warm).pid);
      assert.strictEqual(json(next).count, 1);
    });
  });

  describe('environment', () => {
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    before(() => {
      process.env.AWS_SECRET_ACCESS_KEY = 'parent-secret-must-not-leak';
    });
    after(() => {
      if (saved === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved;
    });

    it('sets the Lambda variables and the function variables, and nothing of the host', async () => {
      const spec = makeSpec({ handler: 'cjs.env', version: '7', memorySize: 256, environment: { STAGE: 'dev', AWS_REGION: 'eu-west-1' } });
      const env = json(await manager.invoke(spec, makeRequest({})));
      assert.strictEqual(env.STAGE, 'dev');
      assert.strictEqual(env.AWS_REGION, 'us-east-1');
      assert.strictEqual(env.AWS_DEFAULT_REGION, 'us-east-1');
      assert.strictEqual(env.AWS_LAMBDA_FUNCTION_NAME, 'fixture-fn');
      assert.strictEqual(env.AWS_LAMBDA_FUNCTION_VERSION, '7');
      assert.strictEqual(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
      assert.strictEqual(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/fixture-fn');
      assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME, /^\d{4}\/\d{2}\/\d{2}\/\[7\][0-9a-f]{32}$/);
      assert.strictEqual(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs20.x');
      assert.strictEqual(env._HANDLER, 'cjs.env');
      assert.strictEqual(env.LAMBDA_TASK_ROOT, fixtures);
      assert.ok(env.LAMBDA_RUNTIME_DIR);
      // host:port and the environment's token, which runtime clients put before every path.
      assert.match(env.AWS_LAMBDA_RUNTIME_API, /^127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}$/);
      assert.strictEqual(env.AWS_LAMBDA_INITIALIZATION_TYPE, 'on-demand');
      assert.strictEqual(env.TZ, ':UTC');
      assert.ok(env.PATH);
      assert.strictEqual(env.AWS_SECRET_ACCESS_KEY, undefined);
      assert.ok(!Object.values(env).includes('parent-secret-must-not-leak'));
    });

    it('gives each environment its own temp folder and removes it when the environment ends', async () => {
      const spec = makeSpec({ handler: 'cjs.tmp' });
      const [a, b] = (await Promise.all([manager.invoke(spec, makeRequest({ mark: 'a' })), manager.invoke(spec, makeRequest({ mark: 'b' }))])).map(json);
      assert.notStrictEqual(a.tmp, b.tmp);
      assert.ok(a.tmp.startsWith(dataDir) && b.tmp.startsWith(dataDir));
      assert.strictEqual(a.before, null);
      assert.strictEqual(b.before, null);
      const again = json(await manager.invoke(spec, makeRequest({ mark: 'c' })));
      assert.ok(['a', 'b'].includes(again.before), `saw ${again.before}`);
      await manager.shutdown();
      assert.ok(!existsSync(a.tmp) && !existsSync(b.tmp));
    });
  });

  it('writes a REPORT line whose billed duration rounds the duration up', async () => {
    const req = makeRequest({ ms: 30 });
    const out = await manager.invoke(makeSpec({ handler: 'cjs.sleep', memorySize: 192 }), req);
    const m = REPORT_RE.exec(out.log.split('\n').pop() ?? '');
    assert.ok(m, out.log);
    assert.strictEqual(m[1], req.requestId);
    assert.strictEqual(Number(m[3]), Math.ceil(Number(m[2])));
    assert.ok(Number(m[2]) >= 30);
    assert.strictEqual(m[4], '192');
    assert.ok(Number(m[5]) > 10 && Number(m[5]) <= 192);
    assert.strictEqual(out.billedDurationMs, Number(m[3]));
    assert.strictEqual(out.maxMemoryUsedMB, Number(m[5]));
  });
});
