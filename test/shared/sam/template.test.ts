import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSamTemplate } from '../../../src/shared/sam/template';
import { REPO_ROOT } from '../../support/repo';

const repoRoot = REPO_ROOT;

describe('model/samTemplate', () => {
  it('reads the example template, CloudFormation short tags and all', () => {
    const text = fs.readFileSync(path.join(repoRoot, 'examples', 'template.yaml'), 'utf8');
    assert.match(text, /!GetAtt/, 'the example still uses short tags');
    const result = parseSamTemplate(text);
    assert.equal(result.error, undefined);
    assert.deepEqual(result.functions.map((f) => [f.functionName, f.handler, f.language, f.codeUri]), [
      ['hello-node', 'index.handler', 'node', 'hello-node/'],
      ['hello-python', 'app.handler', 'python', 'hello-python/'],
    ]);
  });

  it('applies Globals, falls back to the logical id, and skips what has no local code', () => {
    const result = parseSamTemplate(`
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
    assert.equal(result.error, undefined);
    assert.deepEqual(result.functions.map((f) => [f.logicalId, f.functionName, f.handler, f.runtime, f.codeUri]), [
      ['Api', 'Api', 'src/app.lambdaHandler', 'nodejs22.x', 'api/'],
      ['Worker', 'Worker', 'jobs.run.handler', 'python3.13', 'worker'],
      ['Plain', 'plain-fn', 'main.handler', 'python3.12', './plain'],
    ]);
  });

  it('defaults CodeUri to the template folder and leaves the language open without a runtime', () => {
    const result = parseSamTemplate('Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n');
    assert.deepEqual(result.functions.map((f) => [f.codeUri, f.language]), [['.', undefined]]);
  });

  it('reads JSON templates too', () => {
    const result = parseSamTemplate(JSON.stringify({ Resources: { Fn: { Type: 'AWS::Serverless::Function', Properties: { CodeUri: 'fn/', Handler: 'app.handler', Runtime: 'python3.12' } } } }));
    assert.deepEqual(result.functions.map((f) => f.functionName), ['Fn']);
  });

  it('says where a broken template is broken', () => {
    const result = parseSamTemplate('Resources:\n  Fn:\n    Type: [unclosed\n');
    assert.deepEqual(result.functions, []);
    assert.match(result.error ?? '', /^line \d+: /);
  });
});
