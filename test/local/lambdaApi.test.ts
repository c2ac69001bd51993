import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateAliasCommand, CreateFunctionCommand, DeleteAliasCommand, DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand, GetAccountSettingsCommand, GetAliasCommand, GetFunctionCommand,
  GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand, GetFunctionUrlConfigCommand, GetPolicyCommand,
  ListAliasesCommand, ListEventSourceMappingsCommand, ListFunctionsCommand, ListVersionsByFunctionCommand,
  PublishVersionCommand, PutFunctionConcurrencyCommand, UpdateAliasCommand, UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { unzipSync, strFromU8 } from 'fflate';
import { makeZip, startTestLocal, type TestLocal } from './helpers';

const ROLE = 'arn:aws:iam::123456789012:role/test-role';
const CODE = makeZip({ 'index.js': 'exports.handler = async (e) => ({ ok: true, e });\n' });

async function create(lambda: LambdaClient, name: string, extra: Record<string, unknown> = {}) {
  return lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
    Code: { ZipFile: CODE }, ...extra,
  }));
}

async function rejects(p: Promise<unknown>, name: string, status: number, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('Local Lambda API: functions', () => {
  let t: TestLocal;
  beforeEach(async () => { t = await startTestLocal(); });
  afterEach(async () => { await t.close(); });

  it('creates a function from a zip and describes it as Lambda does', async () => {
    const created = await create(t.lambda, 'fn-a', { MemorySize: 256, Timeout: 10, Description: 'first' });
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:fn-a');
    assert.equal(created.CodeSha256, createHash('sha256').update(CODE).digest('base64'));
    assert.equal(created.CodeSize, CODE.length);
    // CreateFunction answers Pending, as AWS does; the next read says Active.
    assert.equal(created.State, 'Pending');
    assert.equal(created.StateReasonCode, 'Creating');
    assert.equal(created.Version, '$LATEST');
    assert.match(created.LastModified ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.match(created.RevisionId ?? '', /^[0-9a-f-]{36}$/);

    const got = await t.lambda.send(new GetFunctionCommand({ FunctionName: 'fn-a' }));
    assert.equal(got.Configuration?.State, 'Active');
    assert.equal(got.Configuration?.LastUpdateStatus, 'Successful');
    assert.equal(got.Configuration?.MemorySize, 256);
    assert.equal(got.Configuration?.Timeout, 10);
    assert.equal(got.Code?.RepositoryType, 'S3');
    const res = await fetch(got.Code!.Location!);
    assert.equal(res.status, 200);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    assert.match(strFromU8(files['index.js']), /exports\.handler/);

    const tampered = got.Code!.Location!.replace(/token=[0-9a-f]/, 'token=x');
    assert.equal((await fetch(tampered)).status, 403);
  });

  it('refuses a duplicate function and reports unknown ones with the function ARN', async () => {
    await create(t.lambda, 'dup');
    await rejects(create(t.lambda, 'dup'), 'ResourceConflictException', 409);
    await rejects(t.lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })), 'ResourceNotFoundException', 404,
      /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope$/);
    await rejects(t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'dup', Qualifier: '7' })),
      'ResourceNotFoundException', 404, /function:dup:7$/);
    await rejects(t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'dup', Qualifier: 'bad qualifier!' })),
      'ValidationException', 400);
  });

  it('accepts names given as ARNs', async () => {
    await create(t.lambda, 'by-arn');
    const got = await t.lambda.send(new GetFunctionConfigurationCommand({
      FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:by-arn',
    }));
    assert.equal(got.FunctionName, 'by-arn');
  });

  it('pages ListFunctions by 50 with Marker and lists versions with FunctionVersion=ALL', async () => {
    for (let i = 0; i < 53; i++) await create(t.lambda, `f${String(i).padStart(2, '0')}`);
    const first = await t.lambda.send(new ListFunctionsCommand({}));
    assert.equal(first.Functions?.length, 50);
    assert.ok(first.NextMarker);
    const second = await t.lambda.send(new ListFunctionsCommand({ Marker: first.NextMarker }));
    assert.equal(second.Functions?.length, 3);
    assert.equal(second.NextMarker, undefined);
    const names = [...first.Functions!, ...second.Functions!].map((f) => f.FunctionName);
    assert.equal(new Set(names).size, 53);

    const small = await t.lambda.send(new ListFunctionsCommand({ MaxItems: 2 }));
    assert.equal(small.Functions?.length, 2);
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'f00' }));
    const all = await t.lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 3 }));
    assert.deepEqual(all.Functions?.map((f) => f.Version), ['$LATEST', '1', '$LATEST']);
  });

  it('updates configuration within Lambda limits and changes the RevisionId', async () => {
    const created = await create(t.lambda, 'cfg');
    const updated = await t.lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: 'cfg', MemorySize: 1024, Timeout: 900, EphemeralStorage: { Size: 10240 }, Description: 'd',
      Handler: 'other.handler', Runtime: 'nodejs22.x', Environment: { Variables: { A_B: '1' } },
      Layers: ['arn:aws:lambda:us-east-1:123456789012:layer:l:1'],
    }));
    assert.equal(updated.MemorySize, 1024);
    assert.equal(updated.Timeout, 900);
    assert.equal(updated.EphemeralStorage?.Size, 10240);
    assert.equal(updated.Handler, 'other.handler');
    assert.equal(updated.Runtime, 'nodejs22.x');
    assert.deepEqual(updated.Environment?.Variables, { A_B: '1' });
    assert.equal(updated.Layers?.length, 1);
    assert.notEqual(updated.RevisionId, created.RevisionId);

    for (const bad of [{ MemorySize: 127 }, { MemorySize: 10241 }, { Timeout: 0 }, { Timeout: 901 }, { EphemeralStorage: { Size: 511 } }]) {
      await rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'cfg', ...bad })), 'ValidationException', 400);
    }
    await rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: 'cfg', Layers: Array.from({ length: 6 }, (_, i) => `arn:aws:lambda:us-east-1:123456789012:layer:l:${i + 1}`),
    })), 'InvalidParameterValueException', 400);
    const after = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'cfg' }));
    assert.equal(after.MemorySize, 1024, 'a refused update changes nothing');
  });

  it('measures environment variables as compact JSON against 4 KB', async () => {
    await create(t.lambda, 'env');
    // {"KK":"…"} is 9 bytes of framing around the value.
    const fits = { KK: 'x'.repeat(4096 - 9) };
    const res = await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'env', Environment: { Variables: fits } }));
    assert.equal(res.Environment?.Variables?.KK.length, 4087);
    await rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: 'env', Environment: { Variables: { KK: 'x'.repeat(4088) } },
    })), 'InvalidParameterValueException', 400,
    /^Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit\. String measured: .*4097 bytes/);
    // Non-ASCII counts as a \uXXXX escape (6 bytes): 4093 bytes in UTF-8, 4097 as counted.
    await rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: 'env', Environment: { Variables: { KK: 'é' + 'x'.repeat(4082) } },
    })), 'InvalidParameterValueException', 400, /4KB limit/);
    await rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: 'env', Environment: { Variables: { AWS_REGION: 'x', OK_KEY: 'y' } },
    })), 'InvalidParameterValueException', 400, /Reserved keys used in this request: AWS_REGION/);
    for (const key of ['1ABC', 'A', 'A-B']) {
      await rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({
        FunctionName: 'env', Environment: { Variables: { [key]: 'v' } },
      })), 'ValidationException', 400, /\[a-zA-Z\]\(\[a-zA-Z0-9_\]\)\+/);
    }
    const ok = await t.lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: 'env', Environment: { Variables: { LANG: 'C', PATH: '/bin', AWS_XRAY_X: '1' } },
    }));
    assert.equal(ok.Environment?.Variables?.LANG, 'C');
  });

  it('rejects a stale RevisionId with 412 PreconditionFailedException', async () => {
    const created = await create(t.lambda, 'rev');
    await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'rev', Timeout: 5, RevisionId: created.RevisionId }));
    const msg = /^The Revision Id provided does not match the latest Revision Id\. Call the GetFunction\/GetAlias API to retrieve the latest Revision Id$|GetFunction API/;
    await rejects(t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'rev', Timeout: 6, RevisionId: created.RevisionId })),
      'PreconditionFailedException', 412, msg);
    await rejects(t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'rev', ZipFile: CODE, RevisionId: created.RevisionId })),
      'PreconditionFailedException', 412);
    await rejects(t.lambda.send(new PublishVersionCommand({ FunctionName: 'rev', RevisionId: created.RevisionId })),
      'PreconditionFailedException', 412);
  });

  it('updates code and changes CodeSha256', async () => {
    await create(t.lambda, 'code');
    const zip = makeZip({ 'index.js': 'exports.handler = async () => 2;\n' });
    const res = await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'code', ZipFile: zip }));
    assert.equal(res.CodeSha256, createHash('sha256').update(zip).digest('base64'));
    await rejects(t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'code', ZipFile: Buffer.from('not a zip') })),
      'InvalidParameterValueException', 400);
  });

  it('publishes immutable versions; unchanged code and config return the latest version', async () => {
    await create(t.lambda, 'ver', { Description: 'v' });
    const v1 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver', Description: 'one' }));
    assert.equal(v1.$metadata.httpStatusCode, 201);
    assert.equal(v1.Version, '1');
    assert.equal(v1.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:ver:1');
    const again = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }));
    assert.equal(again.Version, '1');
    await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ver', MemorySize: 512 }));
    const v2 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'ver' }));
    assert.equal(v2.Version, '2');
    const v1Now = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'ver', Qualifier: '1' }));
    assert.equal(v1Now.MemorySize, 128, 'version 1 keeps its configuration');
    assert.equal(v1Now.Description, 'one');
    const list = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
    assert.deepEqual(list.Versions?.map((v) => v.Version), ['$LATEST', '1', '2']);

    await t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver', Qualifier: '2' }));
    const after = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ver' }));
    assert.deepEqual(after.Versions?.map((v) => v.Version), ['$LATEST', '1']);
    await t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'ver' }));
    await rejects(t.lambda.send(new GetFunctionCommand({ FunctionName: 'ver' })), 'ResourceNotFoundException', 404);
  });

  it('reports the account settings, concurrency, and the absent URL config, policy and mappings', async () => {
    await create(t.lambda, 'acc');
    const settings = await t.lambda.send(new GetAccountSettingsCommand({}));
    assert.equal(settings.AccountLimit?.ConcurrentExecutions, 1000, "AWS's default account quota");
    assert.equal(settings.AccountUsage?.FunctionCount, 1);
    const put = await t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'acc', ReservedConcurrentExecutions: 3 }));
    assert.equal(put.ReservedConcurrentExecutions, 3);
    assert.equal((await t.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'acc' }))).ReservedConcurrentExecutions, 3);
    assert.equal((await t.lambda.send(new GetFunctionCommand({ FunctionName: 'acc' }))).Concurrency?.ReservedConcurrentExecutions, 3);
    assert.equal((await t.lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions, 997);
    await rejects(t.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'acc', ReservedConcurrentExecutions: 1001 })),
      'ValidationException', 400);
    await t.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'acc' }));
    assert.equal((await t.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'acc' }))).ReservedConcurrentExecutions, undefined);

    await rejects(t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'acc' })), 'ResourceNotFoundException', 404);
    await rejects(t.lambda.send(new GetPolicyCommand({ FunctionName: 'acc' })), 'ResourceNotFoundException', 404);
    const mappings = await t.lambda.send(new ListEventSourceMappingsCommand({}));
    assert.deepEqual(mappings.EventSourceMappings, []);
  });
});

