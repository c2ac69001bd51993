import * as assert from 'assert';
import * as http from 'http';
import { RuntimeApiServer, type RuntimeApiHost } from '../../src/local/runtime/runtimeApi';

function request(address: string, method: string, route: string, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path: `/2018-06-01/runtime/${route}` }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
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
    assert.match(server.address, /^127\.0\.0\.1:\d+$/);
    const pending = request(server.address, 'GET', 'invocation/next');
    for (let i = 0; i < 100 && !server.hasWaitingRuntime; i++) await new Promise((r) => setTimeout(r, 5));
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
    const [host, port] = server.address.split(':');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host, port: Number(port), method: 'POST', path: '/2018-06-01/runtime/init/error', headers: { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' } },
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
});
