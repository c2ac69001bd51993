import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { renderSampleEvent, SAMPLE_EVENTS } from '../../../src/features/invoke/sampleEvents';

/**
 * What each event source documents as present in the event a function receives (dot paths,
 * numbers index arrays; `=value` pins a constant), and which values identify one delivery and so
 * must differ on every render.
 */
interface Expectation {
  required: string[];
  fresh: string[];
  /** A path holding a timestamp in some format, checked to follow `now`. */
  time?: { path: string; format: 'iso' | 'ms' | 's' | 'isoSeconds' | 'clf' };
}

const EXPECTED: Record<string, Expectation> = {
  'apigateway-rest': {
    required: ['resource', 'path', 'httpMethod', 'headers', 'multiValueHeaders', 'queryStringParameters', 'multiValueQueryStringParameters', 'pathParameters', 'stageVariables', 'body', 'isBase64Encoded',
      'requestContext.accountId', 'requestContext.apiId', 'requestContext.requestId', 'requestContext.stage', 'requestContext.httpMethod', 'requestContext.resourcePath', 'requestContext.identity.sourceIp', 'requestContext.requestTimeEpoch'],
    fresh: ['requestContext.requestId', 'requestContext.apiId'],
    time: { path: 'requestContext.requestTimeEpoch', format: 'ms' },
  },
  'apigateway-http': {
    required: ['version=2.0', 'routeKey', 'rawPath', 'rawQueryString', 'headers', 'isBase64Encoded', 'requestContext.accountId', 'requestContext.apiId', 'requestContext.domainName',
      'requestContext.http.method', 'requestContext.http.path', 'requestContext.http.sourceIp', 'requestContext.requestId', 'requestContext.routeKey', 'requestContext.stage', 'requestContext.timeEpoch'],
    fresh: ['requestContext.requestId', 'requestContext.apiId'],
    time: { path: 'requestContext.timeEpoch', format: 'ms' },
  },
  alb: {
    required: ['requestContext.elb.targetGroupArn', 'httpMethod', 'path', 'queryStringParameters', 'headers', 'body', 'isBase64Encoded'],
    fresh: ['requestContext.elb.targetGroupArn', 'headers.x-amzn-trace-id'],
  },
  'function-url': {
    required: ['version=2.0', 'routeKey=$default', 'rawPath', 'rawQueryString', 'headers', 'isBase64Encoded', 'requestContext.domainName', 'requestContext.http.method', 'requestContext.http.sourceIp', 'requestContext.requestId', 'requestContext.timeEpoch'],
    fresh: ['requestContext.requestId'],
    time: { path: 'requestContext.timeEpoch', format: 'ms' },
  },
  's3-put': {
    required: ['Records.0.eventVersion', 'Records.0.eventSource=aws:s3', 'Records.0.awsRegion', 'Records.0.eventTime', 'Records.0.eventName=ObjectCreated:Put', 'Records.0.s3.s3SchemaVersion',
      'Records.0.s3.bucket.name', 'Records.0.s3.bucket.arn', 'Records.0.s3.object.key', 'Records.0.s3.object.size', 'Records.0.s3.object.eTag', 'Records.0.s3.object.sequencer'],
    fresh: ['Records.0.s3.object.eTag', 'Records.0.s3.object.sequencer', 'Records.0.responseElements.x-amz-request-id'],
    time: { path: 'Records.0.eventTime', format: 'iso' },
  },
  's3-delete': {
    required: ['Records.0.eventSource=aws:s3', 'Records.0.eventTime', 'Records.0.eventName=ObjectRemoved:Delete', 'Records.0.s3.bucket.name', 'Records.0.s3.object.key', 'Records.0.s3.object.sequencer'],
    fresh: ['Records.0.s3.object.sequencer', 'Records.0.responseElements.x-amz-request-id'],
    time: { path: 'Records.0.eventTime', format: 'iso' },
  },
  sqs: {
    required: ['Records.0.messageId', 'Records.0.receiptHandle', 'Records.0.body', 'Records.0.attributes.ApproximateReceiveCount', 'Records.0.attributes.SentTimestamp', 'Records.0.messageAttributes',
      'Records.0.md5OfBody', 'Records.0.eventSource=aws:sqs', 'Records.0.eventSourceARN', 'Records.0.awsRegion'],
    fresh: ['Records.0.messageId', 'Records.1.messageId', 'Records.0.receiptHandle'],
  },
  sns: {
    required: ['Records.0.EventSource=aws:sns', 'Records.0.EventVersion', 'Records.0.EventSubscriptionArn', 'Records.0.Sns.Type=Notification', 'Records.0.Sns.MessageId', 'Records.0.Sns.TopicArn',
      'Records.0.Sns.Message', 'Records.0.Sns.Timestamp', 'Records.0.Sns.SignatureVersion', 'Records.0.Sns.Signature', 'Records.0.Sns.MessageAttributes'],
    fresh: ['Records.0.Sns.MessageId'],
    time: { path: 'Records.0.Sns.Timestamp', format: 'iso' },
  },
  'dynamodb-stream': {
    required: ['Records.0.eventID', 'Records.0.eventName=INSERT', 'Records.1.eventName=MODIFY', 'Records.2.eventName=REMOVE', 'Records.0.eventSource=aws:dynamodb', 'Records.0.eventSourceARN',
      'Records.0.dynamodb.Keys', 'Records.0.dynamodb.NewImage', 'Records.1.dynamodb.OldImage', 'Records.2.dynamodb.OldImage', 'Records.0.dynamodb.SequenceNumber', 'Records.0.dynamodb.StreamViewType', 'Records.0.dynamodb.ApproximateCreationDateTime'],
    fresh: ['Records.0.eventID', 'Records.0.dynamodb.SequenceNumber'],
    time: { path: 'Records.0.dynamodb.ApproximateCreationDateTime', format: 's' },
  },
  kinesis: {
    required: ['Records.0.eventSource=aws:kinesis', 'Records.0.eventName=aws:kinesis:record', 'Records.0.eventID', 'Records.0.eventSourceARN', 'Records.0.kinesis.partitionKey',
      'Records.0.kinesis.sequenceNumber', 'Records.0.kinesis.data', 'Records.0.kinesis.approximateArrivalTimestamp', 'Records.0.kinesis.kinesisSchemaVersion'],
    fresh: ['Records.0.kinesis.sequenceNumber', 'Records.0.eventID'],
    time: { path: 'Records.0.kinesis.approximateArrivalTimestamp', format: 's' },
  },
  eventbridge: {
    required: ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'],
    fresh: ['id'],
    time: { path: 'time', format: 'isoSeconds' },
  },
  scheduled: {
    required: ['version', 'id', 'detail-type=Scheduled Event', 'source=aws.events', 'account', 'time', 'region', 'resources.0', 'detail'],
    fresh: ['id'],
    time: { path: 'time', format: 'isoSeconds' },
  },
  'cloudwatch-logs': { required: ['awslogs.data'], fresh: ['awslogs.data'] },
  'cloudfront-viewer-request': {
    required: ['Records.0.cf.config.distributionId', 'Records.0.cf.config.distributionDomainName', 'Records.0.cf.config.eventType=viewer-request', 'Records.0.cf.config.requestId',
      'Records.0.cf.request.clientIp', 'Records.0.cf.request.headers.host.0.value', 'Records.0.cf.request.method', 'Records.0.cf.request.querystring', 'Records.0.cf.request.uri'],
    fresh: ['Records.0.cf.config.requestId'],
  },
  'cloudfront-origin-request': {
    required: ['Records.0.cf.config.eventType=origin-request', 'Records.0.cf.config.requestId', 'Records.0.cf.request.clientIp', 'Records.0.cf.request.headers', 'Records.0.cf.request.method',
      'Records.0.cf.request.uri', 'Records.0.cf.request.origin.custom.domainName', 'Records.0.cf.request.origin.custom.port', 'Records.0.cf.request.origin.custom.protocol'],
    fresh: ['Records.0.cf.config.requestId'],
  },
  'cognito-pre-signup': {
    required: ['version', 'region', 'userPoolId', 'userName', 'callerContext.awsSdkVersion', 'callerContext.clientId', 'triggerSource=PreSignUp_SignUp', 'request.userAttributes',
      'response.autoConfirmUser', 'response.autoVerifyEmail', 'response.autoVerifyPhone'],
    fresh: ['userName', 'userPoolId'],
  },
  'codepipeline-job': {
    required: ['CodePipeline\\.job.id', 'CodePipeline\\.job.accountId', 'CodePipeline\\.job.data.actionConfiguration.configuration.FunctionName', 'CodePipeline\\.job.data.inputArtifacts.0.location.s3Location.bucketName',
      'CodePipeline\\.job.data.outputArtifacts', 'CodePipeline\\.job.data.artifactCredentials.accessKeyId', 'CodePipeline\\.job.data.artifactCredentials.secretAccessKey', 'CodePipeline\\.job.data.artifactCredentials.sessionToken'],
    fresh: ['CodePipeline\\.job.id', 'CodePipeline\\.job.data.artifactCredentials.sessionToken'],
  },
  ses: {
    required: ['Records.0.eventSource=aws:ses', 'Records.0.eventVersion', 'Records.0.ses.mail.messageId', 'Records.0.ses.mail.source', 'Records.0.ses.mail.destination.0', 'Records.0.ses.mail.timestamp',
      'Records.0.ses.mail.commonHeaders.subject', 'Records.0.ses.receipt.recipients.0', 'Records.0.ses.receipt.spamVerdict.status', 'Records.0.ses.receipt.action.type=Lambda'],
    fresh: ['Records.0.ses.mail.messageId'],
    time: { path: 'Records.0.ses.mail.timestamp', format: 'iso' },
  },
  msk: {
    required: ['eventSource=aws:kafka', 'eventSourceArn', 'bootstrapServers', 'records.orders-0.0.topic', 'records.orders-0.0.partition', 'records.orders-0.0.offset', 'records.orders-0.0.timestamp',
      'records.orders-0.0.timestampType', 'records.orders-0.0.value', 'records.orders-0.0.headers'],
    fresh: ['eventSourceArn'],
    time: { path: 'records.orders-0.0.timestamp', format: 'ms' },
  },
};

