import * as assert from 'assert';
import * as http from 'http';
import { RuntimeApiServer, type RuntimeApiHost } from '../../src/local/runtime/runtimeApi';

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

/** A request as a runtime client makes it: `http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/<route>`. */
function request(address: string, method: string, route: string, body?: string): Promise<Reply> {
  const url = new URL(`http://${address}/2018-06-01/runtime/${route}`);
  return send(url.port, method, url.pathname, body);
}

function send(port: string, method: string, path: string, body?: string, headers: http.OutgoingHttpHeaders = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: Number(port), method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Waits (up to 10 s, for a loaded machine) until the runtime's GET /next has reached the server. */
async function untilWaiting(server: { hasWaitingRuntime: boolean }): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!server.hasWaitingRuntime && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

describe('Runtime API server', () => {
  let server: RuntimeApiServer;
  const calls: string[] = [];
  const host: RuntimeApiHost = {
    onNext: () => calls.push('next'),
    onResponse: (id, body) => {
      calls.push(`response ${id} ${body.toString()}`);
      return id === 'req-1';
    },
    onError: (id, body, type) => {
      calls.push(`error ${id} ${type}`);
      return id === 'req-1';
    },
    onInitError: (body, type) => calls.push(`init ${type} ${body.toString()}`),
  };

  before(async () => {
    server = await RuntimeApiServer.start(host);
  });
  after(() => server.close());

  it('answers /next with the event and the Lambda headers', async () => {
    assert.match(server.address, /^127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}$/);
    const pending = request(server.address, 'GET', 'invocation/next');
    await untilWaiting(server);
    assert.ok(server.hasWaitingRuntime);
    server.deliver({
      requestId: 'req-1',
      payload: Buffer.from('{"a":1}'),
      deadlineMs: 1_900_000_000_000,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      traceId: 'Root=1-abc',
      clientContext: '{"custom":{}}',
    });
    const res = await pending;
    assert.strictEqual(res.body, '{"a":1}');
    assert.strictEqual(res.headers['lambda-runtime-aws-request-id'], 'req-1');
    assert.strictEqual(res.headers['lambda-runtime-deadline-ms'], '1900000000000');
    assert.strictEqual(res.headers['lambda-runtime-invoked-function-arn'], 'arn:aws:lambda:us-east-1:123456789012:function:f');
    assert.strictEqual(res.headers['lambda-runtime-trace-id'], 'Root=1-abc');
    assert.strictEqual(res.headers['lambda-runtime-client-context'], '{"custom":{}}');
  });

  it('accepts a response for the request in flight and refuses other ids', async () => {
    assert.strictEqual((await request(server.address, 'POST', 'invocation/req-1/response', '"ok"')).status, 202);
    const wrong = await request(server.address, 'POST', 'invocation/other/response', '"ok"');
    assert.strictEqual(wrong.status, 400);
    assert.match(wrong.body, /InvalidRequestID/);
    assert.ok(calls.includes('response req-1 "ok"'));
  });

  it('passes on function and init errors with their error type', async () => {
    const url = new URL(`http://${server.address}/2018-06-01/runtime/init/error`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: Number(url.port), method: 'POST', path: url.pathname, headers: { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{"errorType":"Runtime.ImportModuleError"}');
    });
    assert.strictEqual(status, 202);
    assert.ok(calls.includes('init Runtime.ImportModuleError {"errorType":"Runtime.ImportModuleError"}'));
    assert.strictEqual((await request(server.address, 'GET', 'nothing/here')).status, 404);
  });

  it('refuses callers without the token, with a foreign Host or with an Origin, and tells them nothing', async () => {
    const calls0 = calls.length;
    const url = new URL(`http://${server.address}/2018-06-01/runtime/invocation/next`);
    const token = url.pathname.split('/')[1];
    const refused: Reply[] = [
      await send(url.port, 'GET', '/2018-06-01/runtime/invocation/next'),
      await send(url.port, 'POST', '/2018-06-01/runtime/invocation/req-1/response', '"forged"'),
      await send(url.port, 'GET', `/${token.slice(0, -1)}x/2018-06-01/runtime/invocation/next`),
      await send(url.port, 'GET', `/${token}`),
      await send(url.port, 'GET', url.pathname, undefined, { Host: `localhost:${url.port}` }),
      await send(url.port, 'GET', url.pathname, undefined, { Host: `attacker.example:${url.port}` }),
      await send(url.port, 'GET', url.pathname, undefined, { Origin: 'http://attacker.example' }),
      await send(url.port, 'POST', `/${token}/2018-06-01/runtime/invocation/req-1/response`, '"forged"', { Origin: 'null' }),
    ];
    for (const res of refused) {
      assert.strictEqual(res.status, 403);
      assert.deepStrictEqual(JSON.parse(res.body), { errorType: 'AccessDenied', errorMessage: 'Forbidden' });
      assert.ok(!res.body.includes(token));
    }
    assert.strictEqual(calls.length, calls0, 'no refused request reached the environment');
    assert.ok(!server.hasWaitingRuntime);
  });

  it('writes headers that cannot break: non-ASCII values become ?', async () => {
    const pending = request(server.address, 'GET', 'invocation/next');
    await untilWaiting(server);
    const delivered = server.deliver({
      requestId: 'req-2\u6771', payload: Buffer.from('{}'), deadlineMs: 1, invokedFunctionArn: 'arn:\u4eac\r\n',
      traceId: 'Root=1', clientContext: '{"custom":{"city":"\u6771\u4eac"}}',
    });
    assert.ok(delivered);
    const res = await pending;
    assert.strictEqual(res.headers['lambda-runtime-aws-request-id'], 'req-2?');
    assert.strictEqual(res.headers['lambda-runtime-invoked-function-arn'], 'arn:???');
    assert.strictEqual(res.headers['lambda-runtime-client-context'], '{"custom":{"city":"??"}}');
  });
});
