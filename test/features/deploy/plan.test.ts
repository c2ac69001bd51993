import * as assert from 'node:assert/strict';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import {
  changedBetween, configurationPatch, deployedConfig, diffConfig, environmentProblems, isFromTemplate, templateFunction, type DesiredConfig,
} from '../../../src/features/deploy/plan';
import { readSamTemplate } from '../../../src/shared/sam/template';

const deployed: FunctionConfiguration = {
  FunctionName: 'fn', Runtime: 'nodejs20.x', Handler: 'app.handler', MemorySize: 128, Timeout: 3, EphemeralStorage: { Size: 512 },
  Environment: { Variables: { A: '1', B: '2' } }, Layers: [{ Arn: 'arn:aws:lambda:us-east-1:123456789012:layer:a:1' }], Architectures: ['x86_64'],
  Description: 'old', CodeSha256: 'abc', RevisionId: 'r1', Role: 'arn:aws:iam::123456789012:role/r',
};
const base = deployedConfig(deployed);

/** The rows that change when one field differs from what is deployed. */
function changedRows(patch: Partial<DesiredConfig>): Array<[string, string | undefined, string]> {
  return diffConfig({ ...base, ...patch }, base).filter((c) => c.changed).map((c) => [c.label, c.before, c.after]);
}

describe('deploy/plan: the diff against what is deployed', () => {
  it('shows nothing changed when the template matches', () => {
    assert.deepEqual(changedRows({}), []);
    assert.deepEqual(configurationPatch(base, base), {});
  });

  const cases: Array<[string, Partial<DesiredConfig>, Array<[string, string | undefined, string]>, Record<string, unknown>]> = [
    ['runtime', { runtime: 'nodejs22.x' }, [['Runtime', 'nodejs20.x', 'nodejs22.x']], { Runtime: 'nodejs22.x' }],
    ['handler', { handler: 'index.main' }, [['Handler', 'app.handler', 'index.main']], { Handler: 'index.main' }],
    ['memory', { memorySize: 1024 }, [['Memory', '128 MB', '1024 MB']], { MemorySize: 1024 }],
    ['timeout', { timeout: 30 }, [['Timeout', '3 s', '30 s']], { Timeout: 30 }],
    ['ephemeral storage', { ephemeralStorage: 2048 }, [['Ephemeral storage', '512 MB', '2048 MB']], { EphemeralStorage: { Size: 2048 } }],
    ['environment', { environment: { A: '1', B: 'two', C: '3' } },
      [['Environment', '2 variables (17 B of 4 KB): A, B', '3 variables (27 B of 4 KB): A, B, C — ~B, +C']], { Environment: { Variables: { A: '1', B: 'two', C: '3' } } }],
    ['environment with a variable gone', { environment: { A: '1' } }, [['Environment', '2 variables (17 B of 4 KB): A, B', '1 variable (9 B of 4 KB): A — −B']], { Environment: { Variables: { A: '1' } } }],
    ['layers', { layers: ['arn:aws:lambda:us-east-1:123456789012:layer:a:2'] },
      [['Layers', 'arn:aws:lambda:us-east-1:123456789012:layer:a:1', 'arn:aws:lambda:us-east-1:123456789012:layer:a:2']], { Layers: ['arn:aws:lambda:us-east-1:123456789012:layer:a:2'] }],
    ['layers removed', { layers: [] }, [['Layers', 'arn:aws:lambda:us-east-1:123456789012:layer:a:1', '(none)']], { Layers: [] }],
    // Architecture goes with UpdateFunctionCode, not into the configuration patch.
    ['architecture', { architecture: 'arm64' }, [['Architecture', 'x86_64', 'arm64']], {}],
    ['description', { description: 'new' }, [['Description', '"old"', '"new"']], { Description: 'new' }],
    ['description cleared', { description: '' }, [['Description', '"old"', '(empty)']], { Description: '' }],
  ];
  for (const [name, patch, rows, request] of cases) {
    it(`shows a change of ${name} and sends only that field`, () => {
      assert.deepEqual(changedRows(patch), rows);
      assert.deepEqual(configurationPatch({ ...base, ...patch }, base), request);
    });
  }

  it('never shows environment values, only names', () => {
    const rows = diffConfig({ ...base, environment: { SECRET: 'hunter2-password' } }, { ...base, environment: { SECRET: 'old-password' } });
    assert.doesNotMatch(JSON.stringify(rows), /hunter2|old-password/);
  });

  it('shows every field of a new function as changing', () => {
    const rows = diffConfig(base);
    assert.equal(rows.length, 9);
    assert.ok(rows.every((r) => r.changed && r.before === undefined));
  });

  it('names what changed between the plan and now', () => {
    assert.deepEqual(changedBetween(deployed, { ...deployed, Timeout: 9, CodeSha256: 'xyz', Environment: { Variables: { A: '1' } } }), [
      'Code: abc → xyz', 'Timeout: 3 s → 9 s', 'Environment (−B)',
    ]);
    assert.deepEqual(changedBetween(deployed, { ...deployed, RevisionId: 'r2' }), [], 'a new revision alone changes nothing shown');
  });
});

