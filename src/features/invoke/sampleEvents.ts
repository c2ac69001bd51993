/**
 * Sample events for the Invoke tab, written from the event shapes documented for each AWS
 * service that invokes Lambda. Every render builds a fresh event: new ids, request ids and
 * timestamps taken from `now`, so two invocations never look like replays of each other.
 * Offline and pure (Node's crypto and zlib only); nothing here is downloaded.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface SampleEventInfo {
  id: string;
  title: string;
  /** The service family, for grouping in pickers. */
  group: string;
  description: string;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

interface Template extends SampleEventInfo {
  build(now: Date, fresh: Fresh): unknown;
}

/** Random values for one render. */
class Fresh {
  uuid(): string {
    return randomUUID();
  }
  hex(bytes: number): string {
    return randomBytes(bytes).toString('hex');
  }
  upperHex(bytes: number): string {
    return this.hex(bytes).toUpperCase();
  }
  base64(bytes: number): string {
    return randomBytes(bytes).toString('base64');
  }
  /** A decimal string of `length` digits, not starting with 0. */
  digits(length: number): string {
    let out = String(1 + (randomBytes(1)[0] % 9));
    while (out.length < length) out += String(randomBytes(1)[0] % 10);
    return out;
  }
  /** Letters and digits, as in API ids ("a1b2c3d4e5"). */
  alnum(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
  }
  ipv4(): string {
    const b = randomBytes(2);
    return `198.51.100.${1 + (b[0] % 254)}`;
  }
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const epochSeconds = (now: Date) => Math.floor(now.getTime() / 1000);
/** "10/Mar/2026:14:07:21 +0000", API Gateway's requestTime. */
function clfTime(now: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(now.getUTCDate())}/${months[now.getUTCMonth()]}/${now.getUTCFullYear()}:${p(now.getUTCHours())}:${p(now.getUTCMinutes())}:${p(now.getUTCSeconds())} +0000`;
}
/** "2026-03-10T14:07:21Z" (EventBridge, SES without milliseconds). */
const isoSeconds = (now: Date) => now.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** "Tue, 10 Mar 2026 14:07:21 +0000" (mail Date header). */
const rfc2822 = (now: Date) => now.toUTCString().replace('GMT', '+0000');

const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

const ORDER_JSON = JSON.stringify({ orderId: 'ord-1001', item: 'coffee beans', quantity: 2 });

// ---------------------------------------------------------------------------------------------
// HTTP sources

function apiGatewayRest(now: Date, f: Fresh): unknown {
  const apiId = f.alnum(10);
  const requestId = f.uuid();
  const sourceIp = f.ipv4();
  const host = `${apiId}.execute-api.${REGION}.amazonaws.com`;
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    Host: host,
    'User-Agent': USER_AGENT,
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${f.hex(12)}`,
    'X-Forwarded-For': sourceIp,
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  return {
    resource: '/orders/{orderId}',
    path: '/orders/ord-1001',
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: { verbose: 'true' },
    multiValueQueryStringParameters: { verbose: ['true'] },
    pathParameters: { orderId: 'ord-1001' },
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId,
      domainName: host,
      domainPrefix: apiId,
      extendedRequestId: `${f.alnum(14, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}=`,
      httpMethod: 'POST',
      identity: { accessKey: null, accountId: null, caller: null, cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, sourceIp, user: null, userAgent: USER_AGENT, userArn: null },
      path: '/prod/orders/ord-1001',
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: clfTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: f.alnum(6),
      resourcePath: '/orders/{orderId}',
      stage: 'prod',
    },
    body: ORDER_JSON,
    isBase64Encoded: false,
  };
}

