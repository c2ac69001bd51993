import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { httpCall, makeTempDir, startTestLocal, write, type TestLocal } from './helpers';

/** Echoes the event, or answers what the `x-answer` header (base64 JSON) says. */
const ECHO = `
exports.handler = async (event) => {
  const headers = event.headers || {};
  const answer = headers['x-answer'] || headers['X-Answer'];
  if (answer === 'throw') throw new Error('asked to fail');
  if (answer) return JSON.parse(Buffer.from(answer, 'base64').toString('utf8'));
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
};
`;
const AUTH = `
let calls = 0;
exports.token = async (event) => {
  calls++;
  if (event.authorizationToken === 'boom') throw new Error('Unauthorized');
  // A policy for exactly the method that was asked for (the cached-policy pitfall).
  if (event.authorizationToken.startsWith('narrow')) {
    return { principalId: 'ada', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
      context: { call: calls } };
  }
  const effect = event.authorizationToken === 'allow' ? 'Allow' : 'Deny';
  return { principalId: 'ada', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: event.methodArn.replace(/\\/GET\\/.*$/, '/*') }] },
    context: { team: 'blue' } };
};
exports.simple = async (event) => ({ isAuthorized: event.headers.authorization === 'letmein', context: { user: 'grace', route: event.routeKey } });
`;

const TEMPLATE = [
  'Transform: AWS::Serverless-2016-10-31',
  'Globals:',
  '  Api:',
  '    Cors:',
  '      AllowOrigin: "\'https://app.example\'"',
  '      AllowHeaders: "\'content-type,authorization\'"',
  '      MaxAge: "\'300\'"',
  'Resources:',
  '  MyApi:',
  '    Type: AWS::Serverless::Api',
  '    Properties:',
  '      StageName: dev',
  '      Variables:',
  '        env: local',
  '      BinaryMediaTypes: ["image~1png"]',
  '      Auth:',
  '        DefaultAuthorizer: TokenAuth',
  '        Authorizers:',
  '          TokenAuth:',
  '            FunctionArn: !GetAtt AuthFn.Arn',
  '          Pool:',
  '            UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_x',
  '  MyHttpApi:',
  '    Type: AWS::Serverless::HttpApi',
  '    Properties:',
  '      StageVariables:',
  '        tier: gold',
  '      CorsConfiguration:',
  '        AllowOrigins: [https://app.example]',
  '        AllowMethods: [GET, POST]',
  '        AllowHeaders: [authorization]',
  '        ExposeHeaders: [x-total]',
  '        MaxAge: 600',
  '      Auth:',
  '        Authorizers:',
  '          Simple:',
  '            FunctionArn: !GetAtt SimpleAuthFn.Arn',
  '            EnableSimpleResponses: true',
  '            AuthorizerPayloadFormatVersion: "2.0"',
  '            Identity:',
  '              Headers: [Authorization]',
  '  Echo:',
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  '      FunctionName: echo',
  '      CodeUri: src',
  '      Handler: index.handler',
  '      Runtime: nodejs20.x',
  '      Events:',
  '        GetItem:',
  '          Type: Api',
  '          Properties: { Path: "/items/{id}", Method: get }',
  '        Proxy:',
  '          Type: Api',
  '          Properties: { Path: "/files/{proxy+}", Method: any }',
  '        Literal:',
  '          Type: Api',
  '          Properties: { Path: "/items/special", Method: get }',
  '        Secure:',
  '          Type: Api',
  '          Properties: { RestApiId: !Ref MyApi, Path: /secure, Method: get }',
  '        SecurePost:',
  '          Type: Api',
  '          Properties: { RestApiId: !Ref MyApi, Path: /secure, Method: post }',
  '        Public:',
  '          Type: Api',
  '          Properties: { RestApiId: !Ref MyApi, Path: /public, Method: post, Auth: { Authorizer: NONE } }',
  '        Guarded:',
  '          Type: Api',
  '          Properties: { RestApiId: !Ref MyApi, Path: /pool, Method: get, Auth: { Authorizer: Pool } }',
  '        CreateOrder:',
  '          Type: HttpApi',
  '          Properties: { Path: /orders, Method: POST }',
  '        OldOrder:',
  '          Type: HttpApi',
  '          Properties: { Path: "/v1/orders/{id}", Method: GET, PayloadFormatVersion: "1.0" }',
  '        HttpSecure:',
  '          Type: HttpApi',
  '          Properties: { ApiId: !Ref MyHttpApi, Path: /h/secure, Method: GET, Auth: { Authorizer: Simple } }',
  '        CatchAll:',
  '          Type: HttpApi',
  '        Nightly:',
  '          Type: Schedule',
  '          Properties: { Schedule: rate(1 day), Input: \'{"job":"nightly"}\' }',
  '  Other:',
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  '      FunctionName: other',
  '      CodeUri: src',
  '      Handler: index.handler',
  '      Runtime: nodejs20.x',
  '      Events:',
  '        Clash:',
  '          Type: Api',
  '          Properties: { Path: "/items/{itemId}", Method: GET }',
  '        BadPath:',
  '          Type: Api',
  '          Properties: { Path: "/a/{p+}/b", Method: GET }',
  '  AuthFn:',
  '    Type: AWS::Serverless::Function',
  '    Properties: { FunctionName: auth-token, CodeUri: src, Handler: auth.token, Runtime: nodejs20.x }',
  '  SimpleAuthFn:',
  '    Type: AWS::Serverless::Function',
  '    Properties: { FunctionName: auth-simple, CodeUri: src, Handler: auth.simple, Runtime: nodejs20.x }',
  '',
].join('\n');

