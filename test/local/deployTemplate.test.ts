import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, PublishVersionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { customConnection, localConnection, type ConnectionSpec } from '../../src/aws/connections';
import { LambdaApi } from '../../src/aws/lambda';
import { canaryPort } from '../../src/features/deploy/canary';
import { DeployConflictError, DeployStepError, deployPlan, type StepRecord } from '../../src/features/deploy/deployer';
import { hasWork, planFunction, templateKey } from '../../src/features/deploy/planner';
import { readTemplateFunctions } from '../../src/features/deploy/templates';
import type { TemplateFunction } from '../../src/features/deploy/plan';
import { applyChange, previewChange, publishLatest, readAlias, publishedVersions } from '../../src/features/traffic/changes';
import { startLocalLambda, type LocalLambda } from '../../src/local/server';
import { makeTempDir, makeZip } from './helpers';

const FIXTURE = path.join(__dirname, '../../../test/fixtures/projects/deploy');
const ROLE = 'arn:aws:iam::123456789012:role/deploy-test';

/** The traffic tab's own functions, as the canary port's operations. */
function trafficOps(api: LambdaApi) {
  return canaryPort({
    publish: async (fn, description) => (await publishLatest(api, fn, description)).version.Version ?? '',
    aliasPrimary: async (fn, alias) => (await readAlias(api, fn, alias))?.FunctionVersion,
    versions: async (fn) => publishedVersions(await api.listVersions(fn)),
    shift: async (fn, alias, version, percent) => {
      await applyChange(api, fn, await previewChange(api, fn, { kind: 'shift', alias, version, percent }));
    },
    createAlias: async (fn, alias, primary, extra) => {
      await applyChange(api, fn, await previewChange(api, fn, { kind: 'create', alias, primary, extraVersion: extra?.version, percent: extra?.percent }));
    },
  });
}

async function invoke(client: LambdaClient, name: string, qualifier?: string): Promise<{ message: string; build: number }> {
  const out = await client.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier, Payload: Buffer.from(JSON.stringify({ name: 'Ada' })) }));
  assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
  return JSON.parse(Buffer.from(out.Payload ?? []).toString()) as { message: string; build: number };
}