function httpApiV2(now: Date, f: Fresh, kind: 'api' | 'url'): unknown {
  const apiId = kind === 'api' ? f.alnum(10) : f.alnum(32);
  const domainName = kind === 'api' ? `${apiId}.execute-api.${REGION}.amazonaws.com` : `${apiId}.lambda-url.${REGION}.on.aws`;
  const sourceIp = f.ipv4();
  const path = kind === 'api' ? '/orders/ord-1001' : '/orders';
  const routeKey = kind === 'api' ? 'POST /orders/{orderId}' : '$default';
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: 'verbose=true',
    cookies: ['session=abc123'],
    headers: {
      accept: 'application/json',
      'content-length': String(Buffer.byteLength(ORDER_JSON)),
      'content-type': 'application/json',
      host: domainName,
      'user-agent': USER_AGENT,
      'x-amzn-trace-id': `Root=1-${epochSeconds(now).toString(16)}-${f.hex(12)}`,
      'x-forwarded-for': sourceIp,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    queryStringParameters: { verbose: 'true' },
    requestContext: {
      accountId: kind === 'api' ? ACCOUNT : 'anonymous',
      apiId,
      domainName,
      domainPrefix: apiId,
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp, userAgent: USER_AGENT },
      requestId: kind === 'api' ? `${f.alnum(14, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}=` : f.uuid(),
      routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    body: ORDER_JSON,
    isBase64Encoded: false,
  };
  if (kind === 'api') event.pathParameters = { orderId: 'ord-1001' };
  return event;
}

