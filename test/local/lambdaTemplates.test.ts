import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GetAliasCommand, GetFunctionConfigurationCommand, InvokeCommand, PublishVersionCommand, ListFunctionsCommand, ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { makeTempDir, rawRequest, startTestLocal, write, type TestLocal } from './helpers';
import { REPO_ROOT } from '../support/repo';
import { TemplateHandlerIndex } from '../../src/features/codelens/handlerIndex';

const EXAMPLES = path.join(REPO_ROOT, 'examples');

describe('Local Lambda templates', () => {
  const cleanup: string[] = [];
  let t: TestLocal | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('loads the example SAM app with its versions and weighted alias, once', async () => {
    const dataDir = makeTempDir('local-lambda-data-');
    cleanup.push(dataDir);
    t = await startTestLocal({ dir: EXAMPLES, dataDir });
    const fns = await t.lambda.send(new ListFunctionsCommand({}));
    assert.deepEqual(fns.Functions?.map((f) => f.FunctionName), ['hello-node', 'hello-python', 'hello-ts']);
    const node = fns.Functions![0];
    assert.equal(node.Runtime, 'nodejs20.x');
    assert.equal(node.Handler, 'index.handler');
    assert.deepEqual(node.Environment?.Variables, { GREETING: 'Hello' });
    const versions = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'hello-node' }));
    assert.deepEqual(versions.Versions?.map((v) => v.Version), ['$LATEST', '1', '2']);
    assert.equal(versions.Versions?.[2].Description, 'Second release, tried on 10% of calls');
    const alias = await t.lambda.send(new GetAliasCommand({ FunctionName: 'hello-node', Name: 'live' }));
    assert.equal(alias.FunctionVersion, '1');
    assert.deepEqual(alias.RoutingConfig?.AdditionalVersionWeights, { 2: 0.1 });
    await t.close();

    t = await startTestLocal({ dir: EXAMPLES, dataDir });
    const again = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'hello-node' }));
    assert.deepEqual(again.Versions?.map((v) => v.Version), ['$LATEST', '1', '2'], 'a restart publishes nothing new');
  });

  it('reports a malformed template with file and line while other templates still load', async () => {
    const dir = makeTempDir();
    cleanup.push(dir);
    write(path.join(dir, 'good', 'template.yaml'), [
      'Globals:', '  Function:', '    Timeout: 7',
      'Resources:', '  Good:', '    Type: AWS::Serverless::Function', '    Properties:',
      '      CodeUri: src', '      Handler: index.handler', '      Runtime: nodejs20.x',
      '      Environment:', '        Variables:', '          REGION_NAME: !Sub "${AWS::Region}-x"', '          FN: !Ref Good', '',
    ].join('\n'));
    write(path.join(dir, 'good', 'src', 'index.js'), 'exports.handler = async () => 1;\n');
    write(path.join(dir, 'bad', 'template.yaml'), [
      'Resources:', '  Bad:', '    Type: AWS::Serverless::Function', '    Properties:',
      '      Handler: [unclosed', '',
    ].join('\n'));
    write(path.join(dir, 'half', 'template.yml'), [
      'Resources:', '  NoHandler:', '    Type: AWS::Serverless::Function', '    Properties:',
      '      Runtime: python3.12', '      CodeUri: .', '',
    ].join('\n'));
    t = await startTestLocal({ dir });
    const good = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'Good' }));
    assert.equal(good.Timeout, 7);
    assert.deepEqual(good.Environment?.Variables, { REGION_NAME: 'us-east-1-x', FN: 'Good' });

    const errors = t.local.templates.errors;
    const bad = errors.find((e) => e.file.endsWith(path.join('bad', 'template.yaml')));
    assert.ok(bad, JSON.stringify(errors));
    assert.equal(typeof bad.line, 'number');
    assert.ok(bad.line! >= 5, `line ${bad.line}`);
    const half = errors.find((e) => e.file.endsWith(path.join('half', 'template.yml')));
    assert.equal(half?.line, 2);
    assert.match(half!.message, /NoHandler: Handler is missing/);

    const status = await rawRequest(t.local, { method: 'GET', path: '/_local/status', sign: { service: 'lambda' } });
    assert.equal(status.status, 200);
    const body = JSON.parse(status.body);
    assert.deepEqual(body.functions, ['Good']);
    assert.equal(body.templateErrors.length, 2);
    assert.ok(body.templateErrors.some((e: { file: string; line: number }) => e.file.endsWith('template.yaml') && e.line === bad.line));
    const unsigned = await rawRequest(t.local, { method: 'GET', path: '/_local/status' });
    assert.equal(unsigned.status, 403);
  });
});

