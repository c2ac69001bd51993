import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FrameDecoder, FrameType, MAX_HEAD_BYTES, encodeFrame, type Frame, type FrameTypeValue } from '../../src/local/runtime/channel';
import { ExecutionEnvironment } from '../../src/local/runtime/environment';
import type { ExecutionSpec, InvokeRequest, LogEventInput, LogSink } from '../../src/local/types';
import { makeTempDir } from './helpers';

/**
 * The runtime channel our Node.js and Python bootstraps speak instead of HTTP: its framing, and
 * real runtimes answering over it with Lambda's context, while custom runtimes keep HTTP.
 */

function decodeAll(bytes: Buffer, opts: { accept?: FrameTypeValue[]; maxBodyBytes?: number; chunk?: number } = {}) {
  const frames: Frame[] = [];
  const problems: string[] = [];
  const decoder = new FrameDecoder({
    accept: opts.accept ?? [FrameType.NEXT, FrameType.RESPONSE, FrameType.ERROR, FrameType.INIT_ERROR],
    maxBodyBytes: opts.maxBodyBytes ?? 1024,
    onFrame: (f) => frames.push({ ...f, body: Buffer.from(f.body) }),
    onMalformed: (reason) => problems.push(reason),
  });
  const step = opts.chunk ?? bytes.length;
  for (let i = 0; i < bytes.length; i += step) decoder.push(bytes.subarray(i, i + step));
  return { frames, problems, decoder };
}

const prefix = (type: number, headLength: number, bodyLength: number) => {
  const b = Buffer.alloc(9);
  b[0] = type;
  b.writeUInt32BE(headLength, 1);
  b.writeUInt32BE(bodyLength, 5);
  return b;
};

describe('runtime channel frames', () => {
  const stream = Buffer.concat([
    ...encodeFrame(FrameType.NEXT, {}),
    ...encodeFrame(FrameType.RESPONSE, { requestId: 'r-1', maxRssKb: 2048 }, Buffer.from('{"ok":true}')),
    ...encodeFrame(FrameType.ERROR, { requestId: 'r-2', errorType: 'TypeError' }, Buffer.from('{"errorType":"TypeError"}')),
  ]);

  for (const chunk of [stream.length, 7, 1]) {
    it(`decodes frames however the bytes arrive (${chunk === 1 ? 'a byte' : `${chunk} bytes`} at a time)`, () => {
      const { frames, problems } = decodeAll(stream, { chunk });
      assert.deepEqual(problems, []);
      assert.deepEqual(frames.map((f) => [f.type, f.head, f.body.toString(), f.oversized]), [
        [FrameType.NEXT, {}, '', false],
        [FrameType.RESPONSE, { requestId: 'r-1', maxRssKb: 2048 }, '{"ok":true}', false],
        [FrameType.ERROR, { requestId: 'r-2', errorType: 'TypeError' }, '{"errorType":"TypeError"}', false],
      ]);
    });
  }

  it('writes a large body as its own buffer, not copied', () => {
    const body = Buffer.alloc(200 * 1024, 7);
    const parts = encodeFrame(FrameType.RESPONSE, { requestId: 'r' }, body);
    assert.equal(parts.length, 2);
    assert.equal(parts[1], body);
    const { frames } = decodeAll(Buffer.concat([...parts, ...encodeFrame(FrameType.NEXT, {})]), { maxBodyBytes: body.length, chunk: 4096 });
    assert.equal(frames.length, 2);
    assert.ok(frames[0].body.equals(body));
  });

  it('skips a body over the limit without keeping it, marks the frame oversized, and reads on', () => {
    const body = Buffer.alloc(5000, 1);
    const bytes = Buffer.concat([...encodeFrame(FrameType.RESPONSE, { requestId: 'big' }, body), ...encodeFrame(FrameType.NEXT, {})]);
    const { frames, problems } = decodeAll(bytes, { maxBodyBytes: 1000, chunk: 300 });
    assert.deepEqual(problems, []);
    assert.deepEqual(frames.map((f) => [f.type, f.head, f.body.length, f.oversized]), [
      [FrameType.RESPONSE, { requestId: 'big' }, 0, true],
      [FrameType.NEXT, {}, 0, false],
    ]);
  });

  const malformed: Array<{ name: string; bytes: Buffer; reason: string; accept?: FrameTypeValue[] }> = [
    { name: 'an unknown frame type', bytes: Buffer.from('{"requestId":"x"}'), reason: 'unknown frame type 123' },
    { name: 'a type this side does not take', bytes: Buffer.concat(encodeFrame(FrameType.EVENT, { requestId: 'x' })), reason: 'unknown frame type 5' },
    { name: 'a head over the limit', bytes: prefix(FrameType.RESPONSE, MAX_HEAD_BYTES + 1, 0), reason: `a frame head of ${MAX_HEAD_BYTES + 1} bytes (at most ${MAX_HEAD_BYTES})` },
    { name: 'a head that is not JSON', bytes: Buffer.concat([prefix(FrameType.RESPONSE, 5, 0), Buffer.from('{nope')]), reason: 'a frame head that is not JSON' },
    { name: 'a head that is a JSON array', bytes: Buffer.concat([prefix(FrameType.RESPONSE, 2, 0), Buffer.from('[]')]), reason: 'a frame head that is not a JSON object' },
    { name: 'a NEXT frame with a body', bytes: prefix(FrameType.NEXT, 0, 4), reason: 'a NEXT frame with a body' },
  ];
  for (const row of malformed) {
    it(`refuses ${row.name}, once, and decodes nothing after it`, () => {
      const after = Buffer.concat(encodeFrame(FrameType.NEXT, {}));
      const { frames, problems, decoder } = decodeAll(Buffer.concat([row.bytes, after]), { accept: row.accept, chunk: 3 });
      assert.deepEqual(problems, [row.reason]);
      assert.deepEqual(frames, []);
      assert.ok(decoder.failed);
    });
  }
});