function alb(now: Date, f: Fresh): unknown {
  return {
    requestContext: {
      elb: { targetGroupArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/orders-lambda/${f.hex(8)}` },
    },
    httpMethod: 'GET',
    path: '/orders',
    queryStringParameters: { status: 'open' },
    headers: {
      accept: 'application/json',
      host: 'orders-alb-1234567890.us-east-1.elb.amazonaws.com',
      'user-agent': USER_AGENT,
      'x-amzn-trace-id': `Root=1-${epochSeconds(now).toString(16)}-${f.hex(12)}`,
      'x-forwarded-for': f.ipv4(),
      'x-forwarded-port': '80',
      'x-forwarded-proto': 'http',
    },
    body: '',
    isBase64Encoded: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Storage, queues and streams

function s3(now: Date, f: Fresh, kind: 'put' | 'delete'): unknown {
  const bucket = 'example-uploads';
  const object: Record<string, unknown> = { key: 'reports/2026/summary.csv' };
  if (kind === 'put') {
    object.size = 1024;
    object.eTag = f.hex(16);
    object.versionId = f.alnum(32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._');
  }
  object.sequencer = f.upperHex(9);
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventTime: now.toISOString(),
        eventName: kind === 'put' ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete',
        userIdentity: { principalId: `AWS:${f.alnum(21, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}` },
        requestParameters: { sourceIPAddress: f.ipv4() },
        responseElements: { 'x-amz-request-id': f.upperHex(8), 'x-amz-id-2': f.base64(48) },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: kind === 'put' ? 'on-upload' : 'on-delete',
          bucket: { name: bucket, ownerIdentity: { principalId: f.alnum(14, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') }, arn: `arn:aws:s3:::${bucket}` },
          object,
        },
      },
    ],
  };
}

function sqs(now: Date, f: Fresh): unknown {
  const sent = now.getTime() - 1500;
  const record = (body: string) => ({
    messageId: f.uuid(),
    receiptHandle: f.base64(120),
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(sent),
      SenderId: `AIDA${f.alnum(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`,
      ApproximateFirstReceiveTimestamp: String(now.getTime()),
    },
    messageAttributes: { priority: { stringValue: 'high', stringListValues: [], binaryListValues: [], dataType: 'String' } },
    md5OfBody: md5(body),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-queue`,
    awsRegion: REGION,
  });
  return { Records: [record(ORDER_JSON), record(JSON.stringify({ orderId: 'ord-1002', item: 'tea', quantity: 1 }))] };
}

function sns(now: Date, f: Fresh): unknown {
  const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:order-events`;
  return {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: `${topic}:${f.uuid()}`,
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: now.toISOString(),
          Signature: f.base64(256),
          SigningCertUrl: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-${f.hex(16)}.pem`,
          MessageId: f.uuid(),
          Message: ORDER_JSON,
          MessageAttributes: { source: { Type: 'String', Value: 'checkout' } },
          Type: 'Notification',
          UnsubscribeUrl: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topic}:${f.uuid()}`,
          TopicArn: topic,
          Subject: 'Order placed',
        },
      },
    ],
  };
}

function dynamodbStream(now: Date, f: Fresh): unknown {
  const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Orders`;
  const streamArn = `${table}/stream/${now.toISOString().replace(/Z$/, '')}`;
  const keys = { orderId: { S: 'ord-1001' } };
  const base = () => ({ eventID: f.hex(16), eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: REGION, eventSourceARN: streamArn });
  const dynamodb = (extra: Record<string, unknown>) => ({
    ApproximateCreationDateTime: epochSeconds(now),
    Keys: keys,
    SequenceNumber: f.digits(21),
    SizeBytes: 59,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
    ...extra,
  });
  const image = (status: string) => ({ orderId: { S: 'ord-1001' }, status: { S: status }, quantity: { N: '2' } });
  return {
    Records: [
      { ...base(), eventName: 'INSERT', dynamodb: dynamodb({ NewImage: image('placed') }) },
      { ...base(), eventName: 'MODIFY', dynamodb: dynamodb({ OldImage: image('placed'), NewImage: image('shipped') }) },
      { ...base(), eventName: 'REMOVE', dynamodb: dynamodb({ OldImage: image('shipped') }) },
    ],
  };
}

function kinesis(now: Date, f: Fresh): unknown {
  const stream = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/clicks`;
  const record = (payload: string, partitionKey: string) => {
    const sequenceNumber = f.digits(56);
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey,
        sequenceNumber,
        data: b64(payload),
        approximateArrivalTimestamp: now.getTime() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/clicks-consumer-role`,
      awsRegion: REGION,
      eventSourceARN: stream,
    };
  };
  return {
    Records: [
      record(JSON.stringify({ page: '/home', user: 'u-17' }), 'u-17'),
      record(JSON.stringify({ page: '/cart', user: 'u-42' }), 'u-42'),
    ],
  };
}

function kafka(now: Date, f: Fresh): unknown {
  const topic = 'orders';
  const bytes = (text: string) => Array.from(Buffer.from(text, 'utf8'));
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: `arn:aws:kafka:${REGION}:${ACCOUNT}:cluster/orders-cluster/${f.uuid()}-1`,
    bootstrapServers: `b-1.orders-cluster.${f.alnum(6)}.c2.kafka.${REGION}.amazonaws.com:9098,b-2.orders-cluster.${f.alnum(6)}.c2.kafka.${REGION}.amazonaws.com:9098`,
    records: {
      [`${topic}-0`]: [
        {
          topic,
          partition: 0,
          offset: Number(f.digits(4)),
          timestamp: now.getTime(),
          timestampType: 'CREATE_TIME',
          key: b64('ord-1001'),
          value: b64(ORDER_JSON),
          headers: [{ 'content-type': bytes('application/json') }],
        },
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Events and logs

function eventBridge(now: Date, f: Fresh): unknown {
  return {
    version: '0',
    id: f.uuid(),
    'detail-type': 'Order Placed',
    source: 'com.example.orders',
    account: ACCOUNT,
    time: isoSeconds(now),
    region: REGION,
    resources: [],
    detail: { orderId: 'ord-1001', total: 24.5, currency: 'EUR' },
  };
}

function scheduled(now: Date, f: Fresh): unknown {
  return {
    version: '0',
    id: f.uuid(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: isoSeconds(now),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/nightly-report`],
    detail: {},
  };
}

function cloudWatchLogs(now: Date, f: Fresh): unknown {
  const logGroup = '/aws/lambda/orders-api';
  const lines = ['Order ord-1001 received', 'Order ord-1001 stored', 'WARN inventory low for coffee beans'];
  const message = {
    messageType: 'DATA_MESSAGE',
    owner: ACCOUNT,
    logGroup,
    logStream: `${now.toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${f.hex(16)}`,
    subscriptionFilters: ['orders-errors'],
    logEvents: lines.map((text, i) => ({ id: f.digits(56), timestamp: now.getTime() - (lines.length - i) * 10, message: text })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(message), 'utf8')).toString('base64') } };
}

function ses(now: Date, f: Fresh): unknown {
  const messageId = f.alnum(32);
  const from = 'sender@example.com';
  const to = 'orders@example.org';
  const date = rfc2822(now);
  const pass = { status: 'PASS' };
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: now.toISOString(),
            source: from,
            messageId,
            destination: [to],
            headersTruncated: false,
            headers: [
              { name: 'Return-Path', value: `<${from}>` },
              { name: 'From', value: `Sender <${from}>` },
              { name: 'To', value: to },
              { name: 'Date', value: date },
              { name: 'Message-ID', value: `<${f.uuid()}@example.com>` },
              { name: 'Subject', value: 'New order' },
            ],
            commonHeaders: { returnPath: from, from: [`Sender <${from}>`], date, to: [to], messageId: `<${f.uuid()}@example.com>`, subject: 'New order' },
          },
          receipt: {
            timestamp: now.toISOString(),
            processingTimeMillis: 420,
            recipients: [to],
            spamVerdict: pass,
            virusVerdict: pass,
            spfVerdict: pass,
            dkimVerdict: pass,
            dmarcVerdict: pass,
            action: { type: 'Lambda', functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:process-mail`, invocationType: 'Event' },
          },
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// CloudFront (Lambda@Edge), Cognito, CodePipeline

function cloudFront(_now: Date, f: Fresh, eventType: 'viewer-request' | 'origin-request'): unknown {
  const header = (key: string, value: string) => [{ key, value }];
  const headers: Record<string, { key: string; value: string }[]> = {
    host: header('Host', 'd111111abcdef8.cloudfront.net'),
    'user-agent': header('User-Agent', eventType === 'viewer-request' ? USER_AGENT : 'Amazon CloudFront'),
    accept: header('Accept', 'text/html'),
  };
  if (eventType === 'origin-request') {
    headers['x-forwarded-for'] = header('X-Forwarded-For', f.ipv4());
    headers.via = header('Via', `2.0 ${f.hex(16)}.cloudfront.net (CloudFront)`);
  }
  const request: Record<string, unknown> = { clientIp: f.ipv4(), headers, method: 'GET', querystring: 'lang=en', uri: '/products/index.html' };
  if (eventType === 'origin-request') {
    request.origin = {
      custom: {
        customHeaders: {},
        domainName: 'origin.example.com',
        keepaliveTimeout: 5,
        path: '',
        port: 443,
        protocol: 'https',
        readTimeout: 30,
        sslProtocols: ['TLSv1.2'],
      },
    };
  }
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: f.alnum(14, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
            eventType,
            requestId: `${f.alnum(54, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')}==`,
          },
          request,
        },
      },
    ],
  };
}

function cognitoPreSignUp(_now: Date, f: Fresh): unknown {
  const userName = f.uuid();
  return {
    version: '1',
    region: REGION,
    userPoolId: `${REGION}_${f.alnum(9, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
    userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: f.alnum(26) },
    triggerSource: 'PreSignUp_SignUp',
    request: {
      userAttributes: { email: 'ada@example.com', name: 'Ada' },
      validationData: null,
      clientMetadata: {},
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

function codePipeline(now: Date, f: Fresh): unknown {
  const expires = now.getTime() + 3600_000;
  return {
    'CodePipeline.job': {
      id: f.uuid(),
      accountId: ACCOUNT,
      data: {
        actionConfiguration: { configuration: { FunctionName: 'deploy-check', UserParameters: '{"environment":"staging"}' } },
        inputArtifacts: [
          {
            name: 'BuildOutput',
            revision: null,
            location: { type: 'S3', s3Location: { bucketName: 'codepipeline-us-east-1-artifacts', objectKey: `release/BuildOutput/${f.alnum(7)}` } },
          },
        ],
        outputArtifacts: [],
        artifactCredentials: {
          // Placeholders in the shape of temporary credentials; they sign nothing.
          accessKeyId: `ASIA${f.alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
          secretAccessKey: f.alnum(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
          sessionToken: f.base64(96),
          expirationTime: expires,
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------

const TEMPLATES: Template[] = [
  { id: 'apigateway-rest', group: 'API Gateway', title: 'API Gateway REST API (proxy)', description: 'POST /orders/{orderId} through a REST API with Lambda proxy integration (payload 1.0)', build: apiGatewayRest },
  { id: 'apigateway-http', group: 'API Gateway', title: 'API Gateway HTTP API', description: 'POST /orders/{orderId} through an HTTP API (payload format 2.0)', build: (n, f) => httpApiV2(n, f, 'api') },
  { id: 'alb', group: 'Elastic Load Balancing', title: 'Application Load Balancer', description: 'GET /orders forwarded by an ALB target group', build: alb },
  { id: 'function-url', group: 'Lambda', title: 'Function URL', description: 'POST /orders to the function URL (payload format 2.0)', build: (n, f) => httpApiV2(n, f, 'url') },
  { id: 's3-put', group: 'S3', title: 'S3 Object Created (Put)', description: 'An object uploaded to a bucket', build: (n, f) => s3(n, f, 'put') },
  { id: 's3-delete', group: 'S3', title: 'S3 Object Removed (Delete)', description: 'An object deleted from a bucket', build: (n, f) => s3(n, f, 'delete') },
  { id: 'sqs', group: 'SQS', title: 'SQS message batch', description: 'Two messages received from a standard queue', build: sqs },
  { id: 'sns', group: 'SNS', title: 'SNS notification', description: 'A message published to a topic', build: sns },
  { id: 'dynamodb-stream', group: 'DynamoDB', title: 'DynamoDB Streams', description: 'INSERT, MODIFY and REMOVE records with new and old images', build: dynamodbStream },
  { id: 'kinesis', group: 'Kinesis', title: 'Kinesis Data Streams', description: 'Two records with base64-encoded JSON data', build: kinesis },
  { id: 'eventbridge', group: 'EventBridge', title: 'EventBridge custom event', description: 'An "Order Placed" event on an event bus', build: eventBridge },
  { id: 'scheduled', group: 'EventBridge', title: 'EventBridge scheduled event', description: 'A scheduled rule firing', build: scheduled },
  { id: 'cloudwatch-logs', group: 'CloudWatch Logs', title: 'CloudWatch Logs subscription', description: 'Log events delivered by a subscription filter (gzip + base64 in awslogs.data)', build: cloudWatchLogs },
  { id: 'cloudfront-viewer-request', group: 'CloudFront', title: 'CloudFront viewer request (Lambda@Edge)', description: 'A viewer request before the cache is checked', build: (n, f) => cloudFront(n, f, 'viewer-request') },
  { id: 'cloudfront-origin-request', group: 'CloudFront', title: 'CloudFront origin request (Lambda@Edge)', description: 'A request on its way to a custom origin', build: (n, f) => cloudFront(n, f, 'origin-request') },
  { id: 'cognito-pre-signup', group: 'Cognito', title: 'Cognito user pool pre sign-up', description: 'The pre sign-up trigger for a new user', build: cognitoPreSignUp },
  { id: 'codepipeline-job', group: 'CodePipeline', title: 'CodePipeline job', description: 'A Lambda invoke action with one input artifact', build: codePipeline },
  { id: 'ses', group: 'SES', title: 'SES email received', description: 'An email received by an SES receipt rule', build: ses },
  { id: 'msk', group: 'Kafka', title: 'Amazon MSK (Kafka) records', description: 'A record from an MSK topic, key and value base64-encoded', build: kafka },
];

const BY_ID = new Map(TEMPLATES.map((t) => [t.id, t]));

/** The catalog, in display order. */
export const SAMPLE_EVENTS: readonly SampleEventInfo[] = TEMPLATES.map(({ id, title, group, description }) => ({ id, title, group, description }));

/** Builds a fresh event of one kind; pretty-printed JSON. Throws for an unknown id. */
export function renderSampleEvent(id: string, now: Date = new Date()): string {
  const template = BY_ID.get(id);
  if (!template) throw new Error(`No sample event "${id}". Known: ${TEMPLATES.map((t) => t.id).join(', ')}`);
  return JSON.stringify(template.build(now, new Fresh()), null, 2);
}