describe('Local Lambda API: aliases', () => {
  let t: TestLocal;
  before(async () => {
    t = await startTestLocal();
    await create(t.lambda, 'al');
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'al' }));
    await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'al', Timeout: 4 }));
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'al' }));
  });
  after(async () => { await t.close(); });

  it('creates, reads, updates, lists and deletes an alias with routing', async () => {
    const created = await t.lambda.send(new CreateAliasCommand({
      FunctionName: 'al', Name: 'live', FunctionVersion: '1', Description: 'prod',
      RoutingConfig: { AdditionalVersionWeights: { 2: 0.25 } },
    }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.AliasArn, 'arn:aws:lambda:us-east-1:123456789012:function:al:live');
    assert.deepEqual(created.RoutingConfig?.AdditionalVersionWeights, { 2: 0.25 });
    const got = await t.lambda.send(new GetAliasCommand({ FunctionName: 'al', Name: 'live' }));
    assert.equal(got.RevisionId, created.RevisionId);
    const updated = await t.lambda.send(new UpdateAliasCommand({
      FunctionName: 'al', Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: created.RevisionId,
    }));
    assert.equal(updated.FunctionVersion, '2');
    assert.equal(updated.RoutingConfig, undefined);
    assert.notEqual(updated.RevisionId, created.RevisionId);
    await rejects(t.lambda.send(new UpdateAliasCommand({ FunctionName: 'al', Name: 'live', Description: 'x', RevisionId: created.RevisionId })),
      'PreconditionFailedException', 412, /GetAlias/);
    const cfg = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'al', Qualifier: 'live' }));
    assert.equal(cfg.Version, '2');
    assert.equal(cfg.Timeout, 4);
    const list = await t.lambda.send(new ListAliasesCommand({ FunctionName: 'al' }));
    assert.deepEqual(list.Aliases?.map((a) => a.Name), ['live']);
    await t.lambda.send(new DeleteAliasCommand({ FunctionName: 'al', Name: 'live' }));
    await rejects(t.lambda.send(new GetAliasCommand({ FunctionName: 'al', Name: 'live' })), 'ResourceNotFoundException', 404);
  });

  it('answers invalid aliases with the errors AWS gives', async () => {
    const alias = (Name: string, FunctionVersion: string, weights?: Record<string, number>) =>
      t.lambda.send(new CreateAliasCommand({
        FunctionName: 'al', Name, FunctionVersion, ...(weights ? { RoutingConfig: { AdditionalVersionWeights: weights } } : {}),
      }));
    await rejects(alias('two', '1', { 2: 0.1, 3: 0.1 }), 'InvalidParameterValueException', 400,
      /^Number of items in AdditionalVersionWeights cannot be greater than 1$/);
    await rejects(alias('w', '1', { 2: 2 }), 'ValidationException', 400);
    await rejects(alias('w', '1', { 2: -1 }), 'ValidationException', 400);
    await rejects(alias('same', '1', { 1: 0.5 }), 'InvalidParameterValueException', 400, /already included in routing configuration/);
    await rejects(alias('latest', '$LATEST', { 2: 0.5 }), 'InvalidParameterValueException', 400,
      /^\$LATEST is not supported for an alias pointing to more than 1 version$/);
    await rejects(alias('missing', '9'), 'ResourceNotFoundException', 404);
    await rejects(alias('missing2', '1', { 9: 0.5 }), 'ResourceNotFoundException', 404);
    await rejects(alias('123', '1'), 'ValidationException', 400);
    await alias('dup', '1');
    await rejects(alias('dup', '1'), 'ResourceConflictException', 409);
    await rejects(t.lambda.send(new DeleteFunctionCommand({ FunctionName: 'al', Qualifier: '1' })), 'ResourceConflictException', 409, /dup/);
  });
});
