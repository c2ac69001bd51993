import * as assert from 'node:assert/strict';
import { parseTemplateText } from '../../../src/shared/sam/cloudformation';
import { indentFlowContinuations } from '../../../src/shared/sam/flowIndent';
import { functionNameProblem, generatedFunctionName, stableSuffix } from '../../../src/shared/sam/names';
import { ParameterOverrideError, parameterOverridesFromJson, parseParameterOverrides } from '../../../src/shared/sam/parameters';
import { readSamConfig } from '../../../src/shared/sam/samconfig';
import { readSamProject } from '../../../src/shared/sam/project';
import { readSamTemplate } from '../../../src/shared/sam/template';

describe('shared/sam: parameter overrides in SAM\'s forms', () => {
  it('reads Key=Value pairs, CloudFormation\'s ParameterKey form, and quoted or escaped spaces', () => {
    assert.deepEqual(parseParameterOverrides('Stage=prod TableName=orders'), { Stage: 'prod', TableName: 'orders' });
    assert.deepEqual(parseParameterOverrides('ParameterKey=KeyPairName,ParameterValue=MyKey ParameterKey=Subnets,ParameterValue=a,b'), { KeyPairName: 'MyKey', Subnets: 'a,b' });
    assert.deepEqual(parseParameterOverrides(`Greeting="Good morning" Note='it''s' Path=a\\ b Url=https://x.test/?a=1`), {
      Greeting: 'Good morning', Note: "it''s", Path: 'a b', Url: 'https://x.test/?a=1',
    });
    assert.deepEqual(parseParameterOverrides(['Stage=dev', 'Stage=prod Empty=']), { Stage: 'prod', Empty: '' }, 'later values win; several strings add up');
    assert.deepEqual(parseParameterOverrides(''), {});
    assert.throws(() => parseParameterOverrides('Stage=prod oops'), ParameterOverrideError);
  });

  it('reads a JSON object, numbers and lists as CloudFormation text', () => {
    assert.deepEqual(parameterOverridesFromJson('{"Stage":"prod","Memory":512,"Debug":true,"Subnets":["a","b"]}', 'X'), {
      Stage: 'prod', Memory: '512', Debug: 'true', Subnets: 'a,b',
    });
  });
});

describe('shared/sam: samconfig', () => {
  const TOML = `version = 0.1
[default.global.parameters]
stack_name = "shop"
[default.deploy.parameters]
parameter_overrides = "Stage=\\"staging\\" Table=orders"
[default.build.parameters]
parameter_overrides = ["Table=orders-build"]
[prod.deploy.parameters]
parameter_overrides = "Stage=prod"
stack_name = "shop-prod"
`;

  it('takes the default environment\'s values, command tables over global, build over deploy', async () => {
    assert.deepEqual(await readSamConfig(TOML, 'samconfig.toml'), { config: { stackName: 'shop', parameterOverrides: { Stage: 'staging', Table: 'orders-build' } } });
  });

  it('reads samconfig.yaml alike', async () => {
    const yaml = 'version: 0.1\ndefault:\n  deploy:\n    parameters:\n      stack_name: shop\n      parameter_overrides:\n        - Stage=staging\n';
    assert.deepEqual(await readSamConfig(yaml, 'samconfig.yaml'), { config: { stackName: 'shop', parameterOverrides: { Stage: 'staging' } } });
  });

  it('says where a samconfig is broken', async () => {
    assert.deepEqual((await readSamConfig('[default.deploy.parameters]\nparameter_overrides = 3\n', 'samconfig.toml')).problem, {
      line: 2, message: 'default.deploy.parameters.parameter_overrides must be a string or a list of strings',
    });
  });
});

describe('shared/sam: function names like CloudFormation\'s', () => {
  it('cuts the stack name first and keeps 24 characters of the logical id when both are long, within 64', () => {
    const name = generatedFunctionName('MyStackDev-MyNestedApplicationStack', 'MyLambdaFunctionName', 'a/template.yaml');
    assert.match(name, /^MyStackDev-MyNestedApplicatio-MyLambdaFunctionName-[A-Z0-9]{13}$/);
    assert.equal(name.length, 64);
    assert.match(generatedFunctionName('app', 'Fn', 'template.yaml'), /^app-Fn-[A-Z0-9]{13}$/);
    const long = generatedFunctionName('a-very-long-stack-name-for-the-orders-service', 'ProcessEveryIncomingOrderEventFunction', 'x');
    assert.equal(long.length, 64);
    assert.match(long, /^a-very-long-stack-name-fo-ProcessEveryIncomingOrde-[A-Z0-9]{13}$/);
    assert.match(generatedFunctionName('my app.v2', 'Fn', 'x'), /^my-app-v2-Fn-/, 'characters a function name cannot hold become "-"');
  });

  it('gives the same suffix for the same seed and a different one otherwise', () => {
    assert.equal(stableSuffix('a/template.yaml'), stableSuffix('a/template.yaml'));
    assert.notEqual(stableSuffix('a/template.yaml'), stableSuffix('b/template.yaml'));
    assert.equal(functionNameProblem('ok-Name_1'), undefined);
    assert.equal(functionNameProblem('a.b'), 'a function name holds only letters, digits, "-" and "_"; "a.b" does not');
  });
});

