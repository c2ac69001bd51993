import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CreateFunctionCommand, InvokeCommand, type InvokeCommandOutput, type Runtime } from '@aws-sdk/client-lambda';
import { makeZip, startTestLocal, type TestLocal } from '../helpers';

/**
 * Runtime faults: what a function's code (or a runtime client gone wrong) can do to its
 * environment. Each row invokes through the real SDK, checks the answer Lambda gives (function
 * error, error type and message, or the payload) and then that a healthy function still runs.
 */

const ROLE = 'arn:aws:iam::123456789012:role/test-role';
const text = (p?: Uint8Array) => Buffer.from(p ?? []).toString('utf8');
const SIX_MB = 6 * 1024 * 1024;

const NODE_FAULTS = `
const http = require('http');
const fs = require('fs');
const { spawn } = require('child_process');
const [hostPort, ...tokenParts] = process.env.AWS_LAMBDA_RUNTIME_API.split('/');
const token = tokenParts.join('/');
function call(method, path, body, headers = {}, withToken = true) {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, agent: false, headers,
      path: (withToken ? '/' + token : '') + '/2018-06-01/runtime' + path }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Frames written straight onto the runtime channel (descriptor 3), as a handler gone wrong could.
function frame(type, head, body = Buffer.alloc(0)) {
  const h = Buffer.isBuffer(head) ? head : Buffer.from(JSON.stringify(head));
  const prefix = Buffer.alloc(9);
  prefix[0] = type;
  prefix.writeUInt32BE(h.length, 1);
  prefix.writeUInt32BE(body.length, 5);
  return Buffer.concat([prefix, h, body]);
}
async function toChannel(bytes) {
  // The descriptor is non-blocking: a full pipe says EAGAIN until the host has read.
  for (let at = 0; at < bytes.length;) {
    try { at += fs.writeSync(3, bytes, at); } catch (e) { if (e.code !== 'EAGAIN') throw e; await sleep(1); }
  }
}
exports.handler = async (event, context) => {
  const id = context.awsRequestId;
  switch (event.case) {
    case 'throw-string': throw 'boom';
    case 'throw-number': throw 42;
    case 'throw-object': throw { code: 1 };
    case 'throw-no-prototype': throw Object.create(null);
    case 'throw-named': { const e = new Error('named failure'); e.name = 'CustomError'; throw e; }
    case 'reject-string': return Promise.reject('nope');
    case 'undefined': return undefined;
    case 'circular': { const a = {}; a.self = a; return a; }
    case 'bigint': return { n: 10n };
    case 'too-large': return 'x'.repeat(${SIX_MB} + 10);
    case 'exit-3': process.exit(3);
    case 'exit-0': process.exit(0);
    case 'sigkill': process.kill(process.pid, 'SIGKILL'); await sleep(1000); return 'unreachable';
    case 'close-stdout': process.stdout.destroy(); process.stderr.destroy(); return 'closed';
    case 'binary': process.stdout.write(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x1b, 0x5b, 0x32, 0x4a, 0x0d])); process.stdout.write('\\n'); return 'printed';
    case 'hang': await sleep(60000); return 'never';
    case 'never-settles': await new Promise(() => undefined); return 'never';
    case 'busy-loop': for (;;) { /* never yields */ }
    case 'unhandled-rejection': Promise.reject(new Error('later')); await sleep(500); return 'missed';
    case 'uncaught-async': setTimeout(() => { throw new TypeError('async boom'); }, 10); await sleep(500); return 'missed';
    case 'api-wrong-path': return (await call('GET', '/nope')).status;
    case 'api-wrong-method': return [(await call('DELETE', '/invocation/next')).status, (await call('PUT', '/invocation/' + id + '/response', '1')).status];
    case 'api-wrong-id': return [(await call('POST', '/invocation/not-' + id + '/response', '"forged"')).status, 'own answer'];
    case 'api-bad-escape': return (await call('POST', '/invocation/%ZZ/response', '"forged"')).status;
    case 'api-empty-id': return (await call('POST', '/invocation//response', '"forged"')).status;
    case 'api-no-token': return [(await call('POST', '/invocation/' + id + '/response', '"forged"', {}, false)).status, 'own answer'];
    case 'api-origin': return [(await call('POST', '/invocation/' + id + '/response', '"forged"', { Origin: 'http://example.com' })).status, 'own answer'];
    case 'api-oversized': await call('POST', '/invocation/' + id + '/response', 'y'.repeat(${SIX_MB} + 1)); await sleep(200); return 'late';
    case 'api-bad-json-error': await call('POST', '/invocation/' + id + '/error', 'not json {', { 'Lambda-Runtime-Function-Error-Type': 'Custom.Thing' }); await sleep(200); return 'late';
    case 'api-twice': { await call('POST', '/invocation/' + id + '/response', '"first"'); const second = await call('POST', '/invocation/' + id + '/response', '"second"'); console.log('second post', second.status); return 'third'; }
    case 'channel-unknown-type': await toChannel(Buffer.from('{"requestId":"' + id + '"}')); await sleep(500); return 'late';
    case 'channel-huge-head': await toChannel(Buffer.from([2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])); await sleep(500); return 'late';
    case 'channel-bad-json': await toChannel(frame(2, Buffer.from('{not json'))); await sleep(500); return 'late';
    case 'channel-debug-frame': await toChannel(frame(7, { port: 9229 })); await sleep(500); return 'late';
    case 'channel-no-id': await toChannel(frame(2, {}, Buffer.from('"forged"'))); await sleep(500); return 'late';
    case 'channel-next-body': await toChannel(frame(1, {}, Buffer.from('x'))); await sleep(500); return 'late';
    case 'channel-oversized': await toChannel(frame(2, { requestId: id }, Buffer.alloc(${SIX_MB} + 1, 0x79))); await sleep(200); return 'late';
    case 'channel-wrong-id': await toChannel(frame(2, { requestId: 'not-' + id }, Buffer.from('"forged"'))); return 'own answer';
    case 'channel-twice': await toChannel(frame(2, { requestId: id }, Buffer.from('"first"'))); await sleep(200); return 'second';
    case 'orphans': spawn('sh', ['-c', 'setsid sleep 299.5 &'], { stdio: 'ignore' }); spawn('sleep', ['299.6'], { detached: true, stdio: 'ignore' }).unref(); process.exit(7);
  }
  return 'unknown case';
};
exports.callback = (event, context, callback) => {
  if (event.case === 'callback-string') return callback('failed');
  if (event.case === 'callback-twice') { callback(null, 'once'); callback(null, 'twice'); return; }
  callback(null, 'fine');
};
`;

