// The extension's configuration operations (src/aws/lambda.ts) against the Local Lambda, through the real SDK.
import * as assert from 'node:assert/strict';
import { localConnection } from '../../src/aws/connections';
import { LambdaApi, RevisionConflictError } from '../../src/aws/lambda';
import { WorkbenchError } from '../../src/aws/errors';
import { createEnvEchoFunction, readEnvThroughInvoke } from '../support/envEcho';
import { startTestLocal, type TestLocal } from './helpers';

describe('LambdaApi configuration operations (Local Lambda)', function () {
  this.timeout(30000);
  let t: TestLocal;
  let api: LambdaApi;

  before(async () => {
    t = await startTestLocal();
    api = new LambdaApi(localConnection(t.endpoint, t.local.region, t.local.credentials), t.local.region);
    await createEnvEchoFunction(t.lambda, 'cfg', { GREETING: 'hello' });
  });

  after(async () => {
    api?.dispose();
    await t?.close();
  });

  it('updates the environment with the RevisionId read, and the function runs with it', async () => {
    const loaded = await api.getFunctionConfiguration('cfg');
    assert.deepEqual(loaded.Environment?.Variables, { GREETING: 'hello' });
    const updated = await api.updateFunctionConfiguration('cfg', { Environment: { Variables: { GREETING: 'hi', EXTRA: 'é' } }, MemorySize: 256 }, loaded.RevisionId);
    assert.notEqual(updated.RevisionId, loaded.RevisionId);
    const done = await api.waitForUpdate('cfg', { intervalMs: 50, timeoutMs: 5000 });
    assert.equal(done.LastUpdateStatus, 'Successful');
    assert.equal(done.MemorySize, 256);
    assert.deepEqual(await readEnvThroughInvoke(t.lambda, 'cfg', ['GREETING', 'EXTRA']), { GREETING: 'hi', EXTRA: 'é' });
  });

  it('reports a stale RevisionId as a conflict and changes nothing', async () => {
    const stale = (await api.getFunctionConfiguration('cfg')).RevisionId;
    await api.updateFunctionConfiguration('cfg', { Description: 'changed elsewhere' });
    await assert.rejects(api.updateFunctionConfiguration('cfg', { Environment: { Variables: { GREETING: 'lost' } } }, stale), RevisionConflictError);
    assert.equal((await api.getFunctionConfiguration('cfg')).Environment?.Variables?.GREETING, 'hi');
  });

  it('never puts environment values in the error of a refused update', async () => {
    const secret = 'top-secret-value-' + 'x'.repeat(4100);
    await assert.rejects(api.updateFunctionConfiguration('cfg', { Environment: { Variables: { TOKEN: secret } } }), (error: unknown) => {
      assert.ok(error instanceof WorkbenchError);
      assert.match(error.message, /4KB limit/);
      assert.doesNotMatch(error.message, /top-secret/);
      assert.equal(error.cause, undefined);
      return true;
    });
  });

  it('puts, reads and deletes reserved concurrency', async () => {
    assert.equal(await api.getFunctionConcurrency('cfg'), undefined);
    await api.putFunctionConcurrency('cfg', 3);
    assert.equal(await api.getFunctionConcurrency('cfg'), 3);
    const account = await api.getAccountSettings();
    assert.equal(account.AccountLimit?.UnreservedConcurrentExecutions, (account.AccountLimit?.ConcurrentExecutions ?? 0) - 3);
    await api.deleteFunctionConcurrency('cfg');
    assert.equal(await api.getFunctionConcurrency('cfg'), undefined);
  });

  it('reads an absent function URL, policy, triggers and provisioned concurrency as none', async () => {
    assert.equal(await api.getFunctionUrlConfig('cfg'), undefined);
    assert.equal(await api.getPolicy('cfg'), undefined);
    assert.deepEqual(await api.listEventSourceMappings('cfg'), []);
    assert.deepEqual(await api.listProvisionedConcurrency('cfg'), []);
    // A missing function is still an error for the main read.
    await assert.rejects(api.getFunctionConfiguration('no-such-function'), (e: unknown) => e instanceof WorkbenchError && e.kind === 'notFound');
  });
});
