import * as assert from 'node:assert/strict';
import { arnResourceName } from '../../../src/shared/lambda/arn';
import { describeSamEvent, functionEvents } from '../../../src/shared/sam/events';
import { readSamTemplate, type SamTemplate } from '../../../src/shared/sam/template';

function read(text: string, parameterOverrides: Record<string, string> = {}): SamTemplate {
  const result = readSamTemplate(text, { stackName: 'shop', parameterOverrides });
  assert.equal(result.problem, undefined, JSON.stringify(result.problem));
  return result.template!;
}

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Parameters:
  Every:
    Type: String
    Default: rate(5 minutes)
Resources:
  Orders:
    Type: AWS::SQS::Queue
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      CodeUri: src/
      Events:
        GetHello:
          Type: Api
          Properties:
            Path: /hello
            Method: get
        AnyHttp:
          Type: HttpApi
        PostItem:
          Type: HttpApi
          Properties:
            Path: /items/{id}
            Method: POST
        Tick:
          Type: Schedule
          Properties:
            Schedule: !Ref Every
            Enabled: false
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 3 * * ? *)
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Orders.Arn
            BatchSize: 5
        Topic:
          Type: SNS
          Properties:
            Topic: arn:aws:sns:us-east-1:123456789012:alerts
        Odd:
          Type: SomethingNew
  Plain:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: nodejs20.x
      CodeUri: src/
`;

describe('shared/sam: a function\'s Events as trigger rows', () => {
  const rows = (t: SamTemplate, name: string) => functionEvents(t, name).map(({ line: _line, ...rest }) => rest);

  it('lists API routes, schedules and other sources in the template\'s order, evaluating what the template alone knows', () => {
    const t = read(TEMPLATE);
    assert.deepEqual(rows(t, 'Api'), [
      { name: 'GetHello', type: 'Api', method: 'GET', path: '/hello' },
      { name: 'AnyHttp', type: 'HttpApi', method: 'ANY', path: '$default' },
      { name: 'PostItem', type: 'HttpApi', method: 'POST', path: '/items/{id}' },
      { name: 'Tick', type: 'Schedule', schedule: 'rate(5 minutes)', disabled: true },
      { name: 'Nightly', type: 'ScheduleV2', schedule: 'cron(0 3 * * ? *)' },
      { name: 'Queue', type: 'SQS' },
      { name: 'Topic', type: 'SNS' },
      { name: 'Odd', type: 'SomethingNew' },
    ]);
    const lines = functionEvents(t, 'Api').map((e) => e.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a! - b!), 'in the order of the template');
    assert.ok(lines.every((l) => typeof l === 'number'));
  });

  it('takes parameter overrides as the Local Lambda does', () => {
    const t = read(TEMPLATE, { Every: 'rate(1 hour)' });
    assert.equal(functionEvents(t, 'Api').find((e) => e.name === 'Tick')?.schedule, 'rate(1 hour)');
  });

  it('gives nothing for a function without Events, or a name no function has', () => {
    const t = read(TEMPLATE);
    assert.deepEqual(functionEvents(t, 'Plain'), []);
    assert.deepEqual(functionEvents(t, 'nobody'), []);
  });

  it('says in one line what each event is', () => {
    assert.equal(describeSamEvent({ name: 'a', type: 'Api', method: 'GET', path: '/hello' }), 'GET /hello');
    assert.equal(describeSamEvent({ name: 'a', type: 'Schedule', schedule: 'rate(5 minutes)', disabled: true }), 'rate(5 minutes) (disabled)');
    assert.equal(describeSamEvent({ name: 'a', type: 'S3' }), 'S3');
  });
});

describe('shared/lambda: resource names from ARNs', () => {
  const cases: Array<[string, string]> = [
    ['arn:aws:sqs:us-east-1:123456789012:orders', 'orders'],
    ['arn:aws:s3:::my-bucket', 'my-bucket'],
    ['arn:aws:sns:eu-west-1:123456789012:alerts', 'alerts'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000', 'Orders'],
    ['arn:aws:kinesis:us-east-1:123456789012:stream/clicks', 'clicks'],
    ['arn:aws:events:us-east-1:123456789012:rule/nightly', 'nightly'],
    ['arn:aws:events:us-east-1:123456789012:rule/orders-bus/on-order', 'on-order'],
    ['arn:aws:events:us-east-1:123456789012:event-bus/default', 'default'],
    ['arn:aws:lambda:us-east-1:123456789012:function:next-step', 'next-step'],
    ['arn:aws:lambda:us-east-1:123456789012:function:next-step:live', 'next-step:live'],
    ['arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*/GET/hello', 'a1b2c3/*/GET/hello'],
    ['arn:aws:mq:us-east-1:123456789012:broker:MyBroker:b-1234', 'MyBroker'],
    ['arn:aws:kafka:us-east-1:123456789012:cluster/prod/abcd-1', 'prod'],
    ['not-an-arn', 'not-an-arn'],
  ];
  for (const [arn, name] of cases) it(`${arn} → ${name}`, () => assert.equal(arnResourceName(arn), name));
});
