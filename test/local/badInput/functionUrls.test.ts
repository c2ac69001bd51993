import * as assert from 'node:assert/strict';
import { CreateAliasCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { httpCall, makeZip, type RawResponse } from '../helpers';
import { badInputTable, lambdaRequest, type BadInputCase, type TableContext } from './table';

interface Ctx extends TableContext {
  /** The sentinel's URL, made before the rows run. */
  url: string;
  /** An AWS_IAM URL. */
  iamUrl: string;
}

const ROLE = 'arn:aws:iam::123456789012:role/test';
const URL_PATH = '/2021-10-31/functions/sentinel/url';
const v = (status: number, type: string, message: string | RegExp) => ({ status, type, message });
const validation = (message: string | RegExp) => v(400, 'ValidationException', message);
const invalidParam = (message: string | RegExp) => v(400, 'InvalidParameterValueException', message);
const badContent = (message: string | RegExp) => v(400, 'InvalidRequestContentException', message);
const json = (value: unknown) => JSON.stringify(value);

/** A plain (unsigned) request to a function URL, the way a browser or curl sends it. */
const plain = async (url: string, opts: Parameters<typeof httpCall>[1] = {}): Promise<RawResponse> => {
  const { status, headers, text } = await httpCall(url, opts);
  return { status, headers, body: text };
};

const cases: Array<BadInputCase<Ctx>> = [];
const row = (name: string, send: (c: Ctx) => Promise<RawResponse>, expect: BadInputCase<Ctx>['expect']) => cases.push({ name, send, expect });
const create = (body: unknown, query = '') => (c: Ctx) => lambdaRequest(c.t, 'POST', `${URL_PATH}${query}`, typeof body === 'string' ? body : json(body));
const update = (body: unknown, query = '') => (c: Ctx) => lambdaRequest(c.t, 'PUT', `${URL_PATH}${query}`, typeof body === 'string' ? body : json(body));

// --- the config API -----------------------------------------------------------------------
row('URL config: a second URL for the same function', create({ AuthType: 'NONE' }), v(409, 'ResourceConflictException',
  /^Failed to create function url config for \[functionArn = arn:aws:lambda:us-east-1:123456789012:function:sentinel\]\. Error message: {2}FunctionUrlConfig exists for this Lambda function$/));
row('URL config: AuthType missing', create({}, '?Qualifier=live'), badContent('Could not parse request body into json: AuthType is missing; it must be NONE or AWS_IAM.'));
row('URL config: AuthType not one of NONE, AWS_IAM', create({ AuthType: 'OPEN' }, '?Qualifier=live'),
  validation("1 validation error detected: Value 'OPEN' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]"));
row('URL config: AuthType a number', create({ AuthType: 1 }, '?Qualifier=live'), badContent('Could not parse request body into json: AuthType must be NONE or AWS_IAM, not the number 1.'));
row('URL config: InvokeMode unknown', create({ AuthType: 'NONE', InvokeMode: 'STREAMED' }, '?Qualifier=live'),
  validation("1 validation error detected: Value 'STREAMED' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]"));
row('URL config: qualifier $LATEST', create({ AuthType: 'NONE' }, '?Qualifier=%24LATEST'), validation(/^1 validation error detected: Value '\$LATEST' at 'qualifier' failed to satisfy constraint: .*not to \$LATEST or a version\.$/));
row('URL config: qualifier a version number', create({ AuthType: 'NONE' }, '?Qualifier=1'), validation(/^1 validation error detected: Value '1' at 'qualifier'/));
row('URL config: alias that does not exist', create({ AuthType: 'NONE' }, '?Qualifier=nope'), v(404, 'ResourceNotFoundException', /nope/));
row('URL config: function that does not exist', (c) => lambdaRequest(c.t, 'POST', '/2021-10-31/functions/missing/url', json({ AuthType: 'NONE' })), v(404, 'ResourceNotFoundException', /missing/));
row('URL config: body not JSON', create('{"AuthType":', '?Qualifier=live'), badContent(/^Could not parse request body into json: /));
row('URL config: Cors an array', create({ AuthType: 'NONE', Cors: [] }, '?Qualifier=live'), badContent('Could not parse request body into json: Cors must be an object, not a list.'));
row('URL config: Cors with an unknown field', create({ AuthType: 'NONE', Cors: { AllowOrigin: ['*'] } }, '?Qualifier=live'),
  invalidParam('Cors has no field AllowOrigin; it takes AllowCredentials, AllowHeaders, AllowMethods, AllowOrigins, ExposeHeaders and MaxAge.'));
row('URL config: origin with a path', create({ AuthType: 'NONE', Cors: { AllowOrigins: ['https://example.com/app'] } }, '?Qualifier=live'),
  invalidParam(/^Cors\.AllowOrigins\[0\] "https:\/\/example\.com\/app" is not an origin: give scheme:\/\/host\[:port\] without a path/));
row('URL config: origin without a scheme', create({ AuthType: 'NONE', Cors: { AllowOrigins: ['example.com'] } }, '?Qualifier=live'), invalidParam(/"example\.com" is not an origin/));
row('URL config: origin of 254 characters', create({ AuthType: 'NONE', Cors: { AllowOrigins: [`https://${'a'.repeat(246)}`] } }, '?Qualifier=live'),
  validation('Cors.AllowOrigins[0] must be 1 to 253 characters long (got 254).'));
row('URL config: 101 origins', create({ AuthType: 'NONE', Cors: { AllowOrigins: Array.from({ length: 101 }, (_, i) => `https://h${i}.example`) } }, '?Qualifier=live'),
  validation(/^1 validation error detected: Value at 'cors\.allowOrigins' failed to satisfy constraint: Member must have length less than or equal to 100/));
row('URL config: an origin that is not a string', create({ AuthType: 'NONE', Cors: { AllowOrigins: [7] } }, '?Qualifier=live'), badContent('Could not parse request body into json: Cors.AllowOrigins[0] must be a string, not the number 7.'));
row('URL config: OPTIONS in AllowMethods', create({ AuthType: 'NONE', Cors: { AllowMethods: ['OPTIONS'] } }, '?Qualifier=live'), validation('Cors.AllowMethods[0] must be 1 to 6 characters long (got 7).'));
row('URL config: a method that does not exist', create({ AuthType: 'NONE', Cors: { AllowMethods: ['FETCH'] } }, '?Qualifier=live'), invalidParam(/^Cors\.AllowMethods\[0\] "FETCH" is not a method a function URL allows/));
row('URL config: seven methods', create({ AuthType: 'NONE', Cors: { AllowMethods: ['GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE', '*'] } }, '?Qualifier=live'), validation(/cors\.allowMethods.*less than or equal to 6/));
row('URL config: a header name with a space', create({ AuthType: 'NONE', Cors: { AllowHeaders: ['x bad'] } }, '?Qualifier=live'), invalidParam('Cors.AllowHeaders[0] "x bad" is not an HTTP header name.'));
row('URL config: a header name with a line break', create({ AuthType: 'NONE', Cors: { ExposeHeaders: ['x\r\ny'] } }, '?Qualifier=live'), invalidParam(/^Cors\.ExposeHeaders\[0\] ".*" is not an HTTP header name\.$/s));
row('URL config: MaxAge over a day', create({ AuthType: 'NONE', Cors: { MaxAge: 86401 } }, '?Qualifier=live'),
  validation("1 validation error detected: Value '86401' at 'cors.maxAge' failed to satisfy constraint: Member must have value less than or equal to 86400"));
row('URL config: MaxAge negative', create({ AuthType: 'NONE', Cors: { MaxAge: -1 } }, '?Qualifier=live'), validation(/'-1' at 'cors\.maxAge'.*greater than or equal to 0/));
row('URL config: MaxAge a fraction', create({ AuthType: 'NONE', Cors: { MaxAge: 1.5 } }, '?Qualifier=live'), badContent('Could not parse request body into json: Cors.MaxAge must be a whole number of seconds, not the number 1.5.'));
row('URL config: AllowCredentials a string', create({ AuthType: 'NONE', Cors: { AllowCredentials: 'yes' } }, '?Qualifier=live'), badContent(/Cors\.AllowCredentials must be true or false, not the string "yes"/));
row('URL config: update with a bad origin', update({ Cors: { AllowOrigins: ['ftp://files.example'] } }), invalidParam(/"ftp:\/\/files\.example" is not an origin/));
row('URL config: update of an alias without a URL', update({ AuthType: 'NONE' }, '?Qualifier=live'), v(404, 'ResourceNotFoundException', /No function URL for arn:aws:lambda:us-east-1:123456789012:function:sentinel:live/));
row('URL config: delete where none exists', (c) => lambdaRequest(c.t, 'DELETE', `${URL_PATH}?Qualifier=live`), v(404, 'ResourceNotFoundException', /No function URL/));
row('URL config: list with MaxItems 0', (c) => lambdaRequest(c.t, 'GET', '/2021-10-31/functions/sentinel/urls?MaxItems=0'), validation(/'0' at 'maxItems'/));
row('URL config: list with a forged marker', (c) => lambdaRequest(c.t, 'GET', '/2021-10-31/functions/sentinel/urls?Marker=zzzz'), invalidParam('Invalid Marker: zzzz'));
row('URL config: list for a qualified name', (c) => lambdaRequest(c.t, 'GET', '/2021-10-31/functions/sentinel:live/urls'), invalidParam('This operation does not accept a qualified function name.'));

// --- the URL server -----------------------------------------------------------------------
row('URL: a Host header of another site (DNS rebinding)', (c) => plain(c.url, { headers: { host: 'attacker.example:80' } }), v(403, 'AccessDeniedException', 'Forbidden'));
row('URL: an id that is not 32 letters and digits', (c) => plain(c.url, { path: '/..%2F..%2Fetc/' }), v(404, 'ResourceNotFoundException', 'Not Found'));
row('URL: an id nobody was given', (c) => plain(c.url, { path: `/${'b'.repeat(32)}/` }), v(404, 'ResourceNotFoundException', 'Not Found'));
row('URL: AWS_IAM URL without a signature', (c) => plain(c.iamUrl), v(403, 'AccessDeniedException', 'Forbidden'));
row('URL: AWS_IAM URL with a made-up Authorization', (c) => plain(c.iamUrl, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00' } }),
  v(403, 'AccessDeniedException', 'Forbidden'));
row('URL: a body over 6 MB', (c) => plain(c.url, { method: 'POST', body: Buffer.alloc(6 * 1024 * 1024 + 1, 'x') }), v(413, 'RequestTooLargeException', 'Request Entity Too Large'));
row('URL: a body whose event passes 6 MB once base64-encoded', (c) => plain(c.url, { method: 'POST', body: Buffer.alloc(5 * 1024 * 1024, 0xff), headers: { 'content-type': 'application/octet-stream' } }),
  v(413, 'RequestTooLargeException', 'Request Entity Too Large'));

badInputTable<Ctx>('function URLs', {
  async setup(start) {
    const t = await start();
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'sentinel', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => ({ statusCode: 200, body: "sentinel" });' }) },
    }));
    await t.lambda.send(new PublishVersionCommand({ FunctionName: 'sentinel' }));
    await t.lambda.send(new CreateAliasCommand({ FunctionName: 'sentinel', Name: 'live', FunctionVersion: '1' }));
    const { FunctionUrl } = await t.lambda.send(new CreateFunctionUrlConfigCommand({
      FunctionName: 'sentinel', AuthType: 'NONE', Cors: { AllowOrigins: ['https://app.example.com'] },
    }));
    await t.lambda.send(new CreateFunctionCommand({
      FunctionName: 'guarded', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => "x";' }) },
    }));
    const iam = await t.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'guarded', AuthType: 'AWS_IAM' }));
    return { t, url: FunctionUrl ?? '', iamUrl: iam.FunctionUrl ?? '' };
  },
  async intact(c) {
    const got = await c.t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'sentinel' }));
    assert.equal(got.FunctionUrl, c.url, 'the sentinel keeps its URL');
    assert.deepEqual(got.Cors, { AllowOrigins: ['https://app.example.com'] }, 'and its CORS settings');
    await assert.rejects(c.t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'sentinel', Qualifier: 'live' })), { name: 'ResourceNotFoundException' },
      'no refused call made an alias URL');
    const served = await plain(c.url);
    assert.equal(served.status, 200, 'the URL still serves');
    assert.equal(served.body, 'sentinel');
  },
  cases,
});
