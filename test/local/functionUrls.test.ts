import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateAliasCommand, CreateFunctionUrlConfigCommand, DeleteAliasCommand, DeleteFunctionUrlConfigCommand, GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand, PublishVersionCommand, UpdateFunctionConfigurationCommand, UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { httpCall, makeTempDir, startTestLocal, write, type TestLocal } from './helpers';

/** A handler that answers what the event's `x-answer` header (base64 JSON) says, or echoes the event. */
const HANDLER = `
exports.handler = async (event) => {
  const answer = event.headers && event.headers['x-answer'];
  if (answer === 'throw') throw new Error('asked to fail');
  if (answer) return JSON.parse(Buffer.from(answer, 'base64').toString('utf8'));
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'access-control-allow-origin': 'https://from-the-function.example' },
    body: JSON.stringify({ event, greeting: process.env.GREETING }) };
};
`;

function project(extra: string[] = []): string {
  const dir = makeTempDir('local-lambda-urls-');
  write(path.join(dir, 'template.yaml'), [
    'Transform: AWS::Serverless-2016-10-31',
    'Resources:',
    '  Echo:',
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      FunctionName: echo',
    '      CodeUri: src',
    '      Handler: index.handler',
    '      Runtime: nodejs20.x',
    '      Environment:',
    '        Variables:',
    '          GREETING: latest',
    ...extra,
    '',
  ].join('\n'));
  write(path.join(dir, 'src', 'index.js'), HANDLER);
  return dir;
}

const request = httpCall;

const answerWith = (value: unknown) => ({ 'x-answer': Buffer.from(JSON.stringify(value)).toString('base64') });

