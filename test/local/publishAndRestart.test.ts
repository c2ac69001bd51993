import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, PublishVersionCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, type UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import { makeTempDir, makeZip, startTestLocal, type TestLocal } from './helpers';

const HANDLER = 'exports.handler = async () => process.env.GREETING ?? "none";\n';
const LAYER = 'arn:aws:lambda:us-east-1:123456789012:layer:shared:3';

/**
 * PublishVersion compares code and configuration, as Lambda does: any change publishes a new
 * version, none gives back the newest one.
 */
describe('Local Lambda PublishVersion: what counts as a change', function () {
  this.timeout(30_000);
  let t: TestLocal;
  before(async () => { t = await startTestLocal(); });
  after(async () => { await t.close(); });

  const changes: Array<[string, Omit<UpdateFunctionConfigurationCommandInput, 'FunctionName'>]> = [
    ['an environment variable added', { Environment: { Variables: { GREETING: 'Hello', ADDED: '1' } } }],
    ['an environment variable changed', { Environment: { Variables: { GREETING: 'Bonjour' } } }],
    ['an environment variable removed', { Environment: { Variables: {} } }],
    ['the memory size', { MemorySize: 256 }],
    ['the timeout', { Timeout: 9 }],
    ['the handler', { Handler: 'other.handler' }],
    ['the runtime', { Runtime: 'nodejs22.x' }],
    ['the description', { Description: 'changed' }],
    ['the ephemeral storage', { EphemeralStorage: { Size: 1024 } }],
    ['a layer added', { Layers: [LAYER] }],
  ];

  let n = 0;
  for (const [what, update] of changes) {
    it(`publishes a new version after a change of ${what} alone`, async () => {
      const FunctionName = `publish-${++n}`;
      await t.lambda.send(new CreateFunctionCommand({
        FunctionName, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/r',
        Code: { ZipFile: makeZip({ 'index.js': HANDLER }) }, Environment: { Variables: { GREETING: 'Hello' } },
      }));
      assert.equal((await t.lambda.send(new PublishVersionCommand({ FunctionName }))).Version, '1');
      assert.equal((await t.lambda.send(new PublishVersionCommand({ FunctionName }))).Version, '1', 'nothing changed: version 1 again');
      await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName, ...update }));
      assert.equal((await t.lambda.send(new PublishVersionCommand({ FunctionName }))).Version, '2', `${what} is a change`);
      assert.equal((await t.lambda.send(new PublishVersionCommand({ FunctionName }))).Version, '2');
    });
  }

  it('publishes after a code change alone, and the versions answer as published', async () => {
    const FunctionName = 'publish-code';
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/r',
      Code: { ZipFile: makeZip({ 'index.js': HANDLER }) }, Environment: { Variables: { GREETING: 'Hello' } },
    }));
    await t.lambda.send(new PublishVersionCommand({ FunctionName }));
    await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName, Environment: { Variables: { GREETING: 'Bonjour' } } }));
    await t.lambda.send(new PublishVersionCommand({ FunctionName }));
    await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: makeZip({ 'index.js': 'exports.handler = async () => "new code";\n' }) }));
    assert.equal((await t.lambda.send(new PublishVersionCommand({ FunctionName }))).Version, '3');
    const answer = async (Qualifier: string) => Buffer.from((await t.lambda.send(new InvokeCommand({ FunctionName, Qualifier }))).Payload!).toString();
    assert.equal(await answer('1'), '"Hello"');
    assert.equal(await answer('2'), '"Bonjour"', 'the environment change was published');
    assert.equal(await answer('3'), '"new code"');
  });
});

describe('Local Lambda restarts keep code deployed to a template function', function () {
  this.timeout(40_000);
  let dir: string;
  let dataDir: string;
  before(() => {
    dir = makeTempDir();
    dataDir = makeTempDir('local-lambda-data-');
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'index.js'), 'exports.handler = async () => "template code";\n');
    fs.writeFileSync(path.join(dir, 'template.yaml'), [
      'Resources:', '  App:', '    Type: AWS::Serverless::Function', '    Properties:',
      '      FunctionName: app', '      CodeUri: app/', '      Handler: index.handler', '      Runtime: nodejs20.x', '',
    ].join('\n'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const answer = async (t: TestLocal) => Buffer.from((await t.lambda.send(new InvokeCommand({ FunctionName: 'app' }))).Payload!).toString();

  it('deployed code answers after a restart; once the template\'s code changes, the template wins and says so', async () => {
    let t = await startTestLocal({ dir, dataDir });
    try {
      assert.equal(await answer(t), '"template code"');
      await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'app', ZipFile: makeZip({ 'index.js': 'exports.handler = async () => "deployed code";\n' }) }));
      assert.equal(await answer(t), '"deployed code"');
    } finally {
      await t.close();
    }
    t = await startTestLocal({ dir, dataDir });
    try {
      assert.equal(await answer(t), '"deployed code"', 'a restart does not discard what was deployed');
      assert.equal((await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'app' }))).StateReason, undefined);
    } finally {
      await t.close();
    }
    fs.writeFileSync(path.join(dir, 'app', 'index.js'), 'exports.handler = async () => "edited template code";\n');
    t = await startTestLocal({ dir, dataDir });
    try {
      assert.equal(await answer(t), '"edited template code"');
      const reason = (await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'app' }))).StateReason ?? '';
      assert.match(reason, /The template's code for app changed since code was deployed to it here/);
    } finally {
      await t.close();
    }
  });
});
