import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { customConnection, type ConnectionSpec } from '../../src/aws/connections';
import { AliasExistsError, LambdaApi } from '../../src/aws/lambda';

/** A Lambda endpoint whose CreateAlias always answers with `status` and the error `type`, counting the calls. */
async function conflictingEndpoint(status: number, type: string | undefined, message: string): Promise<{ endpoint: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (type) headers['x-amzn-errortype'] = type;
      res.writeHead(status, headers);
      res.end(JSON.stringify(type ? { __type: type, message } : { message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, calls: () => calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const ROUTING = { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: {} } };

describe('aws/lambda: CreateAlias of a name that exists', function () {
  this.timeout(20_000);

  const cases: [string, number, string | undefined, string][] = [
    ['ResourceConflictException (AWS)', 409, 'ResourceConflictException', 'Alias already exists: arn:aws:lambda:us-east-1:123456789012:function:orders:live'],
    ['ConflictException (an emulator)', 409, 'ConflictException', 'Alias live already exists'],
    ['a bare HTTP 409 with no error type', 409, undefined, 'conflict'],
  ];
  for (const [what, status, type, message] of cases) {
    it(`${what} says the alias already exists`, async () => {
      const fake = await conflictingEndpoint(status, type, message);
      const api = new LambdaApi(customConnection({ name: 'emu', endpoint: fake.endpoint, region: 'us-east-1' }) as ConnectionSpec, 'us-east-1');
      try {
        const error = await api.createAlias('orders', 'live', ROUTING).then(() => assert.fail('expected a conflict'), (e: unknown) => e);
        assert.ok(error instanceof AliasExistsError, `got ${String(error)}`);
        assert.equal(error.message, 'orders already has an alias named live. Choose another name, or edit that alias.');
        assert.ok(fake.calls() >= 1);
      } finally {
        api.dispose();
        await fake.close();
      }
    });
  }

  it('a conflict because an update is in progress keeps its own message', async () => {
    const fake = await conflictingEndpoint(409, 'ResourceConflictException', 'The operation cannot be performed at this time. An update is in progress for resource: orders');
    const api = new LambdaApi(customConnection({ name: 'emu', endpoint: fake.endpoint, region: 'us-east-1' }) as ConnectionSpec, 'us-east-1');
    try {
      const error = await api.createAlias('orders', 'live', ROUTING).then(() => assert.fail('expected a conflict'), (e: unknown) => e);
      assert.ok(!(error instanceof AliasExistsError));
      assert.match(String((error as Error).message), /update is in progress/);
    } finally {
      api.dispose();
      await fake.close();
    }
  });
});
