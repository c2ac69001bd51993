import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GetAliasCommand, GetFunctionCommand, InvokeCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { DeployResult } from '../../src/features/deploy/commands';
import { startLocalLambda, type LocalLambda } from '../../src/local/server';
import { REPO_ROOT } from '../support/repo';
import { activateOnce } from './support/activation';

const ROLE = 'arn:aws:iam::123456789012:role/deploy-integration';

describe('Deploy to… (a second Local Lambda as a custom endpoint)', function () {
  this.timeout(120_000);
  let target: LocalLambda;
  let client: LambdaClient;
  const dirs: string[] = [];
  const settings = () => vscode.workspace.getConfiguration('lambdaWorkbench');
  const place = { connectionId: 'custom:Second Local Lambda', region: 'us-east-1' };

  before(async () => {
    await activateOnce();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-target-'));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-target-data-'));
    dirs.push(dir, dataDir);
    target = await startLocalLambda({ dir, dataDir, port: 0, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    client = new LambdaClient({ endpoint: target.endpoint, region: target.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    await settings().update('customEndpoints', [{ name: 'Second Local Lambda', endpoint: target.endpoint, region: 'us-east-1' }], vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await settings().update('customEndpoints', undefined, vscode.ConfigurationTarget.Global);
    client?.destroy();
    await target?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('creates a template function on the chosen connection, shows the plan, and the function runs', async () => {
    const results = await vscode.commands.executeCommand<DeployResult[]>('lambdaWorkbench.deploy.function', { functionName: 'hello-node' }, { place, role: ROLE, canary: false, confirmed: true });
    assert.equal(results.length, 1);
    assert.equal(results[0].status, 'deployed', results[0].message);
    assert.ok((results[0].readyMs ?? -1) >= 0);
    const plan = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'lambda-workbench-deploy-plan');
    assert.ok(plan, 'the plan is open as a document');
    assert.match(plan.getText(), /# Deploy plan → Second Local Lambda \(us-east-1, http:\/\/127\.0\.0\.1:\d+\)/);
    assert.match(plan.getText(), /## hello-node — create \(new function\)/);
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'hello-node' }));
    assert.equal(got.Configuration?.State, 'Active');
    assert.equal(got.Configuration?.Role, ROLE);
    assert.equal(got.Tags?.['lambda-workbench:logical-id'], 'HelloNodeFunction');
    const out = await client.send(new InvokeCommand({ FunctionName: 'hello-node', Payload: Buffer.from('{"name":"Ada"}') }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    assert.match(Buffer.from(out.Payload ?? []).toString(), /Ada/);
  });

  it("deploys the whole template: the TypeScript function as the Local Lambda's esbuild bundle, the others as they are", async () => {
    const results = await vscode.commands.executeCommand<DeployResult[]>('lambdaWorkbench.deploy.template', 'template.yaml', { place, role: ROLE, canary: false, confirmed: true });
    const byName = Object.fromEntries(results.map((r) => [r.functionName, r]));
    assert.equal(byName['hello-node']?.status, 'unchanged');
    assert.equal(byName['hello-python']?.status, 'deployed', byName['hello-python']?.message);
    assert.equal(byName['hello-ts']?.status, 'deployed', byName['hello-ts']?.message);
    const ts = await client.send(new InvokeCommand({ FunctionName: 'hello-ts', Payload: Buffer.from(JSON.stringify({ name: 'Ada' })) }));
    assert.equal(ts.FunctionError, undefined, Buffer.from(ts.Payload ?? []).toString());
    assert.match(Buffer.from(ts.Payload ?? []).toString(), /Ada/, 'the bundle runs on the target');
  });

  it('deploys a change as a canary through the traffic commands: a version, and 10 % of the alias', async () => {
    // The first canary makes the alias on version 1; then the handler changes and the next deploy sends 10 % to version 2.
    const first = await vscode.commands.executeCommand<DeployResult[]>('lambdaWorkbench.deploy.function', { functionName: 'hello-node' },
      { place, canary: { alias: 'live', percent: 10, mode: 'weight' }, confirmed: true });
    assert.equal(first[0].status, 'deployed', first[0].message);
    assert.equal(first[0].version, '1');
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'hello-node', Description: 'edited by hand' }));
    const handler = path.join(REPO_ROOT, 'examples', 'hello-node', 'index.mjs');
    const original = fs.readFileSync(handler, 'utf8');
    let second: DeployResult[];
    try {
      fs.writeFileSync(handler, `${original}// a change for the canary\n`);
      second = await vscode.commands.executeCommand<DeployResult[]>('lambdaWorkbench.deploy.function', { functionName: 'hello-node' },
        { place, canary: { alias: 'live', percent: 10, mode: 'weight' }, confirmed: true });
    } finally {
      fs.writeFileSync(handler, original);
    }
    assert.equal(second[0].status, 'deployed', second[0].message);
    assert.equal(second[0].version, '2');
    const alias = await client.send(new GetAliasCommand({ FunctionName: 'hello-node', Name: 'live' }));
    assert.equal(alias.FunctionVersion, '1');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights, { '2': 0.1 });
    const latest = await client.send(new GetFunctionCommand({ FunctionName: 'hello-node' }));
    assert.equal(latest.Configuration?.Description, 'Greets whoever is named in the event (Node.js)', 'the template\'s description is back');
  });
});
