import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate, parseTemplateText, type EvaluationContext } from '../../../src/shared/sam/cloudformation';
import { stackNameForTemplate, templateCandidates } from '../../../src/shared/sam/discovery';
import { mergeGlobals, readSamTemplate, type SamTemplate } from '../../../src/shared/sam/template';
import { REPO_ROOT } from '../../support/repo';

function read(text: string, options: { stackName?: string; parameterOverrides?: Record<string, string> } = {}): SamTemplate {
  const result = readSamTemplate(text, { stackName: options.stackName ?? 'shop', parameterOverrides: options.parameterOverrides });
  assert.equal(result.problem, undefined, JSON.stringify(result.problem));
  return result.template!;
}

const fnOf = (t: SamTemplate, id: string) => {
  const fn = t.functions.find((f) => f.logicalId === id);
  assert.ok(fn, `no function ${id}`);
  return fn;
};

describe('shared/sam: reading templates', () => {
  it('reads the example template, CloudFormation short tags and all', () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'template.yaml'), 'utf8');
    assert.match(text, /!GetAtt/, 'the example still uses short tags');
    const t = read(text, { stackName: 'examples' });
    assert.deepEqual(t.functions.map((f) => [f.functionName, f.handler, f.runtime, f.code]), [
      ['hello-node', 'index.handler', 'nodejs20.x', { kind: 'path', path: 'hello-node/' }],
      ['hello-python', 'app.handler', 'python3.12', { kind: 'path', path: 'hello-python/' }],
      ['hello-ts', 'app.handler', 'nodejs20.x', { kind: 'path', path: 'hello-ts/' }],
    ]);
    assert.deepEqual(fnOf(t, 'HelloTsFunction').metadata, { buildMethod: 'esbuild', buildProperties: { EntryPoints: ['src/app.ts'], Target: 'es2022', Sourcemap: true } });
    assert.deepEqual(fnOf(t, 'HelloNodeFunction').environment, { GREETING: 'Hello' });
    assert.equal(fnOf(t, 'HelloNodeFunction').memorySize, 128);
    assert.deepEqual(t.resources.map((r) => r.type), [
      'AWS::Serverless::Function', 'AWS::Serverless::Function', 'AWS::Serverless::Function', 'AWS::Lambda::Version', 'AWS::Lambda::Version', 'AWS::Lambda::Alias',
    ]);
    assert.deepEqual(t.resources[5].properties.FunctionVersion, { 'Fn::GetAtt': ['HelloNodeVersion1', 'Version'] });
  });

  it('applies Globals, names functions by FunctionName or logical id, and says where each function\'s code is', () => {
    const t = read(`
Globals:
  Function:
    Runtime: nodejs22.x
    Handler: src/app.lambdaHandler
    CodeUri: api/
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "\${AWS::StackName}-api"
      Events:
        Get: { Type: Api, Properties: { Path: /, Method: get } }
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: worker
      Runtime: python3.13
      Handler: jobs.run.handler
      Environment:
        Variables:
          TABLE: !Ref Table
          ARN: !GetAtt [Table, Arn]
  Image:
    Type: AWS::Serverless::Function
    Properties: { PackageType: Image }
  Inline:
    Type: AWS::Serverless::Function
    Properties: { InlineCode: "exports.handler = () => 1" }
  FromS3:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: { Bucket: b, Key: k } }
  Java:
    Type: AWS::Serverless::Function
    Properties: { Runtime: java21, Handler: a.B::handle, CodeUri: java/ }
  Plain:
    Type: AWS::Lambda::Function
    Properties: { Code: ./plain, Handler: main.handler, Runtime: python3.12, FunctionName: plain-fn }
  Table:
    Type: AWS::DynamoDB::Table
`);
    assert.deepEqual(t.functions.map((f) => [f.logicalId, f.functionName, f.handler, f.runtime, f.code]), [
      ['Api', 'shop-api', 'src/app.lambdaHandler', 'nodejs22.x', { kind: 'path', path: 'api/' }],
      ['Worker', 'Worker', 'jobs.run.handler', 'python3.13', { kind: 'path', path: 'worker' }],
      ['Image', 'Image', 'src/app.lambdaHandler', 'nodejs22.x', { kind: 'image' }],
      ['Inline', 'Inline', 'src/app.lambdaHandler', 'nodejs22.x', { kind: 'inline', source: 'exports.handler = () => 1' }],
      ['FromS3', 'FromS3', 'src/app.lambdaHandler', 'nodejs22.x', { kind: 's3', location: 's3://b/k' }],
      ['Java', 'Java', 'a.B::handle', 'java21', { kind: 'path', path: 'java/' }],
      ['Plain', 'plain-fn', 'main.handler', 'python3.12', { kind: 'path', path: './plain' }],
    ]);
    assert.equal(fnOf(t, 'Image').packageType, 'Image');
    // A table is not known locally: the variables say why they have no value.
    assert.deepEqual(fnOf(t, 'Worker').environment, {});
    assert.deepEqual(fnOf(t, 'Worker').problems, [
      { property: 'Environment.Variables.TABLE', message: 'cannot resolve Ref Table locally' },
      { property: 'Environment.Variables.ARN', message: 'cannot resolve GetAtt Table.Arn locally' },
    ]);
  });

  it('defaults CodeUri to the template folder', () => {
    const t = read('Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n');
    assert.deepEqual(t.functions.map((f) => [f.code, f.runtime]), [[{ kind: 'path', path: '.' }, undefined]]);
  });

  it('reads JSON templates too', () => {
    const t = read(JSON.stringify({ Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { CodeUri: 'fn/', Handler: 'app.handler', Runtime: 'python3.12' } } } }));
    assert.deepEqual(t.functions.map((f) => f.functionName), ['Fn']);
  });

  it('says where a broken template is broken', () => {
    const broken = readSamTemplate('Resources:\n  Fn:\n    Type: [unclosed\n', { stackName: 's' });
    assert.equal(broken.template, undefined);
    assert.equal(typeof broken.problem?.line, 'number');
    assert.ok(broken.problem!.line! >= 3);
    // A template that defines nothing is read, and says so; it is not broken.
    assert.deepEqual(read('Description: no resources\n').empty, { line: 1, message: 'The template has no Resources section.' });
    assert.deepEqual(read('Description: x\nResources:\n').empty, { line: 2, message: 'The template\'s Resources section is empty.' });
    assert.deepEqual(read('').empty, { line: 1, message: 'The template is empty.' });
    assert.deepEqual(readSamTemplate('Resources: [a]\n', { stackName: 's' }).problem, { line: 1, message: 'Resources must be a map of logical ids to resources.' });
  });

  it('gives the line of each resource', () => {
    const t = read('Resources:\n  A:\n    Type: AWS::Serverless::Function\n\n  B:\n    Type: AWS::Lambda::Function\n');
    assert.deepEqual(t.functions.map((f) => [f.logicalId, f.line]), [['A', 2], ['B', 5]]);
  });

  it('uses Parameters with their Default, or the values given', () => {
    const text = `
Parameters:
  Stage: { Type: String, Default: dev }
  Memory: { Type: Number, Default: 256 }
  Subnets: { Type: CommaDelimitedList, Default: "a, b" }
  Secret: { Type: String }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Sub "orders-\${Stage}"
      Handler: index.handler
      MemorySize: !Ref Memory
      Environment:
        Variables:
          FIRST_SUBNET: !Select [0, !Ref Subnets]
          SECRET: !Ref Secret
`;
    const byDefault = fnOf(read(text), 'Fn');
    assert.equal(byDefault.functionName, 'orders-dev');
    assert.equal(byDefault.memorySize, 256);
    assert.deepEqual(byDefault.environment, { FIRST_SUBNET: 'a' });
    assert.deepEqual(byDefault.problems, [{ property: 'Environment.Variables.SECRET', message: 'parameter Secret has no Default and no value was given' }]);
    const given = fnOf(read(text, { parameterOverrides: { Stage: 'prod', Memory: '1024', Secret: 's3cr3t' } }), 'Fn');
    assert.equal(given.functionName, 'orders-prod');
    assert.equal(given.memorySize, 1024);
    assert.deepEqual(given.environment, { FIRST_SUBNET: 'a', SECRET: 's3cr3t' });
  });

  it('merges Globals.Function the way SAM does', () => {
    assert.deepEqual(mergeGlobals(
      { Timeout: 3, Environment: { Variables: { A: '1', B: '2' } }, Layers: ['arn:l1'], Architectures: ['arm64'], Role: { 'Fn::GetAtt': ['R', 'Arn'] } },
      { Timeout: 9, Environment: { Variables: { B: 'b', C: '3' } }, Layers: ['arn:l2'], Architectures: ['x86_64'], Role: 'arn:aws:iam::123456789012:role/x' },
    ), {
      Timeout: 9,
      Environment: { Variables: { A: '1', B: 'b', C: '3' } },
      Layers: ['arn:l1', 'arn:l2'],
      Architectures: ['x86_64'],
      Role: 'arn:aws:iam::123456789012:role/x',
    });
    // An intrinsic function is one value: replaced, never merged key by key.
    assert.deepEqual(mergeGlobals({ CodeUri: { 'Fn::Sub': 'a' } }, { CodeUri: { 'Fn::If': ['C', 'x', 'y'] } }), { CodeUri: { 'Fn::If': ['C', 'x', 'y'] } });
    // Globals apply to AWS::Serverless::Function only.
    const t = read('Globals:\n  Function:\n    Runtime: nodejs20.x\nResources:\n  Sam:\n    Type: AWS::Serverless::Function\n  Cfn:\n    Type: AWS::Lambda::Function\n    Properties: { Code: ./c }\n');
    assert.deepEqual(t.functions.map((f) => f.runtime), ['nodejs20.x', undefined]);
  });

  it('reads build metadata, layers and the layer resources', () => {
    const t = read(`
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties: { LayerName: !Sub "\${AWS::StackName}-shared", ContentUri: layers/shared/, CompatibleRuntimes: [nodejs20.x, nodejs22.x] }
    Metadata: { BuildMethod: nodejs20.x }
  Plain:
    Type: AWS::Lambda::LayerVersion
    Properties: { Content: { S3Bucket: b, S3Key: layer.zip } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      CodeUri: src/
      Layers: [!Ref Shared, "arn:aws:lambda:us-east-1:123456789012:layer:other:3"]
    Metadata:
      BuildMethod: esbuild
      BuildProperties: { Minify: true, EntryPoints: [app.ts] }
`);
    assert.deepEqual(t.layers.map((l) => [l.logicalId, l.layerName, l.content, l.compatibleRuntimes, l.buildMethod]), [
      ['Shared', 'shop-shared', { kind: 'path', path: 'layers/shared/' }, ['nodejs20.x', 'nodejs22.x'], 'nodejs20.x'],
      ['Plain', 'Plain', { kind: 's3', location: 's3://b/layer.zip' }, [], undefined],
    ]);
    const fn = fnOf(t, 'Fn');
    assert.deepEqual(fn.layers, [{ logicalId: 'Shared' }, { arn: 'arn:aws:lambda:us-east-1:123456789012:layer:other:3' }]);
    assert.deepEqual(fn.metadata, { buildMethod: 'esbuild', buildProperties: { Minify: true, EntryPoints: ['app.ts'] } });
  });

  it('leaves out resources whose Condition is false', () => {
    const text = `
Parameters:
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  ProdOnly:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties: { Handler: a.handler }
  DevOnly:
    Type: AWS::Serverless::Function
    Condition: NotProd
    Properties:
      Handler: a.handler
      Timeout: !If [IsProd, 30, 5]
`;
    assert.deepEqual(read(text).functions.map((f) => [f.logicalId, f.timeout]), [['DevOnly', 5]]);
    assert.deepEqual(read(text, { parameterOverrides: { Stage: 'prod' } }).functions.map((f) => f.logicalId), ['ProdOnly']);
  });
});