describe('Deploy a template function to a second Local Lambda (a custom endpoint)', function () {
  this.timeout(60_000);
  let target: LocalLambda;
  let workspace: string;
  let dataDir: string;
  let spec: ConnectionSpec;
  let api: LambdaApi;
  let client: LambdaClient;

  const template = () => path.join(workspace, 'template.yaml');
  const editTemplate = (from: string | RegExp, to: string) => fs.writeFileSync(template(), fs.readFileSync(template(), 'utf8').replace(from, to));
  const editCode = (build: number) => fs.writeFileSync(path.join(workspace, 'greeter/app.js'),
    `exports.handler = async (event) => ({ message: \`\${process.env.GREETING}, \${(event && event.name) || 'world'}\`, build: ${build} });\n`);
  async function greeter(): Promise<TemplateFunction> {
    const fns = await readTemplateFunctions(workspace, {}, (file, message) => assert.fail(`${file}: ${message}`));
    const fn = fns.find((f) => f.logicalId === 'Greeter');
    assert.ok(fn, 'the fixture has Greeter');
    return fn;
  }
  const plan = async () => planFunction(api, await greeter(), templateKey(workspace, template()));

  before(async () => {
    workspace = makeTempDir('deploy-workspace-');
    fs.cpSync(FIXTURE, workspace, { recursive: true });
    dataDir = makeTempDir('deploy-target-data-');
    // An empty folder: the target serves no template, it only takes what is deployed to it.
    // The credentials are the ones a custom endpoint without a profile signs with.
    target = await startLocalLambda({ dir: makeTempDir('deploy-target-'), dataDir, port: 0, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const made = customConnection({ name: 'Second Local Lambda', endpoint: target.endpoint, region: target.region });
    assert.ok(!('invalid' in made));
    spec = made;
    api = new LambdaApi(spec, target.region);
    client = new LambdaClient({ endpoint: target.endpoint, region: target.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });

  after(async () => {
    api?.dispose();
    client?.destroy();
    await target?.close();
    for (const dir of [workspace, dataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plans a create with every field, then creates the function and waits for State Active', async () => {
    const p = await plan();
    assert.equal(p.action, 'create');
    assert.deepEqual(p.blockers, []);
    assert.equal(p.pkg?.from, 'code-folder');
    assert.equal(p.pkg?.fileCount, 1);
    assert.match(p.pkg?.sizeText ?? '', /zipped of 50 MB · .* unzipped of 250 MB/);
    assert.deepEqual(p.changes.map((c) => [c.label, c.after]), [
      ['Runtime', 'nodejs20.x'], ['Handler', 'app.handler'], ['Memory', '256 MB'], ['Timeout', '10 s'], ['Ephemeral storage', '512 MB'],
      ['Environment', '1 variable (20 B of 4 KB): GREETING'], ['Layers', '(none)'], ['Architecture', 'x86_64'], ['Description', '"Says hello"'],
    ]);
    const again = await plan();
    assert.equal(again.pkg?.sha256, p.pkg?.sha256, 'the package is reproducible');

    const seen: StepRecord[] = [];
    const outcome = await deployPlan(api, p, { role: ROLE, pollIntervalMs: 20, onStep: (s) => seen.push(s) });
    assert.equal(outcome.configuration.State, 'Active');
    assert.deepEqual(outcome.steps.map((s) => [s.id, s.status]), [['create', 'done'], ['active', 'done']]);
    assert.deepEqual(seen.map((s) => `${s.id}:${s.status}`), ['create:running', 'create:done', 'active:running', 'active:done']);
    assert.match(seen[1].detail ?? '', /State Pending/, 'CreateFunction answers Pending, as AWS does');
    const live = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'deploy-greeter' }));
    assert.equal(live.MemorySize, 256);
    assert.equal(live.Timeout, 10);
    assert.equal(live.Role, ROLE);
    assert.equal(live.CodeSha256, p.pkg?.sha256);
    assert.deepEqual(await invoke(client, 'deploy-greeter'), { message: 'hello, Ada', build: 1 });
    console.log(`      create → Active on the Local target: ${outcome.readyMs} ms`);

    const after = await plan();
    assert.equal(after.action, 'update');
    assert.equal(after.foreign, false, 'the tags say it came from this template');
    assert.equal(hasWork(after), false, 'nothing changed: nothing to send');
  });

  it('updates the code and then the configuration, each waited for', async () => {
    editCode(2);
    editTemplate('MemorySize: 256', 'MemorySize: 512');
    editTemplate('GREETING: hello', 'GREETING: hi\n          EXTRA: more');
    const p = await plan();
    assert.equal(p.action, 'update');
    assert.equal(p.codeChanged, true);
    const changed = p.changes.filter((c) => c.changed).map((c) => `${c.label}: ${c.before} → ${c.after}`);
    assert.deepEqual(changed, [
      'Memory: 256 MB → 512 MB',
      'Environment: 1 variable (20 B of 4 KB): GREETING → 2 variables (32 B of 4 KB): EXTRA, GREETING — +EXTRA, ~GREETING',
    ]);
    const outcome = await deployPlan(api, p, { pollIntervalMs: 20 });
    assert.deepEqual(outcome.steps.map((s) => `${s.id}:${s.status}`), ['code:done', 'codeWait:done', 'config:done', 'configWait:done']);
    assert.equal(outcome.configuration.LastUpdateStatus, 'Successful');
    assert.equal(outcome.configuration.MemorySize, 512);
    assert.deepEqual(await invoke(client, 'deploy-greeter'), { message: 'hi, Ada', build: 2 });
  });

  it('stops when the function changed after the plan, names the change and overwrites nothing', async () => {
    editTemplate('Timeout: 10', 'Timeout: 20');
    const p = await plan();
    assert.deepEqual(p.changes.filter((c) => c.changed).map((c) => c.label), ['Timeout']);
    // Someone else changes the description after the plan was shown.
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'deploy-greeter', Description: 'changed by hand' }));
    await assert.rejects(deployPlan(api, p, { pollIntervalMs: 20 }), (error: unknown) => {
      assert.ok(error instanceof DeployConflictError, String(error));
      assert.deepEqual(error.changes, ['Description: "Says hello" → "changed by hand"']);
      assert.deepEqual(error.applied, []);
      assert.deepEqual(error.notApplied, ['Update the configuration (UpdateFunctionConfiguration)', 'Wait for LastUpdateStatus Successful']);
      return true;
    });
    const live = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'deploy-greeter' }));
    assert.equal(live.Timeout, 10, 'the planned change was not applied over the other one');
    assert.equal(live.Description, 'changed by hand');
  });

  it('stops a code upload whose RevisionId is stale', async () => {
    editCode(3);
    const p = await plan();
    await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'deploy-greeter', Timeout: 30 }));
    await assert.rejects(deployPlan(api, p, { pollIntervalMs: 20 }), (error: unknown) => {
      assert.ok(error instanceof DeployConflictError, String(error));
      assert.deepEqual(error.changes, ['Timeout: 10 s → 30 s']);
      assert.equal(error.steps.find((s) => s.id === 'code')?.status, 'failed');
      return true;
    });
    assert.deepEqual(await invoke(client, 'deploy-greeter'), { message: 'hi, Ada', build: 2 }, 'the old code still runs');
  });

  it('deploys as a canary: publishes a version and routes 10 % of the alias to it', async () => {
    // The alias serves the deployed version 1 before the canary.
    await client.send(new PublishVersionCommand({ FunctionName: 'deploy-greeter' }));
    await client.send(new CreateAliasCommand({ FunctionName: 'deploy-greeter', Name: 'live', FunctionVersion: '1' }));
    editCode(4);
    const p = await plan();
    const outcome = await deployPlan(api, p, { pollIntervalMs: 20, canary: { alias: 'live', percent: 10, mode: 'weight' }, canaryPort: trafficOps(api) });
    assert.equal(outcome.version, '2');
    assert.deepEqual(outcome.steps.map((s) => `${s.id}:${s.status}`), ['code:done', 'codeWait:done', 'config:done', 'configWait:done', 'publish:done', 'alias:done']);
    assert.equal(outcome.steps.at(-1)?.detail, 'live: 90 % version 1, 10 % version 2');
    const alias = await client.send(new GetAliasCommand({ FunctionName: 'deploy-greeter', Name: 'live' }));
    assert.equal(alias.FunctionVersion, '1');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights, { '2': 0.1 });
    assert.deepEqual(await invoke(client, 'deploy-greeter', '2'), { message: 'hi, Ada', build: 4 });
  });

  it('refuses an environment over 4 KB before sending anything', async () => {
    editTemplate('EXTRA: more', `EXTRA: ${'x'.repeat(4100)}`);
    try {
      await refusedBeforeSending();
    } finally {
      editTemplate(`EXTRA: ${'x'.repeat(4100)}`, 'EXTRA: more');
    }
  });

  async function refusedBeforeSending(): Promise<void> {
    const p = await plan();
    assert.equal(p.blockers.length, 1);
    assert.match(p.blockers[0], /environment variables take 41\d\d bytes, over Lambda's 4096-byte \(4 KB\) limit; nothing is sent/);
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'deploy-greeter' }));
    await assert.rejects(deployPlan(api, p), (error: unknown) => error instanceof DeployStepError && /Nothing was sent/.test(error.message));
    const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'deploy-greeter' }));
    assert.equal(after.RevisionId, before.RevisionId);
  }

  it('marks a function of the same name that this template did not make, and a package over the limit', async () => {
    await client.send(new CreateFunctionCommand({
      FunctionName: 'deploy-other', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => 1;' }) },
    }));
    const fn = { ...(await greeter()), functionName: 'deploy-other' };
    const p = await planFunction(api, fn, templateKey(workspace, template()));
    assert.equal(p.action, 'update');
    assert.equal(p.foreign, true);

    // 300 MB of sparse files: over the 250 MB unzipped limit, refused while listing.
    const big = path.join(workspace, 'greeter/big.bin');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 300 * 1024 * 1024);
    try {
      const tooBig = await plan();
      assert.equal(tooBig.pkg, undefined);
      assert.match(tooBig.blockers.join('\n'), /more than Lambda's 250 MB unzipped limit .*Nothing was sent/);
    } finally {
      fs.rmSync(big);
    }
  });
});

