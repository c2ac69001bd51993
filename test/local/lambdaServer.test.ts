import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, GetFunctionConfigurationCommand, InvokeCommand,
  LambdaClient, ListFunctionsCommand, ListVersionsByFunctionCommand, PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { startLocalLambda } from '../../src/local/server';
import { makeTempDir, makeZip, rawRequest, startTestLocal, type TestLocal } from './helpers';

const ROLE = 'arn:aws:iam::123456789012:role/test-role';
const CODE = makeZip({ 'index.js': 'exports.handler = async (e) => e;\n' });

describe('Local Lambda server: requests it refuses', () => {
  let t: TestLocal;
  before(async () => {
    t = await startTestLocal();
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'big', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: CODE },
    }));
  });
  after(async () => { await t.close(); });

  it('answers a signed request', async () => {
    const res = await rawRequest(t.local, { method: 'GET', path: '/2015-03-31/functions/', sign: { service: 'lambda' } });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).Functions.length, 1);
  });

  it('refuses unsigned, unknown-key and badly signed requests with AWS error types', async () => {
    const unsigned = await rawRequest(t.local, { method: 'GET', path: '/2015-03-31/functions/' });
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');

    const unknownKey = await rawRequest(t.local, {
      method: 'GET', path: '/2015-03-31/functions/', sign: { service: 'lambda', accessKeyId: 'AKIAUNKNOWN' },
    });
    assert.equal(unknownKey.status, 403);
    assert.equal(unknownKey.headers['x-amzn-errortype'], 'UnrecognizedClientException');

    const wrongSecret = await rawRequest(t.local, {
      method: 'GET', path: '/2015-03-31/functions/', sign: { service: 'lambda', secretAccessKey: 'wrong' },
    });
    assert.equal(wrongSecret.status, 403);
    assert.equal(wrongSecret.headers['x-amzn-errortype'], 'InvalidSignatureException');

    const client = new LambdaClient({
      endpoint: t.endpoint, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: t.local.credentials.accessKeyId, secretAccessKey: 'wrong' },
    });
    await assert.rejects(client.send(new ListFunctionsCommand({})), { name: 'InvalidSignatureException' });
    client.destroy();
  });

  it('accepts 14 minutes of clock skew and refuses 16', async () => {
    const at = (minutes: number) => rawRequest(t.local, {
      method: 'GET', path: '/2015-03-31/functions/',
      sign: { service: 'lambda', signingDate: new Date(Date.now() + minutes * 60_000) },
    });
    assert.equal((await at(-14)).status, 200);
    const late = await at(-16);
    assert.equal(late.status, 403);
    assert.equal(late.headers['x-amzn-errortype'], 'InvalidSignatureException');
    assert.match(JSON.parse(late.body).message, /Signature expired/);
    assert.equal((await at(16)).status, 403);
  });

  it('refuses requests that carry a browser Origin or a foreign Host', async () => {
    const withOrigin = await rawRequest(t.local, {
      method: 'GET', path: '/2015-03-31/functions/', headers: { origin: 'https://evil.example' }, sign: { service: 'lambda' },
    });
    assert.equal(withOrigin.status, 403);
    assert.match(JSON.parse(withOrigin.body).message, /Origin/);

    const rebinding = await rawRequest(t.local, {
      method: 'GET', path: '/2015-03-31/functions/', headers: { host: `evil.example:${new URL(t.endpoint).port}` },
    });
    assert.equal(rebinding.status, 403);
    assert.match(JSON.parse(rebinding.body).message, /Host/);
  });

  it('answers malformed JSON with a 400 that says so', async () => {
    const res = await rawRequest(t.local, {
      method: 'PUT', path: '/2015-03-31/functions/big/configuration', body: '{"Timeout": 5',
      headers: { 'content-type': 'application/json' }, sign: { service: 'lambda' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'InvalidRequestContentException');
    assert.match(JSON.parse(res.body).message, /Could not parse request body into json/);
  });

  it('refuses invoke payloads over 6 MB (sync) and 1 MB (Event) with 413', async () => {
    const payload = Buffer.alloc(6 * 1024 * 1024 + 1, 0x20);
    await assert.rejects(t.lambda.send(new InvokeCommand({ FunctionName: 'big', Payload: payload })),
      (err: Error & { $metadata: { httpStatusCode?: number } }) => {
        assert.equal(err.name, 'RequestEntityTooLargeException');
        assert.equal(err.$metadata.httpStatusCode, 413);
        return true;
      });
    const asyncPayload = Buffer.alloc(1024 * 1024 + 1, 0x20);
    await assert.rejects(t.lambda.send(new InvokeCommand({ FunctionName: 'big', InvocationType: 'Event', Payload: asyncPayload })),
      { name: 'RequestEntityTooLargeException' });
  });

  it('answers unknown routes with 404 and a clear message', async () => {
    const res = await rawRequest(t.local, { method: 'GET', path: '/nothing-here', sign: { service: 'lambda' } });
    assert.equal(res.status, 404);
    assert.match(JSON.parse(res.body).message, /No Local Lambda operation at GET \/nothing-here/);
    const lambdaRoute = await rawRequest(t.local, { method: 'GET', path: '/2015-03-31/unknown', sign: { service: 'lambda' } });
    assert.equal(lambdaRoute.status, 404);
  });

  it('refuses to listen on a non-loopback address', async () => {
    const dir = makeTempDir();
    try {
      await assert.rejects(startLocalLambda({ dir, host: '0.0.0.0' }), /loopback/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Local Lambda server: state across restarts', () => {
  it('keeps functions, versions, aliases and configuration after a restart', async () => {
    const dataDir = makeTempDir('local-lambda-data-');
    const dir = makeTempDir();
    let t = await startTestLocal({ dir, dataDir });
    try {
      await t.lambda.send(new CreateFunctionCommand({
        FunctionName: 'keep', Runtime: 'python3.12', Handler: 'app.handler', Role: ROLE, Code: { ZipFile: CODE },
      }));
      await t.lambda.send(new PublishVersionCommand({ FunctionName: 'keep' }));
      await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'keep', MemorySize: 777, Environment: { Variables: { KEY: 'v' } } }));
      await t.lambda.send(new CreateAliasCommand({ FunctionName: 'keep', Name: 'live', FunctionVersion: '1' }));
    } finally {
      await t.close();
    }
    const before = { credentials: t.local.credentials };
    t = await startTestLocal({ dir, dataDir });
    try {
      assert.deepEqual(t.local.credentials, before.credentials, 'generated credentials are kept in the data dir');
      const cfg = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'keep' }));
      assert.equal(cfg.MemorySize, 777);
      assert.deepEqual(cfg.Environment?.Variables, { KEY: 'v' });
      const versions = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'keep' }));
      assert.deepEqual(versions.Versions?.map((v) => v.Version), ['$LATEST', '1']);
      assert.equal((await t.lambda.send(new GetAliasCommand({ FunctionName: 'keep', Name: 'live' }))).FunctionVersion, '1');
      const v2 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'keep' }));
      assert.equal(v2.Version, '2', 'version numbers continue after a restart');
    } finally {
      await t.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a corrupt state file and leaves it untouched', async () => {
    const dataDir = makeTempDir('local-lambda-data-');
    const file = path.join(dataDir, 'lambda-state.json');
    fs.writeFileSync(file, '{"formatVersion": 1, "functions": {');
    const dir = makeTempDir();
    try {
      await assert.rejects(startLocalLambda({ dir, dataDir }), (err: Error) => {
        assert.equal(err.name, 'CorruptStateError');
        assert.match(err.message, /lambda-state\.json is corrupt/);
        return true;
      });
      assert.equal(fs.readFileSync(file, 'utf8'), '{"formatVersion": 1, "functions": {');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