/** Splits a dot path; `\.` keeps a dot inside a key ("CodePipeline.job"). */
function get(value: unknown, path: string): unknown {
  const keys = path.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || !(key in (current as object))) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function render(id: string, now?: Date): Record<string, unknown> {
  const text = renderSampleEvent(id, now);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('model/sampleEvents', () => {
  const now = new Date('2026-03-10T14:07:21.456Z');

  it('offers at least 15 sources, each with a unique id, a title, a group and a description', () => {
    assert.ok(SAMPLE_EVENTS.length >= 15, `only ${SAMPLE_EVENTS.length} samples`);
    assert.equal(new Set(SAMPLE_EVENTS.map((s) => s.id)).size, SAMPLE_EVENTS.length);
    for (const s of SAMPLE_EVENTS) {
      assert.ok(s.title && s.group && s.description, `${s.id} lacks a title, group or description`);
      assert.match(s.id, /^[a-z0-9-]+$/);
    }
  });

  it('has a documented field list for every sample (and no list without a sample)', () => {
    assert.deepEqual(SAMPLE_EVENTS.map((s) => s.id).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [id, expected] of Object.entries(EXPECTED)) {
    it(`${id}: valid, pretty JSON with the documented fields`, () => {
      const text = renderSampleEvent(id, now);
      assert.match(text, /^\{\n {2}"/, 'pretty-printed with two spaces');
      const event = JSON.parse(text) as unknown;
      for (const spec of expected.required) {
        const [path, pinned] = spec.split('=');
        const value = get(event, path);
        assert.notEqual(value, undefined, `${id}: missing ${path}`);
        if (pinned !== undefined) assert.equal(value, pinned, `${id}: ${path}`);
      }
      if (expected.time) {
        const value = get(event, expected.time.path);
        const expectedValue = {
          iso: now.toISOString(),
          ms: now.getTime(),
          s: Math.floor(now.getTime() / 1000),
          isoSeconds: '2026-03-10T14:07:21Z',
          clf: '10/Mar/2026:14:07:21 +0000',
        }[expected.time.format];
        if (expected.time.format === 's') assert.equal(Math.floor(value as number), expectedValue, `${id}: ${expected.time.path}`);
        else assert.equal(value, expectedValue, `${id}: ${expected.time.path}`);
      }
    });

    it(`${id}: fresh ids on every render`, () => {
      const a = render(id, now);
      const b = render(id, now);
      for (const path of expected.fresh) {
        assert.ok(get(a, path), `${id}: ${path} is empty`);
        assert.notEqual(get(a, path), get(b, path), `${id}: ${path} repeated between renders`);
      }
    });
  }

  it('cloudwatch-logs: awslogs.data is base64 of gzip of a DATA_MESSAGE with log events', () => {
    const event = render('cloudwatch-logs', now) as { awslogs: { data: string } };
    const decoded = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as {
      messageType: string; owner: string; logGroup: string; logStream: string; subscriptionFilters: string[]; logEvents: { id: string; timestamp: number; message: string }[];
    };
    assert.equal(decoded.messageType, 'DATA_MESSAGE');
    assert.match(decoded.owner, /^\d{12}$/);
    assert.match(decoded.logGroup, /^\/aws\/lambda\//);
    assert.match(decoded.logStream, /^2026\/03\/10\/\[\$LATEST\][0-9a-f]+$/);
    assert.ok(decoded.subscriptionFilters.length > 0);
    assert.ok(decoded.logEvents.length > 0);
    for (const e of decoded.logEvents) {
      assert.match(e.id, /^\d{56}$/);
      assert.ok(e.timestamp <= now.getTime() && e.timestamp > now.getTime() - 60_000);
      assert.ok(e.message.length > 0);
    }
  });

  it('sqs: md5OfBody is the MD5 of the body, as SQS computes it', () => {
    const event = render('sqs') as { Records: { body: string; md5OfBody: string }[] };
    for (const r of event.Records) assert.equal(r.md5OfBody, createHash('md5').update(r.body).digest('hex'));
  });

  it('kinesis and msk: data and values are base64 of JSON', () => {
    const kinesis = render('kinesis') as { Records: { kinesis: { data: string } }[] };
    for (const r of kinesis.Records) JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
    const msk = render('msk') as { records: Record<string, { value: string }[]> };
    for (const list of Object.values(msk.records)) for (const r of list) JSON.parse(Buffer.from(r.value, 'base64').toString('utf8'));
  });

  it('HTTP events carry a JSON body that a handler can parse', () => {
    for (const id of ['apigateway-rest', 'apigateway-http', 'function-url']) {
      const event = render(id) as { body: string };
      assert.equal((JSON.parse(event.body) as { orderId: string }).orderId, 'ord-1001');
    }
  });

  it('uses the current time when none is given', () => {
    const before = Date.now();
    const event = render('eventbridge') as { time: string };
    assert.ok(Date.parse(event.time) >= Math.floor(before / 1000) * 1000 && Date.parse(event.time) <= Date.now());
  });

  it('names the known ids when asked for an unknown one', () => {
    assert.throws(() => renderSampleEvent('carrier-pigeon'), /No sample event "carrier-pigeon"\. Known: .*s3-put/);
  });
});