describe('Deploy a TypeScript function bundled with esbuild, packaged by the Local Lambda build step', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const closers: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("sends the Local Lambda's bundle of hello-ts (no sam build output) and the deployed function answers", async () => {
    const workspace = makeTempDir('deploy-ts-workspace-');
    dirs.push(workspace);
    fs.cpSync(path.join(__dirname, '../../../examples'), workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}.local-lambda`) });
    const source = await startLocalLambda({ dir: workspace, dataDir: makeTempDir('deploy-ts-source-'), port: 0 });
    closers.push(() => source.close());
    const target = await startLocalLambda({ dir: makeTempDir('deploy-ts-target-'), dataDir: makeTempDir('deploy-ts-target-data-'), port: 0, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    closers.push(() => target.close());
    const sourceApi = new LambdaApi(localConnection(source.endpoint, source.region, source.credentials), source.region);
    const made = customConnection({ name: 'Second Local Lambda', endpoint: target.endpoint, region: target.region });
    assert.ok(!('invalid' in made));
    const targetApi = new LambdaApi(made, target.region);
    closers.push(() => { sourceApi.dispose(); targetApi.dispose(); });

    const fns = await readTemplateFunctions(workspace, {}, () => undefined);
    const fn = fns.find((f) => f.functionName === 'hello-ts');
    assert.ok(fn);
    const withoutBuild = await planFunction(targetApi, fn, templateKey(workspace, fn.templateFile));
    assert.match(withoutBuild.blockers.join(' '), /run `sam build` first/, 'without the Local Lambda there is nothing to send');

    const p = await planFunction(targetApi, fn, templateKey(workspace, fn.templateFile), (f) => sourceApi.localPackage(f.functionName));
    assert.deepEqual(p.blockers, []);
    assert.equal(p.pkg?.from, 'local-build');
    assert.equal(p.changes.find((c) => c.label === 'Handler')?.after, 'src/app.handler', 'the handler where the bundle has it');
    assert.match(p.warnings.join(' '), /deployed handler is src\/app\.handler \(the template says app\.handler\)/);
    assert.ok(!p.pkg?.folder.startsWith(workspace), `the bundle is the build step's, under its data folder (${p.pkg?.folder})`);
    const outcome = await deployPlan(targetApi, p, { role: ROLE, pollIntervalMs: 20 });
    assert.equal(outcome.configuration.State, 'Active');
    const client = new LambdaClient({ endpoint: target.endpoint, region: target.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    closers.push(() => client.destroy());
    const out = await client.send(new InvokeCommand({ FunctionName: 'hello-ts', Payload: Buffer.from(JSON.stringify({ name: 'Ada' })) }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    assert.match(Buffer.from(out.Payload ?? []).toString(), /Ada/);
    const packaged = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'hello-ts' }));
    assert.equal(packaged.CodeSha256, p.pkg?.sha256);
  });
});