describe('shared/sam: CloudFormation tags and intrinsic functions', () => {
  const data = (text: string) => {
    const parsed = parseTemplateText(`Resources: {}\nValue: ${text}\n`);
    assert.ok('document' in parsed, JSON.stringify(parsed));
    return parsed.document.data.Value;
  };

  it('turns every short form into its long form', () => {
    assert.deepEqual(data('!Ref Bucket'), { Ref: 'Bucket' });
    assert.deepEqual(data('!GetAtt Fn.Arn'), { 'Fn::GetAtt': ['Fn', 'Arn'] });
    assert.deepEqual(data('!GetAtt Db.Endpoint.Address'), { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] });
    assert.deepEqual(data('!GetAtt [Fn, Arn]'), { 'Fn::GetAtt': ['Fn', 'Arn'] });
    assert.deepEqual(data('!ToJsonString { a: 1 }'), { 'Fn::ToJsonString': { a: 1 } });
    assert.deepEqual(data('!Length [a, b]'), { 'Fn::Length': ['a', 'b'] });
    assert.deepEqual(data('!Sub [ "${A}", { A: !Ref B } ]'), { 'Fn::Sub': ['${A}', { A: { Ref: 'B' } }] });
    assert.deepEqual(data('!Condition IsProd'), { Condition: 'IsProd' });
    // Anchors and aliases inside a tagged value resolve like anywhere else.
    const aliased = parseTemplateText('Names: &n [a, b]\nResources: {}\nValue: !Join [",", *n]\nRef: &r !Ref Fn\nAgain: *r\n');
    assert.ok('document' in aliased);
    assert.deepEqual([aliased.document.data.Value, aliased.document.data.Again], [{ 'Fn::Join': [',', ['a', 'b']] }, { Ref: 'Fn' }]);
    for (const name of ['And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not', 'Or', 'Select', 'Split', 'Transform']) {
      assert.deepEqual(data(`!${name} [x]`), { [`Fn::${name}`]: ['x'] }, name);
    }
  });

  const ctx: EvaluationContext = {
    stackName: 'shop', region: 'eu-west-1', accountId: '111122223333', partition: 'aws',
    parameters: { Stage: 'dev', Names: ['a', 'b', 'c'], Unset: undefined },
    refs: { Fn: 'shop-fn' },
    attributes: { 'Fn.Arn': 'arn:aws:lambda:eu-west-1:111122223333:function:shop-fn' },
    conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] } },
    mappings: { Sizes: { dev: { Memory: 256 } } },
  };

  it('evaluates what can be known locally', () => {
    assert.equal(evaluate({ Ref: 'AWS::Region' }, ctx), 'eu-west-1');
    assert.equal(evaluate({ Ref: 'AWS::AccountId' }, ctx), '111122223333');
    assert.equal(evaluate({ Ref: 'AWS::Partition' }, ctx), 'aws');
    assert.equal(evaluate({ 'Fn::Sub': '${AWS::StackName}-${Stage}-${Fn.Arn}-${!Literal}' }, ctx), 'shop-dev-arn:aws:lambda:eu-west-1:111122223333:function:shop-fn-${Literal}');
    assert.equal(evaluate({ 'Fn::Sub': ['${X}/${Fn}', { X: { Ref: 'Stage' } }] }, ctx), 'dev/shop-fn');
    assert.equal(evaluate({ 'Fn::Join': ['-', ['a', { Ref: 'Stage' }, 3]] }, ctx), 'a-dev-3');
    assert.equal(evaluate({ 'Fn::Join': [',', { Ref: 'Names' }] }, ctx), 'a,b,c');
    assert.equal(evaluate({ 'Fn::Select': ['1', { 'Fn::Split': [',', 'x,y,z'] }] }, ctx), 'y');
    assert.equal(evaluate({ 'Fn::If': ['IsDev', 'small', 'large'] }, ctx), 'small');
    assert.equal(evaluate({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] }, ctx), 256);
    assert.equal(evaluate({ 'Fn::ToJsonString': { a: [1, { Ref: 'Stage' }] } }, ctx), '{"a":[1,"dev"]}');
    assert.equal(evaluate({ 'Fn::Length': { Ref: 'Names' } }, ctx), 3);
    assert.equal(evaluate({ 'Fn::Base64': 'héllo' }, ctx), Buffer.from('héllo').toString('base64'));
    assert.deepEqual(evaluate({ A: { 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 1] }, B: [1, { Ref: 'AWS::NoValue' }, 2] }, ctx), { B: [1, 2] });
  });

  it('refuses the rest with a message that says what could not be known', () => {
    const refusal = (value: unknown) => assert.throws(() => evaluate(value, ctx), { name: 'IntrinsicError' });
    refusal({ Ref: 'Table' });
    assert.throws(() => evaluate({ Ref: 'Table' }, ctx), /cannot resolve Ref Table locally/);
    assert.throws(() => evaluate({ 'Fn::GetAtt': ['Table', 'Arn'] }, ctx), /cannot resolve GetAtt Table.Arn locally/);
    assert.throws(() => evaluate({ Ref: 'Unset' }, ctx), /parameter Unset has no Default/);
    assert.throws(() => evaluate({ 'Fn::ImportValue': 'x' }, ctx), /needs another deployed stack/);
    assert.throws(() => evaluate({ 'Fn::GetAZs': '' }, ctx), /Fn::GetAZs is not evaluated locally/);
    assert.throws(() => evaluate({ 'Fn::If': ['Missing', 1, 2] }, ctx), /condition Missing is not defined/);
    assert.throws(() => evaluate({ 'Fn::Select': [5, ['a']] }, ctx), /outside the list/);
  });
});

describe('shared/sam: where templates are', () => {
  it('looks in the folder, then in its sub-folders by name, never in dot-folders or node_modules', () => {
    const dir = (name: string) => ({ name, isDirectory: true });
    const file = (name: string) => ({ name, isDirectory: false });
    assert.deepEqual(templateCandidates([dir('svc'), file('template.yaml'), dir('.aws-sam'), dir('node_modules'), dir('api'), file('README.md')]), [
      ['template.yaml', 'template.yml', 'template.json'],
      ['api/template.yaml', 'api/template.yml', 'api/template.json'],
      ['svc/template.yaml', 'svc/template.yml', 'svc/template.json'],
    ]);
  });

  it('names the stack after the template\'s folder', () => {
    assert.equal(stackNameForTemplate('/work/shop/template.yaml'), 'shop');
    assert.equal(stackNameForTemplate('C:\\work\\orders\\template.yml'), 'orders');
  });
});