const PYTHON_FAULTS = `
import os, sys, struct
def handler(event, context):
    case = event.get("case")
    if case == "channel-garbage":
        os.write(3, b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\n\\r\\n")
        import time
        time.sleep(0.5)
        return "late"
    if case == "channel-oversized":
        head = ('{"requestId":"%s"}' % context.aws_request_id).encode()
        body = b"y" * (6 * 1024 * 1024 + 1)
        data = struct.pack(">BII", 2, len(head), len(body)) + head + body
        view = memoryview(data)
        while view:
            view = view[os.write(3, view):]
        return "late"
    if case == "raise":
        raise ValueError("py boom")
    if case == "set":
        return {1, 2}
    if case == "exit":
        sys.exit(2)
    if case == "binary":
        sys.stdout.buffer.write(b"\\xff\\xfe\\x00 garbage\\n")
        sys.stdout.flush()
        return "printed"
    return "fine"
`;

interface Ctx {
  t: TestLocal;
  python: boolean;
}

interface Expect {
  /** Expected payload (parsed JSON) of a successful invoke. */
  payload?: unknown;
  errorType?: string;
  /** The whole message, a pattern, or one made from the request id. */
  errorMessage?: string | RegExp | ((requestId: string) => string);
}

interface Row {
  name: string;
  fn?: string;
  event: Record<string, unknown>;
  python?: boolean;
  expect: Expect;
}