describe('Local Lambda function URLs', function () {
  this.timeout(60_000);
  const cleanup: string[] = [];
  let t: TestLocal | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  async function start(extra: string[] = [], dataDir?: string): Promise<TestLocal> {
    const dir = project(extra);
    cleanup.push(dir);
    t = await startTestLocal({ dir, dataDir });
    return t;
  }

  it('creates, reads, updates, lists and deletes URL configs, for the function and for an alias', async () => {
    const { lambda } = await start();
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({
      FunctionName: 'echo', AuthType: 'NONE', Cors: { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET', 'POST'], MaxAge: 300 },
    }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.match(created.FunctionUrl!, /^http:\/\/127\.0\.0\.1:\d+\/[a-z0-9]{32}\/$/);
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:echo');
    assert.equal(created.AuthType, 'NONE');
    assert.equal(created.InvokeMode, 'BUFFERED');
    assert.deepEqual(created.Cors, { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET', 'POST'], MaxAge: 300 });
    assert.ok(created.CreationTime);

    await assert.rejects(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', AuthType: 'NONE' })),
      (err: Error) => err.name === 'ResourceConflictException');

    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'echo' }));
    assert.equal(got.FunctionUrl, created.FunctionUrl);
    assert.ok(got.LastModifiedTime);

    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'echo', AuthType: 'AWS_IAM', Cors: { AllowOrigins: ['*'] } }));
    assert.equal(updated.FunctionUrl, created.FunctionUrl, 'an update keeps the address');
    assert.equal(updated.AuthType, 'AWS_IAM');
    assert.deepEqual(updated.Cors, { AllowOrigins: ['*'] });

    await lambda.send(new PublishVersionCommand({ FunctionName: 'echo' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'echo', Name: 'live', FunctionVersion: '1' }));
    const onAlias = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', Qualifier: 'live', AuthType: 'NONE' }));
    assert.equal(onAlias.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:echo:live');
    assert.notEqual(onAlias.FunctionUrl, created.FunctionUrl);

    const listed = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'echo' }));
    assert.deepEqual(listed.FunctionUrlConfigs?.map((u) => u.FunctionArn?.split(':').slice(6).join(':')), ['echo', 'echo:live']);
    const page = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'echo', MaxItems: 1 }));
    assert.equal(page.FunctionUrlConfigs?.length, 1);
    const rest = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'echo', Marker: page.NextMarker }));
    assert.equal(rest.FunctionUrlConfigs?.[0].FunctionUrl, onAlias.FunctionUrl);

    await lambda.send(new DeleteAliasCommand({ FunctionName: 'echo', Name: 'live' }));
    const afterAlias = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'echo' }));
    assert.equal(afterAlias.FunctionUrlConfigs?.length, 1, 'deleting the alias deletes its URL');
    assert.equal((await request(onAlias.FunctionUrl!)).status, 404, 'and its address answers no more');

    await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'echo' }));
    await assert.rejects(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'echo' })), (err: Error) => err.name === 'ResourceNotFoundException');
  });

  it('serves a URL with the payload 2.0 event: path, query, headers, cookies, text and binary bodies', async () => {
    const { lambda } = await start();
    const { FunctionUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', AuthType: 'NONE' }));
    const res = await request(`${FunctionUrl}orders/42?tag=a&tag=b&q=hello%20world`, {
      method: 'POST', body: '{"item":"tea"}',
      headers: { 'content-type': 'application/json', cookie: 'session=abc; theme=dark', 'x-custom': 'one', 'user-agent': 'tests' },
    });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
    const { event, greeting } = res.json();
    assert.equal(greeting, 'latest');
    assert.equal(event.version, '2.0');
    assert.equal(event.routeKey, '$default');
    assert.equal(event.rawPath, '/orders/42');
    assert.equal(event.rawQueryString, 'tag=a&tag=b&q=hello%20world');
    assert.deepEqual(event.queryStringParameters, { tag: 'a,b', q: 'hello world' });
    assert.deepEqual(event.cookies, ['session=abc', 'theme=dark']);
    assert.equal(event.headers['x-custom'], 'one');
    assert.equal(event.headers.cookie, undefined, 'cookies come in their own list');
    assert.equal(event.body, '{"item":"tea"}');
    assert.equal(event.isBase64Encoded, false);
    const id = new URL(FunctionUrl!).pathname.slice(1, -1);
    assert.equal(event.requestContext.apiId, id);
    assert.equal(event.requestContext.domainPrefix, id);
    assert.deepEqual({ ...event.requestContext.http, sourceIp: undefined }, { method: 'POST', path: '/orders/42', protocol: 'HTTP/1.1', sourceIp: undefined, userAgent: 'tests' });
    assert.match(event.requestContext.time, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    assert.equal(event.requestContext.authorizer, undefined, 'an AuthType NONE URL has no caller identity');

    const binary = Buffer.from([0, 1, 2, 250, 251, 252]);
    const bin = (await request(FunctionUrl!, { method: 'PUT', body: binary, headers: { 'content-type': 'application/octet-stream' } })).json().event;
    assert.equal(bin.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(bin.body, 'base64'), binary);
    assert.equal(bin.rawPath, '/');

    const head = await request(FunctionUrl!, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
  });

  it('maps results to HTTP responses as Lambda does, and answers malformed results and errors with 502', async () => {
    const { lambda } = await start();
    const { FunctionUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', AuthType: 'NONE' }));
    const str = await request(FunctionUrl!, { headers: answerWith('Hello, world!') });
    assert.equal(str.status, 200);
    assert.equal(str.headers['content-type'], 'application/json');
    assert.equal(str.text, '"Hello, world!"', 'a string result is sent as JSON');
    const obj = await request(FunctionUrl!, { headers: answerWith({ message: 'hi' }) });
    assert.deepEqual(obj.json(), { message: 'hi' });

    const custom = await request(FunctionUrl!, { headers: answerWith({
      statusCode: 201, headers: { 'Content-Type': 'text/plain', 'X-Count': 3 }, cookies: ['a=1; Max-Age=60', 'b=2'], body: 'made',
    }) });
    assert.equal(custom.status, 201);
    assert.equal(custom.headers['content-type'], 'text/plain');
    assert.equal(custom.headers['x-count'], '3');
    assert.deepEqual(custom.headers['set-cookie'], ['a=1; Max-Age=60', 'b=2']);
    assert.equal(custom.text, 'made');

    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const b64 = await request(FunctionUrl!, { headers: answerWith({ statusCode: 200, headers: { 'content-type': 'image/png' }, body: png.toString('base64'), isBase64Encoded: true }) });
    assert.deepEqual(b64.body, png);

    for (const [bad, why] of [
      [{ statusCode: 'ok' }, /statusCode must be a whole number/],
      [{ statusCode: 200, body: { not: 'a string' } }, /body must be a string/],
      [{ statusCode: 200, headers: { 'x-bad': 'a\r\nInjected: yes' } }, /line break/],
      [{ statusCode: 200, cookies: 'a=1' }, /cookies must be a list/],
      [{ statusCode: 200, body: '@@@', isBase64Encoded: true }, /not base64/],
    ] as const) {
      const res = await request(FunctionUrl!, { headers: answerWith(bad) });
      assert.equal(res.status, 502, JSON.stringify(bad));
      assert.deepEqual(res.json(), { Message: 'Internal Server Error' });
      assert.match(String(res.headers['x-local-lambda-error']), why);
      assert.equal(res.headers.injected, undefined);
    }
    const thrown = await request(FunctionUrl!, { headers: { 'x-answer': 'throw' } });
    assert.equal(thrown.status, 502);
    assert.match(String(thrown.headers['x-local-lambda-error']), /^Error: asked to fail$/);
  });

  it('answers CORS preflights from the configuration and puts its headers over the function\'s', async () => {
    const { lambda } = await start();
    const { FunctionUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({
      FunctionName: 'echo', AuthType: 'NONE',
      Cors: { AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['content-type', 'x-answer'],
        ExposeHeaders: ['x-count'], MaxAge: 600, AllowCredentials: true },
    }));
    // The function would fail on this request; a preflight never reaches it.
    const pre = await request(FunctionUrl!, { method: 'OPTIONS', headers: {
      origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type', 'x-answer': 'throw',
    } });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.equal(pre.headers['access-control-allow-methods'], 'GET,POST');
    assert.equal(pre.headers['access-control-allow-headers'], 'content-type,x-answer');
    assert.equal(pre.headers['access-control-max-age'], '600');
    assert.equal(pre.headers['access-control-allow-credentials'], 'true');

    const refused = await request(FunctionUrl!, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(refused.headers['access-control-allow-origin'], undefined, 'an origin not listed gets no CORS headers');
    const wrongMethod = await request(FunctionUrl!, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'DELETE' } });
    assert.equal(wrongMethod.headers['access-control-allow-origin'], undefined);

    const call = await request(FunctionUrl!, { headers: { origin: 'https://app.example.com' } });
    assert.equal(call.status, 200);
    assert.equal(call.headers['access-control-allow-origin'], 'https://app.example.com', 'the URL\'s CORS wins over the function\'s header');
    assert.equal(call.headers['access-control-expose-headers'], 'x-count');
    const other = await request(FunctionUrl!, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], 'https://from-the-function.example', 'without a match the function\'s own header stays');
  });

  it('refuses unsigned and wrongly signed calls to an AWS_IAM URL and passes the signer to the function', async () => {
    const { lambda, local } = await start();
    const { FunctionUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', AuthType: 'AWS_IAM' }));
    const unsigned = await request(`${FunctionUrl}x`);
    assert.equal(unsigned.status, 403);
    assert.deepEqual(unsigned.json(), { Message: 'Forbidden' });
    assert.match(String(unsigned.headers['x-local-lambda-error']), /AuthType is AWS_IAM/);

    const sign = async (secretAccessKey: string) => {
      const u = new URL(`${FunctionUrl}x?n=1`);
      const signer = new SignatureV4({ credentials: { accessKeyId: local.credentials.accessKeyId, secretAccessKey }, region: 'us-east-1', service: 'lambda', sha256: Sha256 });
      const body = '{"a":1}';
      const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: u.pathname,
        query: { n: '1' }, headers: { host: u.host, 'content-type': 'application/json' }, body });
      return request(u.toString(), { method: 'POST', headers: signed.headers, body });
    };
    const wrong = await sign('not-the-secret');
    assert.equal(wrong.status, 403);
    assert.match(String(wrong.headers['x-local-lambda-error']), /signature we calculated does not match/);

    const ok = await sign(local.credentials.secretAccessKey);
    assert.equal(ok.status, 200);
    const { event } = ok.json();
    assert.equal(event.requestContext.authorizer.iam.accessKey, local.credentials.accessKeyId);
    assert.equal(event.requestContext.accountId, '123456789012');
    assert.equal(event.body, '{"a":1}');
  });

  it('serves an alias URL from the alias\'s version', async () => {
    const { lambda } = await start();
    await lambda.send(new PublishVersionCommand({ FunctionName: 'echo' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'echo', Name: 'live', FunctionVersion: '1' }));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'echo', Environment: { Variables: { GREETING: 'edited' } } }));
    const live = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', Qualifier: 'live', AuthType: 'NONE' }));
    const latest = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', AuthType: 'NONE' }));
    assert.equal((await request(live.FunctionUrl!)).json().greeting, 'latest', 'version 1 was published with the first value');
    assert.equal((await request(latest.FunctionUrl!)).json().greeting, 'edited');
  });

  it('takes FunctionUrlConfig and AWS::Lambda::Url from the template, keeps the address across restarts, and reports bad settings with their line', async () => {
    const dataDir = makeTempDir('local-lambda-data-');
    cleanup.push(dataDir);
    const extra = [
      '      FunctionUrlConfig:',
      '        AuthType: NONE',
      '        Cors:',
      '          AllowOrigins: ["http://localhost:3000"]',
      '  Second:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      FunctionName: second',
      '      CodeUri: src',
      '      Handler: index.handler',
      '      Runtime: nodejs20.x',
      '  SecondUrl:',
      '    Type: AWS::Lambda::Url',
      '    Properties:',
      '      TargetFunctionArn: !GetAtt Second.Arn',
      '      AuthType: AWS_IAM',
      '  Third:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      FunctionName: third',
      '      CodeUri: src',
      '      Handler: index.handler',
      '      Runtime: nodejs20.x',
      '      FunctionUrlConfig:',
      '        AuthType: NONE',
      '        Cors:',
      '          AllowOrigins: ["https://example.com/path"]',
    ];
    const first = await start(extra, dataDir);
    const echo = await first.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'echo' }));
    assert.deepEqual(echo.Cors, { AllowOrigins: ['http://localhost:3000'] });
    const second = await first.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'second' }));
    assert.equal(second.AuthType, 'AWS_IAM');
    assert.equal((await request(echo.FunctionUrl!)).status, 200);
    const error = first.local.templates.errors.find((e) => e.message.startsWith('Third:'));
    assert.ok(error, 'the bad origin is reported');
    assert.match(error.message, /AllowOrigins\[0\] "https:\/\/example\.com\/path" is not an origin/);
    const lines = fs.readFileSync(first.local.templates.templates[0], 'utf8').split('\n');
    assert.equal(error.line, lines.lastIndexOf('      FunctionUrlConfig:') + 1, 'at the FunctionUrlConfig of Third');
    await assert.rejects(first.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'third' })), (err: Error) => err.name === 'ResourceNotFoundException');
    const dir = path.dirname(first.local.templates.templates[0]);
    await first.close();
    t = await startTestLocal({ dir, dataDir });
    const again = await t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'echo' }));
    assert.equal(again.FunctionUrl?.split('/')[3], echo.FunctionUrl?.split('/')[3], 'the URL id survives a restart');
  });

  it('refuses requests for other hosts, unknown ids and bodies over 6 MB', async () => {
    const { lambda } = await start();
    const { FunctionUrl } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'echo', AuthType: 'NONE' }));
    const spoofed = await request(FunctionUrl!, { headers: { host: 'attacker.example' } });
    assert.equal(spoofed.status, 403);
    const byHost = await request(`http://127.0.0.1:${new URL(FunctionUrl!).port}/hello`, {
      headers: { host: `${new URL(FunctionUrl!).pathname.slice(1, -1)}.lambda-url.us-east-1.localhost:${new URL(FunctionUrl!).port}` },
    });
    assert.equal(byHost.status, 200, 'a URL is also reached by its host name');
    assert.equal(byHost.json().event.rawPath, '/hello');
    const unknown = await request(FunctionUrl!.replace(/[a-z0-9]{32}/, 'a'.repeat(32)));
    assert.equal(unknown.status, 404);
    const big = await request(FunctionUrl!, { method: 'POST', body: Buffer.alloc(6 * 1024 * 1024 + 1, 'a'), headers: { 'content-type': 'text/plain' } });
    assert.equal(big.status, 413);
    const nearly = await request(FunctionUrl!, { method: 'POST', body: Buffer.alloc(6 * 1024 * 1024 - 100, 'a'), headers: { 'content-type': 'text/plain' } });
    assert.equal(nearly.status, 413, 'the event with its headers is over 6 MB even when the body alone is not');
  });
});