describe('shared/sam: reading a project', () => {
  const fn = (id: string, extra = '') => `  ${id}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.h\n      Runtime: nodejs20.x\n${extra}`;
  const names = async (inputs: Array<{ file: string; text: string; samconfig?: { file: string; text: string } }>, overrides?: Record<string, string>) =>
    (await readSamProject(inputs.map((i) => ({ ...i, relativeFile: i.file.replace(/^\/work\/app\//, '') })), { parameterOverrides: overrides }))
      .map((p) => p.read.template?.functions.map((f) => [f.logicalId, f.functionName, f.nameSource, f.environment]));

  it('keeps logical ids as names until two templates share one, then names both like CloudFormation', async () => {
    const result = await names([
      { file: '/work/app/orders/template.yaml', text: `Resources:\n${fn('Handler', '      Environment:\n        Variables:\n          SELF: !Ref Handler\n')}${fn('OrdersOnly')}` },
      { file: '/work/app/users/template.yaml', text: `Resources:\n${fn('Handler')}${fn('Given', '      FunctionName: OrdersOnly2\n')}` },
    ]);
    const orders = generatedFunctionName('orders', 'Handler', 'orders/template.yaml');
    const users = generatedFunctionName('users', 'Handler', 'users/template.yaml');
    assert.deepEqual(result, [
      [['Handler', orders, 'generated', { SELF: orders }], ['OrdersOnly', 'OrdersOnly', 'logicalId', {}]],
      [['Handler', users, 'generated', {}], ['Given', 'OrdersOnly2', 'FunctionName', {}]],
    ]);
  });

  it('renames a logical id that another template uses as a FunctionName', async () => {
    const result = await names([
      { file: '/work/app/a/template.yaml', text: `Resources:\n${fn('Worker')}` },
      { file: '/work/app/b/template.yaml', text: `Resources:\n${fn('Other', '      FunctionName: Worker\n')}` },
    ]);
    assert.equal((result[0]![0] as string[])[2], 'generated');
    assert.equal((result[1]![0] as string[])[1], 'Worker');
  });

  it('reads parameters from the Default, then samconfig, then the given values, and the stack name from samconfig', async () => {
    const text = 'Parameters:\n  Stage: { Type: String, Default: dev }\n  Table: { Type: String, Default: t-dev }\nResources:\n' +
      fn('Fn', '      FunctionName: !Sub "${AWS::StackName}-${Stage}-${Table}"\n');
    const samconfig = { file: '/work/app/samconfig.toml', text: '[default.deploy.parameters]\nstack_name = "shop"\nparameter_overrides = "Stage=staging Table=t-staging"\n' };
    assert.deepEqual(await names([{ file: '/work/app/template.yaml', text }]), [[['Fn', 'app-dev-t-dev', 'FunctionName', {}]]]);
    assert.deepEqual(await names([{ file: '/work/app/template.yaml', text, samconfig }]), [[['Fn', 'shop-staging-t-staging', 'FunctionName', {}]]]);
    assert.deepEqual(await names([{ file: '/work/app/template.yaml', text, samconfig }], { Stage: 'prod' }), [[['Fn', 'shop-prod-t-staging', 'FunctionName', {}]]]);
  });
});

describe('shared/sam: YAML as lenient as SAM\'s', () => {
  const POLICY = [
    'Resources:',
    '  Fn:',
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      Policies:',
    '        - Statement:',
    '          - Effect: Allow',
    '            Action: [',
    '              "s3:GetObject",',
    '              "s3:PutObject"',
    '          ]',
    '            Resource: "*"',
    '      Layers: [',
    '    !Ref Shared, "arn:aws:lambda:us-east-1:123456789012:layer:x:1"]',
    '      Tags: {',
    '  team: data,',
    '  "cost center": 42 }',
    '      Description: \'a [bracket] in a quoted scalar\'',
    '      InlineCode: |',
    '        const a = [',
    '        1];',
    '',
  ].join('\n');

  it('reads flow collections whose lines are indented less than their key, keeping the data and the line numbers', () => {
    const parsed = parseTemplateText(POLICY);
    assert.ok('document' in parsed, JSON.stringify(parsed));
    const props = (parsed.document.data.Resources as Record<string, { Properties: Record<string, unknown> }>).Fn.Properties;
    assert.deepEqual(props.Policies, [{ Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }] }]);
    assert.deepEqual(props.Layers, [{ Ref: 'Shared' }, 'arn:aws:lambda:us-east-1:123456789012:layer:x:1']);
    assert.deepEqual(props.Tags, { team: 'data', 'cost center': 42 });
    assert.equal(props.Description, 'a [bracket] in a quoted scalar');
    assert.equal(props.InlineCode, 'const a = [\n1];\n', 'a bracket in a block scalar is text');
    assert.equal(parsed.document.lineOf(['Resources', 'Fn', 'Properties', 'Layers'])?.line, 13);
    assert.equal(parsed.document.resourceLines.get('Fn'), 2);
  });

  it('does not touch a block scalar, and still refuses broken YAML', () => {
    // The block scalar's "[" is text: nothing is re-indented for it (the InlineCode keeps its lines).
    const inline = 'Resources:\n  Fn:\n    Properties:\n      InlineCode: |\n        const a = [\n      1];\n';
    assert.equal(indentFlowContinuations(inline), undefined);
    const unclosed = parseTemplateText('Resources:\n  Fn:\n    Properties:\n      Layers: [\n        a,\n      Handler: x\n');
    assert.ok('problem' in unclosed);
    const mapInList = parseTemplateText('Resources:\n  Fn: [a\n  b: c\n');
    assert.ok('problem' in mapInList);
  });

  it('gives property lines for messages, from Globals when the value is there', () => {
    const read = readSamTemplate('Globals:\n  Function:\n    Timeout: x\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.h\n', { stackName: 's' });
    assert.equal(read.template?.lineOf('Fn', 'Timeout'), 3);
    assert.equal(read.template?.lineOf('Fn', 'Handler'), 8);
    assert.equal(read.template?.lineOf('Fn', 'MemorySize'), 5, 'a value the template does not have: the resource\'s line');
  });
});