describe('Local Lambda templates: live code and snapshots', () => {
  const dirs: string[] = [];
  let t: TestLocal | undefined;
  after(async () => {
    await t?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('runs $LATEST from the folder live while a published version keeps its code', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    write(path.join(dir, 'template.yaml'), [
      'Resources:',
      '  Fn:', '    Type: AWS::Serverless::Function', '    Properties:',
      '      FunctionName: live-fn', '      CodeUri: code', '      Handler: index.handler', '      Runtime: nodejs20.x',
      '  FnV1:', '    Type: AWS::Lambda::Version', '    Properties:', '      FunctionName: !Ref Fn',
      '  Inline:', '    Type: AWS::Lambda::Function', '    Properties:',
      '      FunctionName: !Sub "${AWS::StackName}-inline"', '      Handler: index.handler', '      Runtime: python3.12',
      '      Role: !GetAtt SomeRole.Arn',
      '      Code:', '        ZipFile: |', '          def handler(event, context):', '              return "inline"', '',
    ].join('\n'));
    const source = path.join(dir, 'code', 'index.js');
    write(source, 'exports.handler = async () => "first";\n');
    t = await startTestLocal({ dir });
    const call = async (Qualifier: string) => Buffer.from((await t!.lambda.send(new InvokeCommand({
      FunctionName: 'live-fn', Qualifier, Payload: '{}',
    }))).Payload ?? []).toString();
    assert.equal(await call('$LATEST'), '"first"');
    write(source, 'exports.handler = async () => "second";\n');
    await new Promise((r) => setTimeout(r, 300)); // past the folder fingerprint's reuse window
    assert.equal(await call('$LATEST'), '"second"', '$LATEST runs the edited folder');
    assert.equal(await call('1'), '"first"', 'version 1 keeps the published code');
    // $LATEST follows the folder; a new publish snapshots the edit.
    const v2 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'live-fn' }));
    assert.equal(v2.Version, '2');
    assert.equal(await call('2'), '"second"');

    const inline = await t.lambda.send(new InvokeCommand({ FunctionName: `${path.basename(dir)}-inline`, Payload: '{}' }));
    assert.equal(Buffer.from(inline.Payload ?? []).toString(), '"inline"');
  });
});

describe('Local Lambda templates: read as CodeLens reads them', () => {
  let t: TestLocal | undefined;
  let dir: string | undefined;
  after(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same functions, handlers, runtimes and code folders as the CodeLens index', async () => {
    dir = makeTempDir();
    write(path.join(dir, 'template.yaml'), [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]',
      'Parameters:',
      '  Stage: { Type: String, Default: dev }',
      '  ApiCode: { Type: String, Default: api/ }',
      '  HandlerModule: { Type: String, Default: src/app }',
      'Globals:',
      '  Function:',
      '    Runtime: nodejs20.x',
      '    Environment:',
      '      Variables:',
      '        STAGE: !Ref Stage',
      'Resources:',
      '  Api:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      FunctionName: !Sub "${AWS::StackName}-${Stage}-api"',
      '      CodeUri: !Ref ApiCode',
      '      Handler: !Join [".", [!Ref HandlerModule, handler]]',
      '      Environment:',
      '        Variables:',
      '          SETTINGS: !ToJsonString { retries: 3, stage: !Ref Stage }',
      '          PEERS: !Length [a, b, c]',
      '          WORKER_ARN: !GetAtt Worker.Arn',
      '  Worker:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      FunctionName: !Join ["-", [!Ref AWS::StackName, worker]]',
      '      CodeUri: worker/',
      '      Handler: index.handler',
      '      Runtime: nodejs22.x',
      '      Role: !GetAtt WorkerRole.Arn',
      '  Plain:',
      '    Type: AWS::Lambda::Function',
      '    Properties:',
      '      Code: ./plain',
      '      Handler: main.handler',
      '      Runtime: nodejs20.x',
      '',
    ].join('\n'));
    const handler = (name: string) =>
      `exports.${name} = async () => ({ root: process.env.LAMBDA_TASK_ROOT, env: { STAGE: process.env.STAGE, SETTINGS: process.env.SETTINGS, PEERS: process.env.PEERS, WORKER_ARN: process.env.WORKER_ARN } });\n`;
    write(path.join(dir, 'api', 'src', 'app.js'), handler('handler'));
    write(path.join(dir, 'worker', 'index.js'), handler('handler'));
    write(path.join(dir, 'plain', 'main.js'), handler('handler'));
    const stack = path.basename(dir);

    const problems: string[] = [];
    const lenses = await new TemplateHandlerIndex((_file, message) => problems.push(message)).functions(dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(lenses.map((fn) => fn.functionName), [`${stack}-dev-api`, `${stack}-worker`, 'Plain']);

    t = await startTestLocal({ dir });
    assert.deepEqual(t.local.templates.errors, []);
    const fromLocal = [];
    for (const fn of lenses) {
      const config = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.functionName }));
      const result = await t.lambda.send(new InvokeCommand({ FunctionName: fn.functionName, Payload: '{}' }));
      const out = JSON.parse(Buffer.from(result.Payload ?? []).toString()) as { root: string; env: Record<string, string> };
      fromLocal.push({ name: config.FunctionName, handler: config.Handler, runtime: config.Runtime, codeDir: fs.realpathSync(out.root), env: out.env });
    }
    assert.deepEqual(
      fromLocal.map(({ name, handler: h, runtime, codeDir }) => [name, h, runtime, codeDir]),
      lenses.map((fn) => [fn.functionName, fn.handler, fn.runtime, fs.realpathSync(fn.codeDir)]),
    );
    assert.deepEqual([...t.local.functions()].sort(), lenses.map((fn) => fn.functionName).sort());
    assert.deepEqual(fromLocal[0].env, {
      STAGE: 'dev',
      SETTINGS: '{"retries":3,"stage":"dev"}',
      PEERS: '3',
      WORKER_ARN: `arn:aws:lambda:us-east-1:123456789012:function:${stack}-worker`,
    });
  });
});