describe('deploy/plan: what the template asks for', () => {
  const read = (yaml: string) => {
    const result = readSamTemplate(yaml, { stackName: 'stack' });
    assert.ok(result.template, result.problem?.message);
    return result.template.functions.map((f) => templateFunction(f, '/w/template.yaml', 'stack', (rel) => `/w/${rel}`));
  };

  it('takes Lambda\'s defaults where the template says nothing, and Globals', () => {
    const [fn] = read(`Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 7
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Architectures: [arm64]
`);
    assert.deepEqual(fn.blockers, []);
    assert.equal(fn.codeDir, '/w/src/');
    assert.deepEqual(fn.desired, {
      runtime: 'python3.12', handler: 'app.handler', memorySize: 128, timeout: 7, ephemeralStorage: 512, environment: {}, layers: [], architecture: 'arm64', description: '',
    });
  });

  it('blocks what cannot be deployed from here, saying why', () => {
    const fns = read(`Transform: AWS::Serverless-2016-10-31
Resources:
  Lib:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: lib/
  WithLayer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: a/
      Handler: a.handler
      Runtime: nodejs20.x
      Layers: [!Ref Lib]
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "exports.handler = async () => 1"
      Handler: index.handler
      Runtime: nodejs20.x
  Image:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: repo/img:1
`);
    assert.match(fns[0].blockers.join(), /layer Lib is defined in the template; publish that layer first/);
    assert.match(fns[1].blockers.join(), /inline in the template/);
    assert.match(fns[2].blockers.join(), /container image/);
  });

  it('refuses an environment over 4 KB, names Lambda refuses and reserved names', () => {
    assert.deepEqual(environmentProblems({ A1: 'x'.repeat(4087) }), []); // {"A1":"…"}: exactly 4,096 bytes
    assert.match(environmentProblems({ A1: 'x'.repeat(4088) })[0], /take 4097 bytes, over Lambda's 4096-byte \(4 KB\) limit/);
    assert.match(environmentProblems({ '1X': 'v' })[0], /names Lambda refuses: 1X/);
    assert.match(environmentProblems({ AWS_REGION: 'v' })[0], /reserves for itself: AWS_REGION/);
  });

  it('knows a function made from this template by its tags or CloudFormation\'s', () => {
    const fn = { logicalId: 'Fn', stackName: 'stack', templateFile: '/w/template.yaml' };
    assert.equal(isFromTemplate({ 'lambda-workbench:template': 'template.yaml', 'lambda-workbench:logical-id': 'Fn' }, fn, 'template.yaml'), true);
    assert.equal(isFromTemplate({ 'aws:cloudformation:logical-id': 'Fn', 'aws:cloudformation:stack-name': 'stack' }, fn, 'template.yaml'), true);
    assert.equal(isFromTemplate({ 'lambda-workbench:template': 'other/template.yaml', 'lambda-workbench:logical-id': 'Fn' }, fn, 'template.yaml'), false);
    assert.equal(isFromTemplate(undefined, fn, 'template.yaml'), false);
  });
});
