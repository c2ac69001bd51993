import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { metricsPort } from '../../../src/features/traffic/rolloutPorts';
import { startLocalLambda, type LocalLambda } from '../../../src/local/server';
import { Connections } from '../../../src/workbench/connections';
import { InProcessLocalLambda } from '../../support/localLambda';
import { REPO_ROOT } from '../../support/repo';

describe('rollout/metricsPort over a real Local Lambda', function () {
  this.timeout(60_000);
  let server: LocalLambda;
  let dataDir: string;
  let connections: Connections;
  let client: LambdaClient;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-rollout-metrics-'));
    server = await startLocalLambda({ dir: path.join(REPO_ROOT, 'examples'), dataDir, port: 0 });
    client = new LambdaClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
    connections = new Connections({
      settings: () => ({ regions: ['us-east-1'], customEndpoints: [], localEnabled: true }), listProfiles: async () => [], local: new InProcessLocalLambda(server),
    });
  });

  after(async () => {
    connections?.dispose();
    client?.destroy();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads Invocations and Errors of each version run through the alias (not calls of the version itself)', async () => {
    const start = Math.floor(Date.now() / 60_000) * 60_000;
    const ran = new Map<string, { calls: number; errors: number }>();
    // hello-node's live alias sends 10 % to version 2; every third call fails.
    for (let i = 0; i < 30; i++) {
      const out = await client.send(new InvokeCommand({ FunctionName: 'hello-node', Qualifier: 'live', Payload: new TextEncoder().encode(i % 3 === 0 ? '{"fail":true}' : '{}') }));
      const version = out.ExecutedVersion ?? '?';
      const c = ran.get(version) ?? { calls: 0, errors: 0 };
      c.calls++;
      if (out.FunctionError) c.errors++;
      ran.set(version, c);
    }
    // A call of version 1 itself is not a call through the alias.
    await client.send(new InvokeCommand({ FunctionName: 'hello-node', Qualifier: '1', Payload: new TextEncoder().encode('{"fail":true}') }));
    const resolved = await connections.resolve({ connectionId: 'local', connectionLabel: 'Local Lambda', region: 'us-east-1' });
    const port = metricsPort(await resolved.metrics(), 'hello-node', 'live', 0);
    const end = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
    const both = await port.read(['1', '2'], start, end);
    for (const [i, version] of ['1', '2'].entries()) {
      const got = both[i];
      const want = ran.get(version) ?? { calls: 0, errors: 0 };
      assert.equal(got.invocations, want.calls, `version ${version} calls`);
      assert.equal(got.errors, want.errors, `version ${version} errors`);
      assert.equal(got.minutes > 0, want.calls > 0);
    }
    assert.deepEqual(await port.read(['7'], start, end), [{ invocations: 0, errors: 0, minutes: 0 }], 'a version with no calls has no data');
  });
});