function checkOutcome(res: InvokeCommandOutput, expect: Expect): void {
  const body = text(res.Payload);
  if (expect.errorType === undefined) {
    assert.equal(res.FunctionError, undefined, `no function error (payload ${body.slice(0, 300)})`);
    assert.deepEqual(JSON.parse(body), expect.payload);
    return;
  }
  assert.equal(res.FunctionError, 'Unhandled', `a function error (payload ${body.slice(0, 300)})`);
  const doc = JSON.parse(body) as { errorType: string; errorMessage: string };
  assert.equal(doc.errorType, expect.errorType, `error type (message ${doc.errorMessage})`);
  const m = expect.errorMessage;
  if (typeof m === 'function') assert.equal(doc.errorMessage, m(res.$metadata.requestId ?? ''));
  else if (m instanceof RegExp) assert.match(doc.errorMessage, m);
  else if (m !== undefined) assert.equal(doc.errorMessage, m);
}

const exited = (how: string) => (id: string) => `RequestId: ${id} Error: Runtime exited with error: ${how}`;

const rows: Row[] = [
  { name: 'a thrown string', event: { case: 'throw-string' }, expect: { errorType: 'string', errorMessage: 'boom' } },
  { name: 'a thrown number', event: { case: 'throw-number' }, expect: { errorType: 'number', errorMessage: '42' } },
  { name: 'a thrown plain object', event: { case: 'throw-object' }, expect: { errorType: 'object', errorMessage: '[object Object]' } },
  { name: 'a thrown object without a prototype', event: { case: 'throw-no-prototype' }, expect: { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack' } },
  { name: 'an Error with its own name', event: { case: 'throw-named' }, expect: { errorType: 'CustomError', errorMessage: 'named failure' } },
  { name: 'a promise rejected with a string', event: { case: 'reject-string' }, expect: { errorType: 'string', errorMessage: 'nope' } },
  { name: 'a callback called with a string error', fn: 'faults-callback', event: { case: 'callback-string' }, expect: { errorType: 'string', errorMessage: 'failed' } },
  { name: 'a callback called twice (the first answer counts)', fn: 'faults-callback', event: { case: 'callback-twice' }, expect: { payload: 'once' } },
  { name: 'undefined returned', event: { case: 'undefined' }, expect: { payload: null } },
  { name: 'a circular result', event: { case: 'circular' }, expect: { errorType: 'Runtime.JSONStringifyError', errorMessage: 'Unable to stringify response body' } },
  { name: 'a BigInt in the result', event: { case: 'bigint' }, expect: { errorType: 'Runtime.JSONStringifyError', errorMessage: 'Unable to stringify response body' } },
  { name: 'a result over 6 MB', event: { case: 'too-large' }, expect: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291456 bytes).' } },
  { name: 'process.exit(3) mid-invoke', event: { case: 'exit-3' }, expect: { errorType: 'Runtime.ExitError', errorMessage: exited('exit status 3') } },
  { name: 'process.exit(0) mid-invoke', event: { case: 'exit-0' }, expect: { errorType: 'Runtime.ExitError', errorMessage: (id) => `RequestId: ${id} Error: Runtime exited without providing a reason` } },
  { name: 'the runtime killed by SIGKILL', event: { case: 'sigkill' }, expect: { errorType: 'Runtime.ExitError', errorMessage: exited('signal: killed') } },
  { name: 'stdout and stderr closed', event: { case: 'close-stdout' }, expect: { payload: 'closed' } },
  { name: 'binary garbage and terminal escapes printed', event: { case: 'binary' }, expect: { payload: 'printed' } },
  { name: 'a handler that outlives its timeout', event: { case: 'hang' }, expect: { errorType: 'Sandbox.Timedout', errorMessage: (id) => `RequestId: ${id} Error: Task timed out after 2.00 seconds` } },
  { name: 'a promise that never settles, with nothing left to run', event: { case: 'never-settles' }, expect: { errorType: 'Runtime.ExitError', errorMessage: (id) => `RequestId: ${id} Error: Runtime exited without providing a reason` } },
  { name: 'a busy loop that never yields (timeout)', event: { case: 'busy-loop' }, expect: { errorType: 'Sandbox.Timedout', errorMessage: (id) => `RequestId: ${id} Error: Task timed out after 2.00 seconds` } },
  { name: 'an unhandled promise rejection', event: { case: 'unhandled-rejection' }, expect: { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: 'Error: later' } },
  { name: 'an exception thrown from a timer', event: { case: 'uncaught-async' }, expect: { errorType: 'TypeError', errorMessage: 'async boom' } },
  { name: 'Runtime API: an unknown path', event: { case: 'api-wrong-path' }, expect: { payload: 404 } },
  { name: 'Runtime API: wrong methods', event: { case: 'api-wrong-method' }, expect: { payload: [405, 405] } },
  { name: 'Runtime API: a response for another request id', event: { case: 'api-wrong-id' }, expect: { payload: [400, 'own answer'] } },
  { name: 'Runtime API: a malformed %-escape as request id', event: { case: 'api-bad-escape' }, expect: { payload: 400 } },
  { name: 'Runtime API: an empty request id', event: { case: 'api-empty-id' }, expect: { payload: 404 } },
  { name: 'Runtime API: a response without the token', event: { case: 'api-no-token' }, expect: { payload: [403, 'own answer'] } },
  { name: 'Runtime API: a response with an Origin header', event: { case: 'api-origin' }, expect: { payload: [403, 'own answer'] } },
  { name: 'Runtime API: a response body over 6 MB', event: { case: 'api-oversized' }, expect: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291456 bytes).' } },
  { name: 'Runtime API: an error body that is not JSON', event: { case: 'api-bad-json-error' }, expect: { errorType: 'Custom.Thing', errorMessage: 'not json {' } },
  { name: 'Runtime API: the response posted twice (the first counts)', event: { case: 'api-twice' }, expect: { payload: 'first' } },
  { name: 'orphaned background processes and an exit', event: { case: 'orphans' }, expect: { errorType: 'Runtime.ExitError', errorMessage: exited('exit status 7') } },
  { name: 'channel: bytes that are no frame (an unknown frame type)', event: { case: 'channel-unknown-type' }, expect: { errorType: 'Runtime.ChannelError', errorMessage: (id) => `RequestId: ${id} Error: The runtime sent a malformed frame on its channel (unknown frame type 123)` } },
  { name: 'channel: a frame head longer than the limit', event: { case: 'channel-huge-head' }, expect: { errorType: 'Runtime.ChannelError', errorMessage: (id) => `RequestId: ${id} Error: The runtime sent a malformed frame on its channel (a frame head of 4294967295 bytes (at most 65536))` } },
  { name: 'channel: a debug frame from an environment that is not being debugged', event: { case: 'channel-debug-frame' }, expect: { errorType: 'Runtime.ChannelError', errorMessage: (id) => `RequestId: ${id} Error: The runtime sent a malformed frame on its channel (unknown frame type 7)` } },
  { name: 'channel: a frame head that is not JSON', event: { case: 'channel-bad-json' }, expect: { errorType: 'Runtime.ChannelError', errorMessage: (id) => `RequestId: ${id} Error: The runtime sent a malformed frame on its channel (a frame head that is not JSON)` } },
  { name: 'channel: an answer without a request id', event: { case: 'channel-no-id' }, expect: { errorType: 'Runtime.ChannelError', errorMessage: (id) => `RequestId: ${id} Error: The runtime sent a malformed frame on its channel (an answer without a requestId)` } },
  { name: 'channel: a NEXT frame with a body', event: { case: 'channel-next-body' }, expect: { errorType: 'Runtime.ChannelError', errorMessage: (id) => `RequestId: ${id} Error: The runtime sent a malformed frame on its channel (a NEXT frame with a body)` } },
  { name: 'channel: a response frame over 6 MB', event: { case: 'channel-oversized' }, expect: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291456 bytes).' } },
  { name: 'channel: a response for another request id (ignored)', event: { case: 'channel-wrong-id' }, expect: { payload: 'own answer' } },
  { name: 'channel: the response sent twice (the first counts)', event: { case: 'channel-twice' }, expect: { payload: 'first' } },
  { name: 'Python: an exception', fn: 'faults-py', python: true, event: { case: 'raise' }, expect: { errorType: 'ValueError', errorMessage: 'py boom' } },
  { name: 'Python: a result JSON cannot hold', fn: 'faults-py', python: true, event: { case: 'set' }, expect: { errorType: 'Runtime.MarshalError', errorMessage: 'Unable to marshal response: Object of type set is not JSON serializable' } },
  { name: 'Python: sys.exit(2) mid-invoke', fn: 'faults-py', python: true, event: { case: 'exit' }, expect: { errorType: 'Runtime.ExitError', errorMessage: exited('exit status 2') } },
  { name: 'Python: bytes on the channel that are no frame', fn: 'faults-py', python: true, event: { case: 'channel-garbage' }, expect: { errorType: 'Runtime.ChannelError', errorMessage: (id) => `RequestId: ${id} Error: The runtime sent a malformed frame on its channel (unknown frame type 71)` } },
  { name: 'Python: a response frame over 6 MB', fn: 'faults-py', python: true, event: { case: 'channel-oversized' }, expect: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291456 bytes).' } },
  { name: 'Python: binary garbage printed', fn: 'faults-py', python: true, event: { case: 'binary' }, expect: { payload: 'printed' } },
];

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function assertHealthy(t: TestLocal): Promise<void> {
  const res = await t.lambda.send(new InvokeCommand({ FunctionName: 'healthy', Payload: '{"n":1}' }));
  assert.equal(res.FunctionError, undefined, text(res.Payload));
  assert.deepEqual(JSON.parse(text(res.Payload)), { ok: 1 });
}

describe('bad input: runtime faults', function () {
  this.timeout(30000);
  let ctx: Ctx;
  before(async () => {
    const t = await startTestLocal({ maxConcurrency: 4 });
    const create = (name: string, runtime: Runtime, handler: string, files: Record<string, string>) => t.lambda.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: runtime, Handler: handler, Role: ROLE, Timeout: 2, Code: { ZipFile: makeZip(files) },
    }));
    await create('faults', 'nodejs20.x', 'index.handler', { 'index.js': NODE_FAULTS });
    await create('faults-callback', 'nodejs20.x', 'index.callback', { 'index.js': NODE_FAULTS });
    await create('healthy', 'nodejs20.x', 'index.handler', { 'index.js': 'exports.handler = async (e) => ({ ok: e.n });\n' });
    const python = hasPython();
    if (python) await create('faults-py', 'python3.12', 'app.handler', { 'app.py': PYTHON_FAULTS });
    ctx = { t, python };
  });
  after(async () => { await ctx?.t.close(); });

  for (const row of rows) {
    it(row.name, async function () {
      if (row.python && !ctx.python) this.skip();
      const res = await ctx.t.lambda.send(new InvokeCommand({ FunctionName: row.fn ?? 'faults', Payload: JSON.stringify(row.event) }));
      assert.equal(res.StatusCode, 200);
      checkOutcome(res, row.expect);
      await assertHealthy(ctx.t);
    });
  }

  const contexts: Array<{ name: string; value: string }> = [
    { name: 'not base64', value: 'not base64!' },
    { name: 'base64 of text that is not JSON', value: Buffer.from('city: Tokyo').toString('base64') },
    { name: 'base64 of a JSON array', value: Buffer.from('[1,2]').toString('base64') },
    { name: 'base64 of invalid UTF-8', value: Buffer.from([0x7b, 0xff, 0x7d]).toString('base64') },
    { name: 'URL-safe base64', value: Buffer.from('{"custom":{"k":"??>"}}').toString('base64url') },
  ];
  for (const c of contexts) {
    it(`a client context that is ${c.name}`, async () => {
      await assert.rejects(
        ctx.t.lambda.send(new InvokeCommand({ FunctionName: 'healthy', Payload: '{"n":1}', ClientContext: c.value })),
        (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(err.name, 'InvalidRequestContentException');
          assert.equal(err.message, 'Client context must be a valid Base64-encoded JSON object.');
          assert.equal(err.$metadata?.httpStatusCode, 400);
          return true;
        },
      );
      await assertHealthy(ctx.t);
    });
  }
});