const call = (base: string, pathAndQuery: string, opts: Parameters<typeof httpCall>[1] = {}) => httpCall(new URL(pathAndQuery, base).toString(), opts);
const answerWith = (value: unknown) => ({ 'x-answer': Buffer.from(JSON.stringify(value)).toString('base64') });

describe('Local Lambda API routes (Api and HttpApi events)', function () {
  this.timeout(60_000);
  let t: TestLocal;
  let base: string;
  let dir: string;
  before(async () => {
    dir = makeTempDir('local-lambda-apis-');
    write(path.join(dir, 'template.yaml'), TEMPLATE);
    write(path.join(dir, 'src', 'index.js'), ECHO);
    write(path.join(dir, 'src', 'auth.js'), AUTH);
    t = await startTestLocal({ dir });
    base = t.local.apiEndpoint ?? '';
  });
  after(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves a REST route with payload 1.0: path parameters, multi-value query and headers, stage', async () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await call(base, '/items/42?color=red&color=blue&size=L', { headers: { 'X-Trace': 'a' } });
    assert.equal(res.status, 200);
    const e = res.json();
    assert.equal(e.resource, '/items/{id}');
    assert.equal(e.path, '/items/42');
    assert.equal(e.httpMethod, 'GET');
    assert.deepEqual(e.pathParameters, { id: '42' });
    assert.deepEqual(e.queryStringParameters, { color: 'blue', size: 'L' });
    assert.deepEqual(e.multiValueQueryStringParameters, { color: ['red', 'blue'], size: ['L'] });
    assert.equal(e.headers['X-Trace'], 'a', 'REST keeps header names as sent');
    assert.deepEqual(e.multiValueHeaders['X-Trace'], ['a']);
    assert.equal(e.requestContext.stage, 'Prod', 'the implicit REST API\'s stage');
    assert.equal(e.requestContext.resourcePath, '/items/{id}');
    assert.equal(e.requestContext.path, '/Prod/items/42');
    assert.equal(e.body, null);
    assert.equal(e.isBase64Encoded, false);
    assert.equal(e.stageVariables, null);
  });

  it('prefers literal segments over parameters and matches a greedy {proxy+}', async () => {
    assert.equal((await call(base, '/items/special')).json().resource, '/items/special');
    const proxy = (await call(base, '/files/a/b/c.txt', { method: 'DELETE' })).json();
    assert.equal(proxy.resource, '/files/{proxy+}');
    assert.deepEqual(proxy.pathParameters, { proxy: 'a/b/c.txt' });
  });

  it('serves HTTP API routes with payload 2.0, a 1.0 route, and the $default catch-all', async () => {
    const res = await call(base, '/orders?x=1', { method: 'POST', body: '{"tea":2}', headers: { 'content-type': 'application/json', cookie: 'a=1' } });
    const e = res.json();
    assert.equal(e.version, '2.0');
    assert.equal(e.routeKey, 'POST /orders');
    assert.equal(e.requestContext.routeKey, 'POST /orders');
    assert.equal(e.requestContext.stage, '$default');
    assert.deepEqual(e.cookies, ['a=1']);
    assert.equal(e.body, '{"tea":2}');
    const old = (await call(base, '/v1/orders/7')).json();
    assert.equal(old.version, undefined);
    assert.equal(old.resource, '/v1/orders/{id}');
    assert.deepEqual(old.pathParameters, { id: '7' });
    const any = (await call(base, '/no/route/here', { method: 'PATCH' })).json();
    assert.equal(any.routeKey, '$default');
    assert.equal(any.rawPath, '/no/route/here');
  });

  it('runs the REST TOKEN authorizer: allow passes its context, deny is 403, a missing token 401', async () => {
    const allowed = await call(base, '/secure', { headers: { authorization: 'allow' } });
    assert.equal(allowed.status, 200);
    const e = allowed.json();
    assert.deepEqual(e.requestContext.authorizer, { principalId: 'ada', team: 'blue' });
    assert.equal(e.requestContext.stage, 'dev');
    assert.deepEqual(e.stageVariables, { env: 'local' });
    const denied = await call(base, '/secure', { headers: { authorization: 'deny' } });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.json(), { message: 'User is not authorized to access this resource' });
    const missing = await call(base, '/secure');
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.json(), { message: 'Unauthorized' });
    const thrown = await call(base, '/secure', { headers: { authorization: 'boom' } });
    assert.equal(thrown.status, 401, 'an authorizer failing with "Unauthorized" answers 401');
    const open = await call(base, '/public', { method: 'POST' });
    assert.equal(open.status, 200, 'Auth: NONE skips the default authorizer');
    const pool = await call(base, '/pool');
    assert.equal(pool.status, 200, 'a Cognito authorizer is not emulated');
    assert.ok(t.local.templates.notes.some((n) => /the cognito authorizer Pool is not emulated/.test(n.message)));
  });

  it("keeps a REST authorizer's answer for the same token, judges the kept policy per method, and runs again after an edit", async () => {
    const first = await call(base, '/secure', { headers: { authorization: 'narrow-1' } });
    assert.equal(first.status, 200);
    const callAtFirst = first.json().requestContext.authorizer.call;
    const again = await call(base, '/secure', { headers: { authorization: 'narrow-1' } });
    assert.equal(again.status, 200);
    assert.equal(again.json().requestContext.authorizer.call, callAtFirst, 'the second request reused the answer: the authorizer did not run');
    // The kept policy names GET /secure only: POST /secure with the same token is denied without a new call, as on AWS.
    const post = await call(base, '/secure', { method: 'POST', headers: { authorization: 'narrow-1' } });
    assert.equal(post.status, 403);
    assert.match(String(post.headers['x-local-lambda-error']), /kept from .* ReauthorizeEvery = 300 s/);
    const other = await call(base, '/secure', { method: 'POST', headers: { authorization: 'narrow-2' } });
    assert.equal(other.status, 200, 'another token runs the authorizer, whose policy names POST /secure');
    assert.ok(other.json().requestContext.authorizer.call > callAtFirst);
    // An edit of the authorizer's code is a new deployment: its answers are not reused.
    fs.appendFileSync(path.join(dir, 'src', 'auth.js'), '\n// edited\n');
    const deadline = Date.now() + 10_000;
    let after = await call(base, '/secure', { headers: { authorization: 'narrow-1' } });
    while (after.json().requestContext.authorizer.call === callAtFirst && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after = await call(base, '/secure', { headers: { authorization: 'narrow-1' } });
    }
    assert.equal(after.status, 200);
    assert.equal(after.json().requestContext.authorizer.call, 1, 'the edited authorizer ran, in a fresh environment');
  });

  it('runs an HTTP API authorizer with simple responses and passes its context as authorizer.lambda', async () => {
    const ok = await call(base, '/h/secure', { headers: { authorization: 'letmein' } });
    assert.equal(ok.status, 200);
    const e = ok.json();
    assert.deepEqual(e.requestContext.authorizer, { lambda: { user: 'grace', route: 'GET /h/secure' } });
    assert.deepEqual(e.stageVariables, { tier: 'gold' });
    const no = await call(base, '/h/secure', { headers: { authorization: 'nope' } });
    assert.equal(no.status, 403);
    assert.deepEqual(no.json(), { message: 'Forbidden' });
    assert.equal((await call(base, '/h/secure')).status, 401, 'the identity header is required');
  });

  it('sends binary media types base64-encoded and decodes base64 answers for them', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]);
    const echoed = (await call(base, '/public', { method: 'POST', body: png, headers: { 'content-type': 'image/png' } })).json();
    assert.equal(echoed.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(echoed.body, 'base64'), png);
    const text = (await call(base, '/public', { method: 'POST', body: 'plain', headers: { 'content-type': 'text/plain' } })).json();
    assert.equal(text.isBase64Encoded, false);
    assert.equal(text.body, 'plain');
    const back = await call(base, '/public', { method: 'POST', headers: { ...answerWith({ statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: png.toString('base64'), isBase64Encoded: true }) } });
    assert.deepEqual(back.body, png);
  });

  it('answers malformed results and function errors as API Gateway does (REST 502, HTTP API 500)', async () => {
    const rest = await call(base, '/items/1', { headers: answerWith('just a string') });
    assert.equal(rest.status, 502);
    assert.deepEqual(rest.json(), { message: 'Internal server error' });
    assert.match(String(rest.headers['x-local-lambda-error']), /proxy integration must return an object/);
    const restThrow = await call(base, '/items/1', { headers: { 'x-answer': 'throw' } });
    assert.equal(restThrow.status, 502);
    const httpThrow = await call(base, '/orders', { method: 'POST', headers: { 'x-answer': 'throw' } });
    assert.equal(httpThrow.status, 500);
    assert.deepEqual(httpThrow.json(), { message: 'Internal Server Error' });
    const httpString = await call(base, '/orders', { method: 'POST', headers: answerWith('hello') });
    assert.equal(httpString.status, 200, 'HTTP API 2.0 takes a plain value as the body');
    assert.equal(httpString.text, '"hello"');
    const multi = await call(base, '/items/1', { headers: answerWith({ statusCode: 200, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'X-Many': ['1', '2'] }, body: '' }) });
    assert.deepEqual(multi.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(multi.headers['x-many'], '1,2');
  });

  it('reports clashing routes and bad paths with their lines and serves the first', async () => {
    const lines = TEMPLATE.split('\n');
    const clash = t.local.templates.errors.find((e) => /GET \/items\/\{itemId\} is already served for echo/.test(e.message));
    assert.ok(clash, JSON.stringify(t.local.templates.errors));
    assert.equal(clash.line, lines.indexOf('        Clash:') + 1);
    const bad = t.local.templates.errors.find((e) => /greedy parameter \{p\+\} must be the last segment/.test(e.message));
    assert.ok(bad);
    assert.equal(bad.line, lines.indexOf('        BadPath:') + 1);
    assert.equal((await call(base, '/items/9')).json().resource, '/items/{id}');
  });

  it("answers a REST path's OPTIONS from Globals.Api.Cors without the function, and leaves other responses alone", async () => {
    const preflight = await call(base, '/items/42', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.text, '', 'the function did not answer');
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET,OPTIONS', "the path's methods and OPTIONS");
    assert.equal(preflight.headers['access-control-allow-headers'], 'content-type,authorization');
    assert.equal(preflight.headers['access-control-max-age'], '300');
    const anyPath = await call(base, '/files/a/b', { method: 'OPTIONS' });
    assert.equal(anyPath.headers['access-control-allow-methods'], 'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT', 'an ANY route allows every method');
    const plain = await call(base, '/items/42', { headers: { origin: 'https://app.example' } });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['access-control-allow-origin'], undefined, "a REST API's responses are the function's own");
  });

  it("answers an HTTP API's preflights itself and puts its CORS headers over the function's", async () => {
    const preflight = { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' };
    const ok = await call(base, '/h/secure', { method: 'OPTIONS', headers: preflight });
    assert.equal(ok.status, 204, 'answered before the authorizer, which would refuse a call without Authorization');
    assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(ok.headers['access-control-allow-methods'], 'GET,POST');
    assert.equal(ok.headers['access-control-allow-headers'], 'authorization');
    assert.equal(ok.headers['access-control-max-age'], '600');
    const foreign = await call(base, '/h/secure', { method: 'OPTIONS', headers: { ...preflight, origin: 'https://evil.example' } });
    assert.equal(foreign.status, 204);
    assert.equal(foreign.headers['access-control-allow-origin'], undefined, 'an origin not allowed gets no grant');
    const res = await call(base, '/h/secure', { headers: { origin: 'https://app.example', authorization: 'letmein',
      ...answerWith({ statusCode: 200, headers: { 'access-control-allow-origin': '*', 'x-total': '3' }, body: 'ok' }) } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], 'https://app.example', "the API's CORS wins over the function's header");
    assert.equal(res.headers['access-control-expose-headers'], 'x-total');
    assert.equal(res.headers['x-total'], '3');
    const noCors = await call(base, '/orders', { method: 'OPTIONS', headers: preflight });
    assert.notEqual(noCors.status, 204, 'the implicit HTTP API has no CorsConfiguration: its routes answer OPTIONS');
  });

  it('refuses other hosts and unknown routes of a REST-only table', async () => {
    const spoofed = await call(base, '/items/1', { headers: { host: 'evil.example' } });
    assert.equal(spoofed.status, 403);
  });
});