class CountingSink implements LogSink {
  readonly writes: LogEventInput[][] = [];
  write(_group: string, _stream: string, events: LogEventInput[]): void {
    this.writes.push(events);
  }
}

function hasCommand(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const NODE_CONTEXT = `
exports.handler = async (event, context) => {
  console.log('seen', event.n);
  return {
    event, requestId: context.awsRequestId, arn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis(),
    trace: process.env._X_AMZN_TRACE_ID, clientContext: context.clientContext, identity: context.identity ?? null,
    channelVar: process.env.LOCAL_LAMBDA_RUNTIME_CHANNEL ?? null,
  };
};
exports.sleep = async (event) => { await new Promise((r) => setTimeout(r, event.ms)); return 'slept'; };
exports.mixed = async () => {
  console.log('one');
  process.stdout.write('two\\n');
  process.stdout.write(Buffer.from('thr'));
  process.stdout.write('ee: é\\n');
  console.error('four');
  return 'mixed';
};
exports.slowLog = async () => {
  console.log('early');
  await new Promise((r) => setTimeout(r, 600));
  return 'late';
};
exports.exits = async () => {
  console.log('last words');
  process.exit(0);
};
`;

const PYTHON_CONTEXT = `
import os, time
def handler(event, context):
    print("seen", event.get("n"))
    ident = context.identity
    return {
        "event": event, "requestId": context.aws_request_id, "arn": context.invoked_function_arn,
        "remaining": context.get_remaining_time_in_millis(), "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "clientContext": context.client_context,
        "identity": {"cognitoIdentityId": ident.cognito_identity_id, "cognitoIdentityPoolId": ident.cognito_identity_pool_id} if ident else None,
        "channelVar": os.environ.get("LOCAL_LAMBDA_RUNTIME_CHANNEL"),
    }
def sleep(event, context):
    time.sleep(event["ms"] / 1000)
    return "slept"
`;

// A custom runtime that says whether it was given a descriptor 3 or the channel variable.
const CUSTOM_BOOTSTRAP = `#!/bin/sh
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
if [ -e /dev/fd/3 ]; then FD3=yes; else FD3=no; fi
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\\r\\n')"
  rm -f "$HEADERS"
  curl -sS -X POST "$API/invocation/$REQUEST_ID/response" -d "{\\"fd3\\":\\"$FD3\\",\\"channelVar\\":\\"\${LOCAL_LAMBDA_RUNTIME_CHANNEL:-}\\",\\"event\\":$EVENT}" >/dev/null
done
`;

describe('runtime channel: real runtimes', function () {
  this.timeout(30_000);
  let dir: string;
  let dataDir: string;
  const envs: ExecutionEnvironment[] = [];

  before(() => {
    dir = makeTempDir('channel-code-');
    dataDir = makeTempDir('channel-data-');
    fs.writeFileSync(path.join(dir, 'index.js'), NODE_CONTEXT);
    fs.writeFileSync(path.join(dir, 'app.py'), PYTHON_CONTEXT);
    fs.mkdirSync(path.join(dir, 'custom'));
    fs.writeFileSync(path.join(dir, 'custom', 'bootstrap'), CUSTOM_BOOTSTRAP, { mode: 0o755 });
  });
  afterEach(async () => {
    await Promise.all(envs.splice(0).map((e) => e.dispose()));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function spec(runtime: string, handler: string, overrides: Partial<ExecutionSpec> = {}): ExecutionSpec {
    return {
      functionName: 'channel-fn', version: '$LATEST', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:channel-fn',
      codeDir: dir, handler, runtime, memorySize: 256, timeout: 5, ephemeralStorage: 512, environment: {},
      region: 'us-east-1', accountId: '123456789012', logGroupName: '/aws/lambda/channel-fn', revisionKey: 'r1', ...overrides,
    };
  }

  async function environment(s: ExecutionSpec, sink: LogSink = new CountingSink()): Promise<ExecutionEnvironment> {
    const env = new ExecutionEnvironment({ spec: s, dataDir, logSink: sink });
    envs.push(env);
    await env.start();
    return env;
  }

  const request = (event: unknown, extra: Partial<InvokeRequest> = {}): InvokeRequest => ({
    requestId: randomUUID(), payload: Buffer.from(JSON.stringify(event)),
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:channel-fn:live', ...extra,
  });

  const runtimes = [
    { name: 'Node.js', runtime: 'nodejs20.x', handler: 'index.handler', sleep: 'index.sleep', available: () => true },
    { name: 'Python', runtime: 'python3.12', handler: 'app.handler', sleep: 'app.sleep', available: () => hasCommand('python3', ['--version']) },
  ];
  for (const rt of runtimes) {
    describe(rt.name, () => {
      before(function () {
        if (!rt.available()) this.skip();
      });

      it('answers over the channel with the event and every context field', async () => {
        const sink = new CountingSink();
        const env = await environment(spec(rt.runtime, rt.handler), sink);
        const clientContext = { custom: { city: 'Tokyo' }, env: { locale: 'ja' } };
        const identity = { cognitoIdentityId: 'us-east-1:1234', cognitoIdentityPoolId: 'us-east-1:pool' };
        const req = request({ n: 1 }, {
          clientContext: Buffer.from(JSON.stringify(clientContext)).toString('base64'),
          cognitoIdentity: JSON.stringify(identity),
        });
        const out = await env.invoke(req);
        assert.equal(out.functionError, undefined, out.payload.toString());
        assert.equal(env.transport, 'channel');
        const body = JSON.parse(out.payload.toString()) as Record<string, unknown>;
        assert.deepEqual(body.event, { n: 1 });
        assert.equal(body.requestId, req.requestId);
        assert.equal(body.arn, req.invokedFunctionArn);
        assert.ok(typeof body.remaining === 'number' && body.remaining > 3000 && body.remaining <= 5000, `remaining ${body.remaining}`);
        assert.match(String(body.trace), /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
        assert.deepEqual(body.clientContext, clientContext);
        assert.deepEqual(body.identity, identity);
        assert.equal(body.channelVar, null, 'the channel variable is not the function\'s to see');
        // The REPORT line's figures still come through: the runtime's own peak memory.
        assert.ok(out.maxMemoryUsedMB > 5 && out.maxMemoryUsedMB <= 256, `Max Memory Used ${out.maxMemoryUsedMB}`);
        assert.ok(out.initDurationMs !== undefined && out.initDurationMs > 0);
      });

      it('writes a warm invocation\'s log in one append, in order, and keeps timing out on the one timer', async () => {
        const sink = new CountingSink();
        const env = await environment(spec(rt.runtime, rt.handler, { timeout: 1 }), sink);
        await env.invoke(request({ n: 0 }));
        await new Promise((r) => setTimeout(r, 50));
        const before = sink.writes.length;
        const req = request({ n: 2 });
        const out = await env.invoke(req);
        const batch = sink.writes.slice(before);
        assert.equal(batch.length, 1, `log writes: ${JSON.stringify(batch)}`);
        const messages = batch[0].map((e) => e.message);
        assert.equal(messages[0], `START RequestId: ${req.requestId} Version: $LATEST`);
        assert.match(messages[1], /seen 2/);
        assert.equal(messages[2], `END RequestId: ${req.requestId}`);
        assert.match(messages[3], new RegExp(`^REPORT RequestId: ${req.requestId}\\tDuration: `));
        assert.equal(messages.length, 4);
        assert.equal(out.log, messages.join('\n'));
        assert.equal(out.initDurationMs, undefined);

        // Warm again (the same timer re-armed), then one that outlives the 1 s timeout.
        const slowSpec = spec(rt.runtime, rt.sleep, { timeout: 1 });
        const slow = await environment(slowSpec);
        for (let i = 0; i < 3; i++) assert.equal((await slow.invoke(request({ ms: 1 }))).functionError, undefined);
        const started = Date.now();
        const timedOut = await slow.invoke(request({ ms: 5000 }));
        const wall = Date.now() - started;
        assert.equal(JSON.parse(timedOut.payload.toString()).errorType, 'Sandbox.Timedout');
        assert.ok(wall >= 950 && wall < 1800, `timed out after ${wall} ms`);
      });
    });
  }

  it('carries a Node.js function\'s stdout on the channel in order, a running call\'s lines at once, and lines before process.exit', async () => {
    const mixed = await environment(spec('nodejs20.x', 'index.mixed'));
    const out = await mixed.invoke(request({}));
    const lines = out.log.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.endsWith(text));
    assert.ok(at('\tINFO\tone') > 0 && at('two') > at('\tINFO\tone') && at('three: é') > at('two'), out.log);
    assert.ok(at('\tERROR\tfour') > 0, out.log);
    assert.ok(at('\tERROR\tfour') < lines.findIndex((l) => l.startsWith('END RequestId')), 'every line before END');

    // A line written while the call runs reaches the log sink before the call ends.
    const sink = new CountingSink();
    const slow = await environment(spec('nodejs20.x', 'index.slowLog'), sink);
    const started = Date.now();
    const call = slow.invoke(request({}));
    let seenAt = 0;
    while (!seenAt && Date.now() - started < 2000) {
      if (sink.writes.some((batch) => batch.some((e) => e.message.endsWith('\tINFO\tearly')))) seenAt = Date.now() - started;
      else await new Promise((r) => setTimeout(r, 10));
    }
    await call;
    assert.ok(seenAt > 0 && seenAt < 500, `the running call's line was stored after ${seenAt} ms`);

    const exits = await environment(spec('nodejs20.x', 'index.exits'));
    const gone = await exits.invoke(request({}));
    assert.match(gone.log, /\tINFO\tlast words/);
  });

  it('gives a custom runtime no channel: it speaks the HTTP Runtime API', async function () {
    if (!hasCommand('curl', ['--version'])) this.skip();
    const env = await environment(spec('provided.al2023', 'my.handler', { codeDir: path.join(dir, 'custom') }));
    const out = await env.invoke(request({ x: 1 }));
    assert.equal(out.functionError, undefined, out.payload.toString());
    assert.deepEqual(JSON.parse(out.payload.toString()), { fd3: 'no', channelVar: '', event: { x: 1 } });
    assert.equal(env.transport, 'http');
  });
});
