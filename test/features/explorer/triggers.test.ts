import * as assert from 'node:assert/strict';
import { WorkbenchError } from '../../../src/aws/errors';
import { curlCommand, shellQuote } from '../../../src/features/explorer/curl';
import { asyncTrigger, mappingTrigger, policyTriggers, scheduleTrigger, triggerItems, urlTrigger } from '../../../src/features/explorer/triggers';

const FN_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:orders';

const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Id: 'default',
  Statement: [
    {
      Sid: 'api', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FN_ARN,
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/*/POST/orders' } },
    },
    {
      Sid: 'rule', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FN_ARN,
      Condition: { ArnLike: { 'aws:sourcearn': 'arn:aws:events:eu-west-1:123456789012:rule/nightly' } },
    },
    {
      Sid: 's3', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FN_ARN,
      Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } },
    },
    { Sid: 'other-account', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'lambda:InvokeFunction', Resource: FN_ARN },
    { Sid: 'public-url', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Resource: FN_ARN, Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } },
    { Sid: 'denied', Effect: 'Deny', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FN_ARN },
  ],
});

describe('explorer/triggers: what calls a function', () => {
  it('shows a Local Lambda schedule as off or firing, and in place of the template\'s row for it', () => {
    const entry = { id: 'job:Nightly', functionName: 'job', eventName: 'Nightly', type: 'ScheduleV2' as const, expression: 'cron(0 2 * * ? *)',
      enabledInTemplate: true, firing: false, file: '/w/template.yaml' };
    const off = scheduleTrigger(entry);
    assert.deepEqual([off.kind, off.label, off.description, off.schedule], ['schedule', 'cron(0 2 * * ? *)', 'Nightly · off', { id: 'job:Nightly', firing: false }]);
    assert.match(off.tooltip ?? '', /Not firing on the Local Lambda/);
    const on = scheduleTrigger({ ...entry, firing: true, nextFire: new Date(2026, 0, 2, 2, 0, 0).toISOString(), lastFired: { time: 't', requestId: 'r-1', manual: true } });
    assert.equal(on.description, 'Nightly · firing · next 02:00:00');
    assert.match(on.tooltip ?? '', /Last sent t \(Fire Now\), request `r-1`/);
    const items = triggerItems({
      templateEvents: { ok: true, value: [{ name: 'Nightly', type: 'ScheduleV2', schedule: 'cron(0 2 * * ? *)' }, { name: 'Get', type: 'HttpApi', method: 'GET', path: '/a' }] },
      schedules: { ok: true, value: [entry] },
    });
    assert.deepEqual(items.map((i) => [i.kind, i.label]), [['templateEvent', 'GET /a'], ['schedule', 'cron(0 2 * * ? *)']]);
  });

  it('lists the services a resource policy allows, each with its source by name', () => {
    const rows = policyTriggers(POLICY).map((r) => [r.label, r.description]);
    assert.deepEqual(rows, [
      ['apigateway.amazonaws.com', 'a1b2c3/*/POST/orders'],
      ['events.amazonaws.com', 'nightly'],
      ['s3.amazonaws.com', 'uploads'],
      ['root', undefined],
      ['Anyone (function URL)', undefined],
    ]);
  });

  it('reads a policy whose Statement is one object and whose Service is a list', () => {
    const policy = JSON.stringify({ Statement: { Effect: 'Allow', Principal: { Service: ['sns.amazonaws.com', 'sqs.amazonaws.com'] }, Condition: { ArnEquals: { 'AWS:SourceArn': 'arn:aws:sns:eu-west-1:123456789012:alerts' } } } });
    assert.deepEqual(policyTriggers(policy).map((r) => [r.label, r.description]), [['sns.amazonaws.com', 'alerts'], ['sqs.amazonaws.com', 'alerts']]);
  });

  it('shows a URL with AuthType · InvokeMode, and its CORS in the tooltip', () => {
    const row = urlTrigger({
      FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/', FunctionArn: FN_ARN, AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM',
      Cors: { AllowOrigins: ['https://example.com'], AllowMethods: ['GET', 'POST'], AllowCredentials: true, MaxAge: 300 },
      CreationTime: undefined, LastModifiedTime: undefined,
    });
    assert.equal(row?.label, 'https://abc.lambda-url.eu-west-1.on.aws/');
    assert.equal(row?.description, 'AWS_IAM · RESPONSE_STREAM');
    assert.deepEqual(row?.url, { url: 'https://abc.lambda-url.eu-west-1.on.aws/', authType: 'AWS_IAM' });
    assert.match(row?.tooltip ?? '', /Origins: `https:\/\/example\.com`/);
    assert.match(row?.tooltip ?? '', /Methods: `GET, POST`/);
    assert.match(row?.tooltip ?? '', /Credentials allowed/);
    const plain = urlTrigger({ FunctionUrl: 'http://127.0.0.1:9/abc/', FunctionArn: FN_ARN, AuthType: 'NONE', CreationTime: undefined, LastModifiedTime: undefined });
    assert.equal(plain?.description, 'NONE · BUFFERED');
    assert.match(plain?.tooltip ?? '', /CORS: not configured/);
  });

  it('shows async settings with destinations by name', () => {
    const row = asyncTrigger({
      MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sqs:eu-west-1:123456789012:done' }, OnFailure: { Destination: 'arn:aws:lambda:eu-west-1:123456789012:function:on-error' } },
    });
    assert.equal(row?.description, '1 retry · max age 1 h · success → done · failure → on-error');
    assert.equal(asyncTrigger({}), undefined);
  });

  it('shows a mapping by its source name, state and batch size', () => {
    const row = mappingTrigger({ UUID: 'u-1', EventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders', State: 'Enabled', BatchSize: 10 });
    assert.deepEqual([row.label, row.description, row.key], ['orders', 'Enabled · batch 10', 'mapping/u-1']);
  });

  it('says "No triggers" when every read found nothing', () => {
    const rows = triggerItems({ url: { ok: true, value: undefined }, async: { ok: true, value: undefined }, mappings: { ok: true, value: [] }, policy: { ok: true, value: undefined } });
    assert.deepEqual(rows.map((r) => [r.kind, r.label]), [['none', 'No triggers']]);
  });

  it('names the IAM action to grant for a denied read, and still shows what the other reads found', () => {
    const denied = new WorkbenchError('accessDenied', 'Profile dev is not allowed to do this: User: x is not authorized to perform: lambda:GetPolicy');
    const rows = triggerItems({
      url: { ok: false, error: new WorkbenchError('service', 'ServiceException: boom') },
      async: { ok: true, value: undefined },
      mappings: { ok: true, value: [{ UUID: 'u', EventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:orders', State: 'Enabled', BatchSize: 10 }] },
      policy: { ok: false, error: denied },
      templateEvents: { ok: true, value: [{ name: 'Hello', type: 'Api', method: 'GET', path: '/hello' }] },
    });
    assert.deepEqual(rows.map((r) => [r.kind, r.label]), [
      ['mapping', 'orders'],
      ['templateEvent', 'GET /hello'],
      ['failed', 'Function URL: could not be read'],
      ['needsPermission', 'Resource-based policy: needs lambda:GetPolicy'],
    ]);
    assert.match(rows[3].tooltip ?? '', /Grant `lambda:GetPolicy`/);
  });

  it('a policy that is not JSON is a failed row, not a failed node', () => {
    const rows = triggerItems({ policy: { ok: true, value: '{not json' } });
    assert.deepEqual(rows.map((r) => r.kind), ['failed']);
  });

  it('escapes what the endpoint sends in tooltips', () => {
    const row = mappingTrigger({ UUID: 'u', EventSourceArn: 'arn:aws:sqs:eu-west-1:1:q', State: 'Disabled', StateTransitionReason: '[click](command:x)' });
    assert.ok(!row.tooltip?.includes('[click](command:x)'), row.tooltip);
  });
});

describe('explorer/curl: a curl line for a function URL', () => {
  it('is a plain curl for AuthType NONE', () => {
    assert.equal(curlCommand({ url: 'http://127.0.0.1:4000/abc/', authType: 'NONE' }, { region: 'us-east-1' }), "curl 'http://127.0.0.1:4000/abc/'");
  });

  it('signs AWS_IAM with curl\'s SigV4, the credentials left to the environment', () => {
    assert.equal(
      curlCommand({ url: 'https://abc.lambda-url.eu-west-1.on.aws/', authType: 'AWS_IAM' }, { region: 'eu-west-1' }),
      `curl --aws-sigv4 "aws:amz:eu-west-1:lambda" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" 'https://abc.lambda-url.eu-west-1.on.aws/'`,
    );
    assert.equal(
      curlCommand({ url: 'https://abc.lambda-url.eu-west-1.on.aws/', authType: 'AWS_IAM' }, { region: 'eu-west-1', sessionToken: true }),
      `curl --aws-sigv4 "aws:amz:eu-west-1:lambda" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-security-token: $AWS_SESSION_TOKEN" 'https://abc.lambda-url.eu-west-1.on.aws/'`,
    );
  });

  it('quotes what a shell would expand', () => {
    assert.equal(shellQuote("it's $HOME"), `'it'\\''s $HOME'`);
    assert.equal(curlCommand({ url: "http://h/a'b?x=$(id)", authType: 'AWS_IAM' }, { region: 'us-east-1"; rm -rf ~; "' }),
      `curl --aws-sigv4 'aws:amz:us-east-1"; rm -rf ~; ":lambda' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" 'http://h/a'\\''b?x=$(id)'`);
  });
});
