import * as assert from 'node:assert/strict';
import {
  CreateAliasCommand, CreateFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand, ListFunctionEventInvokeConfigsCommand, PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { makeZip, rawRequest, type RawResponse, type TestLocal } from '../helpers';
import { badInputTable, lambdaRequest, type BadInputCase, type TableContext } from './table';
import { rawZip } from './zips';

interface Ctx extends TableContext {
  sentinelSha: string;
  /** A GetFunction link to code that was replaced afterwards. */
  staleLink: string;
  /** A GetFunction link that is still good. */
  liveLink: string;
  accountId: string;
}

const ROLE = 'arn:aws:iam::123456789012:role/test';
const FUNCTIONS = '/2015-03-31/functions';

/** A SigV4 request whose every part can be set or spoiled after signing. */
async function signed(t: TestLocal, opts: {
  method?: string; path?: string; body?: string | Buffer; headers?: Record<string, string>;
  region?: string; service?: string; secret?: string; keyId?: string; date?: Date; checksum?: boolean;
  after?: (headers: Record<string, string>) => void; sendBody?: string | Buffer; sendPath?: string;
}): Promise<RawResponse> {
  const url = new URL(t.local.endpoint);
  const method = opts.method ?? 'GET';
  const path = opts.path ?? FUNCTIONS;
  const pathUrl = new URL(path, t.local.endpoint);
  const body = Buffer.from(opts.body ?? '');
  const signer = new SignatureV4({
    credentials: { accessKeyId: opts.keyId ?? t.local.credentials.accessKeyId, secretAccessKey: opts.secret ?? t.local.credentials.secretAccessKey },
    region: opts.region ?? t.local.region, service: opts.service ?? 'lambda', sha256: Sha256, applyChecksum: opts.checksum ?? false,
  });
  const query: Record<string, string> = {};
  pathUrl.searchParams.forEach((v, k) => { query[k] = v; });
  const result = await signer.sign({
    method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: pathUrl.pathname, query,
    headers: { host: url.host, 'content-type': 'application/json', 'content-length': String(body.length), ...opts.headers }, body,
  }, { signingDate: opts.date });
  const headers = { ...result.headers } as Record<string, string>;
  opts.after?.(headers);
  const sendBody = Buffer.from(opts.sendBody ?? body);
  if (opts.sendBody !== undefined) headers['content-length'] = String(sendBody.length);
  return rawRequest(t.local, { method, path: opts.sendPath ?? path, body: sendBody, headers, sign: false });
}

const json = (value: unknown) => JSON.stringify(value);
const b64 = (buf: Buffer) => buf.toString('base64');
const goodZip = () => makeZip({ 'index.js': 'exports.handler = async () => "ok";' });
const create = (t: TestLocal, fields: Record<string, unknown>) => lambdaRequest(t, 'POST', FUNCTIONS, json({
  FunctionName: 'fresh', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: b64(goodZip()) }, ...fields,
}));
const configure = (t: TestLocal, fields: Record<string, unknown>, name = 'sentinel') =>
  lambdaRequest(t, 'PUT', `${FUNCTIONS}/${name}/configuration`, json(fields));
const upload = (t: TestLocal, zip: Buffer) => lambdaRequest(t, 'PUT', `${FUNCTIONS}/sentinel/code`, json({ ZipFile: b64(zip) }));
const withZip = (zip: Buffer) => (c: Ctx) => create(c.t, { Code: { ZipFile: b64(zip) } });

const v = (status: number, type: string, message: string | RegExp) => ({ status, type, message });
const validation = (message: string | RegExp) => v(400, 'ValidationException', message);
const invalid = (message: string | RegExp) => v(400, 'InvalidParameterValueException', message);
const content = (message: string | RegExp) => v(400, 'InvalidRequestContentException', message);
const notFound = (message: string | RegExp) => v(404, 'ResourceNotFoundException', message);
const badSig = (message: string | RegExp) => v(403, 'InvalidSignatureException', message);
const incomplete = (message: string | RegExp) => v(403, 'IncompleteSignatureException', message);

const FN_PATTERN = (value: string) => `1 validation error detected: Value '${value}' at 'functionName' failed to satisfy constraint: ` +
  'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}';
const REF_PATTERN = (value: string) => `1 validation error detected: Value '${value}' at 'functionName' failed to satisfy constraint: ` +
  'Member must be a function name, a name with a qualifier, or a function ARN';
const ALIAS_PATTERN = (value: string) => `1 validation error detected: Value '${value}' at 'name' failed to satisfy constraint: ` +
  'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+) and have length 1–128';
const range = (value: number, field: string, bound: string) =>
  `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have value ${bound}`;
const type = (field: string, expected: string, shown: string) =>
  `Could not parse request body into json: ${field} must be ${expected}, not ${shown}.`;
const LAYER_MESSAGE = (list: string) => `1 validation error detected: Value '[${list}]' at 'layers' failed to satisfy constraint: ` +
  'Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, ' +
  'Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+]';
const ENV_KEYS = (keys: string) => "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: " +
  'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]' + ` (invalid keys: ${keys})`;
const UNZIP = (why: string) => `Could not unzip uploaded file. Please check your file, then try to upload again. (${why})`;
const JSON_PARSE = /^Could not parse request body into json: .+/;
const PAYLOAD_PARSE = /^Could not parse request body into json: Could not parse payload into json: .+/;
const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
const REVISION = (what: string) => `The Revision Id provided does not match the latest Revision Id. Call the ${what} API to retrieve the latest Revision Id`;
const UNZIPPED_LIMIT = 'Unzipped size must be smaller than 262144000 bytes';

const cases: Array<BadInputCase<Ctx>> = [];
const row = (name: string, send: (c: Ctx) => Promise<RawResponse>, expect: BadInputCase<Ctx>['expect']) => cases.push({ name, send, expect });

// --- auth ----------------------------------------------------------------------------------
row('no Authorization header', (c) => rawRequest(c.t.local, { method: 'GET', path: FUNCTIONS }), v(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token'));
row('unsigned CreateFunction with a body', (c) => rawRequest(c.t.local, { method: 'POST', path: FUNCTIONS, body: 'x'.repeat(60_000) }), v(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token'));
row('Authorization of another scheme', (c) => rawRequest(c.t.local, { method: 'GET', path: FUNCTIONS, headers: { authorization: 'Bearer abc' } }),
  incomplete("Unsupported AWS 'algorithm': 'Bearer'. The Local Lambda accepts AWS Signature Version 4 (AWS4-HMAC-SHA256) only."));
row('Authorization with the algorithm only', (c) => rawRequest(c.t.local, { method: 'GET', path: FUNCTIONS, headers: { authorization: 'AWS4-HMAC-SHA256' } }),
  incomplete("Authorization header requires 'Credential' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires 'Signature' parameter."));
row('Authorization without Signature', (c) => signed(c.t, { after: (h) => { h.authorization = h.authorization.replace(/, Signature=.*/, ''); } }),
  incomplete("Authorization header requires 'Signature' parameter."));
row('Authorization without SignedHeaders', (c) => signed(c.t, { after: (h) => { h.authorization = h.authorization.replace(/SignedHeaders=[^,]*, /, ''); } }),
  incomplete("Authorization header requires 'SignedHeaders' parameter."));
row('Credential with four parts', (c) => signed(c.t, { after: (h) => { h.authorization = h.authorization.replace('/aws4_request', ''); } }),
  incomplete(/^Credential must have exactly 5 slash-delimited elements, e\.g\. keyid\/date\/region\/service\/term, got '.+\/lambda'\.$/));
row('Signature that is not hexadecimal', (c) => signed(c.t, { after: (h) => { h.authorization = h.authorization.replace(/Signature=.*/, `Signature=${'z'.repeat(64)}`); } }),
  incomplete('The Signature parameter of the Authorization header must be 64 lowercase hexadecimal characters.'));
row('Signature one character short', (c) => signed(c.t, { after: (h) => { h.authorization = h.authorization.slice(0, -1); } }),
  incomplete('The Signature parameter of the Authorization header must be 64 lowercase hexadecimal characters.'));
row('Authorization header of 9,000 characters', (c) => rawRequest(c.t.local, { method: 'GET', path: FUNCTIONS, headers: { authorization: `AWS4-HMAC-SHA256 ${'a'.repeat(8983)}` } }),
  incomplete('The Authorization header is 9000 characters long; a Signature Version 4 header is far shorter.'));
row('unknown access key id', (c) => signed(c.t, { keyId: 'LKIANOTTHEONE' }), v(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'));
row('wrong secret', (c) => signed(c.t, { secret: 'not-the-secret' }), badSig(MISMATCH));
row('signed 20 minutes ago', (c) => signed(c.t, { date: new Date(Date.now() - 20 * 60_000) }), badSig(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/));
row('signed 20 minutes ahead', (c) => signed(c.t, { date: new Date(Date.now() + 20 * 60_000) }), badSig(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/));
row('signed a day ago', (c) => signed(c.t, { date: new Date(Date.now() - 86_400_000) }), badSig(/^Signature expired: /));
row('scope in another region', (c) => signed(c.t, { region: 'eu-west-1' }), badSig("Credential should be scoped to a valid region, not 'eu-west-1'."));
row('Lambda path signed for logs', (c) => signed(c.t, { service: 'logs' }), badSig("Credential should be scoped to correct service: 'lambda'."));
row('Lambda path signed for s3', (c) => signed(c.t, { service: 's3' }), badSig("Credential should be scoped to correct service: 'lambda'."));
row('Logs call signed for lambda', (c) => signed(c.t, { method: 'POST', path: '/', body: '{}', service: 'lambda', headers: { 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'content-type': 'application/x-amz-json-1.1' } }),
  badSig("Credential should be scoped to correct service: 'logs'."));
row('wrong region and service together', (c) => signed(c.t, { region: 'eu-west-1', service: 'logs' }),
  badSig("Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'lambda'."));
row('scope terminator aws5_request', (c) => signed(c.t, { after: (h) => { h.authorization = h.authorization.replace('aws4_request', 'aws5_request'); } }),
  badSig("Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."));
row('scope date not the X-Amz-Date day', (c) => signed(c.t, { after: (h) => { h.authorization = h.authorization.replace(/Credential=([^/]+)\/\d{8}/, 'Credential=$1/20200101'); } }),
  badSig(/^Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '\d{8}', from '\d{8}T\d{6}Z'\.$/));
row('no X-Amz-Date header', (c) => signed(c.t, { after: (h) => { delete h['x-amz-date']; } }),
  incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. (The Local Lambda reads X-Amz-Date.)"));
row('garbled X-Amz-Date', (c) => signed(c.t, { after: (h) => { h['x-amz-date'] = 'yesterday'; } }),
  incomplete("X-Amz-Date must be an ISO 8601 basic date and time such as 20240101T120000Z, got 'yesterday'."));
row('X-Amz-Date at 25 o\'clock', (c) => signed(c.t, { after: (h) => { h['x-amz-date'] = '20240101T250000Z'; } }),
  incomplete("X-Amz-Date must be an ISO 8601 basic date and time such as 20240101T120000Z, got '20240101T250000Z'."));
row('X-Amz-Date on day 40', (c) => signed(c.t, { after: (h) => { h['x-amz-date'] = '20240140T000000Z'; } }),
  incomplete("X-Amz-Date must be an ISO 8601 basic date and time such as 20240101T120000Z, got '20240140T000000Z'."));
row('host not among the signed headers', (c) => signed(c.t, { after: (h) => { h.authorization = h.authorization.replace(/SignedHeaders=[^,]*/, 'SignedHeaders=x-amz-date'); } }),
  badSig("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
row('signed header absent from the request', (c) => signed(c.t, { headers: { 'x-extra': '1' }, after: (h) => { delete h['x-extra']; } }),
  badSig('Signed header "x-extra" is missing from the request.'));
row('signed header named in capitals', (c) => signed(c.t, { after: (h) => { h.authorization = h.authorization.replace('SignedHeaders=', 'SignedHeaders=X-Amz-Date;'); } }),
  badSig('Signed header "X-Amz-Date" is missing from the request.'));
row('body changed after signing', (c) => signed(c.t, { method: 'PUT', path: `${FUNCTIONS}/sentinel/configuration`, body: json({ Timeout: 5 }), sendBody: json({ Timeout: 9 }) }), badSig(MISMATCH));
row('path changed after signing', (c) => signed(c.t, { path: `${FUNCTIONS}/sentinel`, sendPath: `${FUNCTIONS}/other` }), badSig(MISMATCH));
row('query added after signing', (c) => signed(c.t, { path: FUNCTIONS, sendPath: `${FUNCTIONS}?MaxItems=1` }), badSig(MISMATCH));
row('signed body hash that is not the body\'s', (c) => signed(c.t, { method: 'PUT', path: `${FUNCTIONS}/sentinel/configuration`, body: json({ Timeout: 5 }), checksum: true, sendBody: json({ Timeout: 7 }) }),
  badSig("The provided 'x-amz-content-sha256' header does not match what was computed."));
row('signed body hash of an empty body with a body sent', (c) => signed(c.t, { method: 'PUT', path: `${FUNCTIONS}/sentinel/configuration`, body: '', checksum: true, sendBody: json({ Timeout: 7 }) }),
  badSig("The provided 'x-amz-content-sha256' header does not match what was computed."));
row('UNSIGNED-PAYLOAD', (c) => signed(c.t, { method: 'PUT', path: `${FUNCTIONS}/sentinel/configuration`, body: json({ Timeout: 5 }), headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
  badSig("x-amz-content-sha256 'UNSIGNED-PAYLOAD' is not accepted here: Lambda and CloudWatch Logs requests sign the SHA-256 of their body."));
row('streaming payload hash', (c) => signed(c.t, { method: 'PUT', path: `${FUNCTIONS}/sentinel/configuration`, body: json({ Timeout: 5 }), headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } }),
  badSig("x-amz-content-sha256 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' is not accepted here: Lambda and CloudWatch Logs requests sign the SHA-256 of their body."));
row('Host of another site', (c) => rawRequest(c.t.local, { method: 'GET', path: FUNCTIONS, headers: { host: 'evil.example' } }),
  v(403, 'AccessDeniedException', /^Host "evil\.example" is refused: the Local Lambda answers only to 127\.0\.0\.1:\d+\.$/));
row('Host on another port', (c) => rawRequest(c.t.local, { method: 'GET', path: FUNCTIONS, headers: { host: '127.0.0.1:1' } }),
  v(403, 'AccessDeniedException', /^Host "127\.0\.0\.1:1" is refused/));
row('signed request from a web page (Origin)', (c) => signed(c.t, { headers: { origin: 'https://evil.example' } }),
  v(403, 'AccessDeniedException', 'Requests from web pages (with an Origin header) are refused by the Local Lambda.'));

// --- names and qualifiers in the path --------------------------------------------------------
const get = (path: string) => (c: Ctx) => lambdaRequest(c.t, 'GET', path);
row('unknown function', get(`${FUNCTIONS}/nope`), notFound(/^Function not found: arn:aws:lambda:us-east-1:\d{12}:function:nope$/));
row('function name of 65 characters', get(`${FUNCTIONS}/${'a'.repeat(65)}`), validation(REF_PATTERN('a'.repeat(65))));
row('function name with a dot', get(`${FUNCTIONS}/a.b`), validation(REF_PATTERN('a.b')));
row('function name "a..b"', get(`${FUNCTIONS}/a..b`), validation(REF_PATTERN('a..b')));
row('function name with unicode', get(`${FUNCTIONS}/f%C3%BCnf`), validation(REF_PATTERN('fünf')));
row('function name with an emoji', get(`${FUNCTIONS}/%F0%9F%98%80`), validation(REF_PATTERN('😀')));
row('function name with an encoded slash', get(`${FUNCTIONS}/a%2Fb`), validation(REF_PATTERN('a/b')));
row('function name with a space', get(`${FUNCTIONS}/a%20b`), validation(REF_PATTERN('a b')));
row('broken percent-encoding in a name', get(`${FUNCTIONS}/%E0%A4%A`),
  validation("The path segment '%E0%A4%A' is not valid percent-encoding (each % must start a UTF-8 byte such as %2F)."));
row('percent sign without hex digits', get(`${FUNCTIONS}/abc%ZZ`),
  validation("The path segment 'abc%ZZ' is not valid percent-encoding (each % must start a UTF-8 byte such as %2F)."));
row('lone surrogate in a name', get(`${FUNCTIONS}/%ED%A0%80`),
  validation("The path segment '%ED%A0%80' is not valid percent-encoding (each % must start a UTF-8 byte such as %2F)."));
row('broken percent-encoding in an alias name', get(`${FUNCTIONS}/sentinel/aliases/%C3`),
  validation("The path segment '%C3' is not valid percent-encoding (each % must start a UTF-8 byte such as %2F)."));
row('encoded ".." as the name', get(`${FUNCTIONS}/%2E%2E/configuration`), v(404, 'ResourceNotFoundException', 'The Local Lambda does not implement GET /2015-03-31/configuration.'));
row('ARN of another region', get(`${FUNCTIONS}/arn:aws:lambda:eu-west-1:000000000000:function:sentinel`),
  notFound(/^Function not found: arn:aws:lambda:eu-west-1:000000000000:function:sentinel \(this Local Lambda serves us-east-1, account \d{12}\)$/));
row('ARN of another account', get(`${FUNCTIONS}/arn:aws:lambda:us-east-1:999999999999:function:sentinel`),
  notFound(/^Function not found: arn:aws:lambda:us-east-1:999999999999:function:sentinel \(this Local Lambda serves us-east-1/));
row('qualifier with a "!"', get(`${FUNCTIONS}/sentinel:bad!q`), validation(REF_PATTERN('sentinel:bad!q')));
row('Qualifier query "$BAD"', get(`${FUNCTIONS}/sentinel?Qualifier=%24BAD`),
  validation("1 validation error detected: Value '$BAD' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)"));
row('Qualifier query of 129 characters', get(`${FUNCTIONS}/sentinel?Qualifier=${'q'.repeat(129)}`),
  validation(`1 validation error detected: Value '${'q'.repeat(129)}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`));
row('qualifier in name and query disagree', get(`${FUNCTIONS}/sentinel:1?Qualifier=2`), invalid('The derived qualifier from the function name does not match the specified qualifier.'));
row('version that does not exist', get(`${FUNCTIONS}/sentinel:99`), notFound(/^Function not found: arn:aws:lambda:us-east-1:\d{12}:function:sentinel:99$/));
row('alias that does not exist', get(`${FUNCTIONS}/sentinel:nosuch`), notFound(/^Function not found: arn:aws:lambda:us-east-1:\d{12}:function:sentinel:nosuch$/));
row('qualified name where none is allowed', (c) => configure(c.t, { Timeout: 5 }, 'sentinel:1'), invalid('This operation does not accept a qualified function name.'));
row('qualified name for PublishVersion', (c) => lambdaRequest(c.t, 'POST', `${FUNCTIONS}/sentinel:1/versions`, '{}'), invalid('This operation does not accept a qualified function name.'));
row('unknown Lambda route', get('/2015-03-31/nothing'), notFound('The Local Lambda does not implement GET /2015-03-31/nothing.'));
row('unknown method on a function', (c) => lambdaRequest(c.t, 'PATCH', `${FUNCTIONS}/sentinel`), notFound('The Local Lambda does not implement PATCH /2015-03-31/functions/sentinel.'));
row('path outside every API', get('/nope'), v(404, 'UnknownOperationException',
  'No Local Lambda operation at GET /nope: the Lambda API lives under /2015-03-31/ (and other dated prefixes), CloudWatch Logs is POST / with ' +
  'X-Amz-Target Logs_20140328.* and CloudWatch metrics POST / with X-Amz-Target GraniteServiceVersion20100801.*'));

// --- JSON bodies ---------------------------------------------------------------------------
const bodies: Array<[string, string, string]> = [
  ['CreateFunction', 'POST', FUNCTIONS],
  ['UpdateFunctionConfiguration', 'PUT', `${FUNCTIONS}/sentinel/configuration`],
  ['UpdateFunctionCode', 'PUT', `${FUNCTIONS}/sentinel/code`],
  ['PublishVersion', 'POST', `${FUNCTIONS}/sentinel/versions`],
  ['CreateAlias', 'POST', `${FUNCTIONS}/sentinel/aliases`],
  ['UpdateAlias', 'PUT', `${FUNCTIONS}/sentinel/aliases/live`],
  ['PutFunctionConcurrency', 'PUT', `/2017-10-31/functions/sentinel/concurrency`],
];
for (const [op, method, path] of bodies) {
  row(`${op}: truncated JSON`, (c) => lambdaRequest(c.t, method, path, '{"a":'), content(JSON_PARSE));
  row(`${op}: a JSON list`, (c) => lambdaRequest(c.t, method, path, '[]'), content('The request body must be a JSON object.'));
  row(`${op}: a JSON string`, (c) => lambdaRequest(c.t, method, path, '"text"'), content('The request body must be a JSON object.'));
  row(`${op}: JSON null`, (c) => lambdaRequest(c.t, method, path, 'null'), content('The request body must be a JSON object.'));
}

// --- CreateFunction fields -------------------------------------------------------------------
row('FunctionName of 65 characters', (c) => create(c.t, { FunctionName: 'a'.repeat(65) }), validation(FN_PATTERN('a'.repeat(65))));
row('FunctionName empty', (c) => create(c.t, { FunctionName: '' }), validation(FN_PATTERN('')));
row('FunctionName with unicode', (c) => create(c.t, { FunctionName: 'fünf' }), validation(FN_PATTERN('fünf')));
row('FunctionName ".."', (c) => create(c.t, { FunctionName: '..' }), validation(FN_PATTERN('..')));
row('FunctionName "../x"', (c) => create(c.t, { FunctionName: '../x' }), validation(FN_PATTERN('../x')));
row('FunctionName with a percent sign', (c) => create(c.t, { FunctionName: 'a%2Fb' }), validation(FN_PATTERN('a%2Fb')));
row('FunctionName a number', (c) => create(c.t, { FunctionName: 5 }), validation(FN_PATTERN('5')));
row('FunctionName missing', (c) => create(c.t, { FunctionName: undefined }), validation(FN_PATTERN('undefined')));
row('FunctionName taken', (c) => create(c.t, { FunctionName: 'sentinel' }), v(409, 'ResourceConflictException', 'Function already exist: sentinel'));
row('Runtime missing', (c) => create(c.t, { Runtime: undefined }), invalid('Runtime is required for a function packaged as a .zip file.'));
row('Handler missing', (c) => create(c.t, { Handler: undefined }), invalid('Handler is required for a function packaged as a .zip file.'));
row('Runtime not a runtime', (c) => create(c.t, { Runtime: 'nodejs' }),
  invalid("Value nodejs at 'runtime' failed to satisfy constraint: Member must be a Lambda runtime identifier such as nodejs20.x or python3.12"));
row('Runtime a number', (c) => create(c.t, { Runtime: 20 }),
  invalid("Value 20 at 'runtime' failed to satisfy constraint: Member must be a Lambda runtime identifier such as nodejs20.x or python3.12"));
row('Handler empty', (c) => create(c.t, { Handler: '' }), validation('Handler "" must be a non-empty name without spaces.'));
row('Handler with a space', (c) => create(c.t, { Handler: 'index handler' }), validation('Handler "index handler" must be a non-empty name without spaces.'));
row('Handler of 129 characters', (c) => create(c.t, { Handler: 'h'.repeat(129) }), validation('Handler must be at most 128 characters.'));
row('Handler a number', (c) => create(c.t, { Handler: 5 }), content(type('Handler', 'a string', 'the number 5')));
row('Role not an ARN', (c) => create(c.t, { Role: 'admin' }), validation("1 validation error detected: Value 'admin' at 'role' failed to satisfy constraint: " +
  'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+'));
row('PackageType Image', (c) => create(c.t, { PackageType: 'Image' }), invalid('Only PackageType Zip is available on the Local Lambda.'));
row('Code missing', (c) => create(c.t, { Code: undefined }), invalid('Please provide the function code as ZipFile (S3Bucket/S3Key and ImageUri are not available on the Local Lambda).'));
row('Code a string', (c) => create(c.t, { Code: 'zip' }), content(type('Code', 'an object with ZipFile', 'the string "zip"')));
row('Code with S3 only', (c) => create(c.t, { Code: { S3Bucket: 'b', S3Key: 'k' } }), invalid('Please provide the function code as ZipFile (S3Bucket/S3Key and ImageUri are not available on the Local Lambda).'));
row('ZipFile not base64', (c) => create(c.t, { Code: { ZipFile: '!!!' } }), invalid('ZipFile must be base64 encoded.'));
row('ZipFile a number', (c) => create(c.t, { Code: { ZipFile: 5 } }), content(type('ZipFile', 'a base64 string', 'the number 5')));
row('Description of 257 characters', (c) => create(c.t, { Description: 'd'.repeat(257) }), validation('Description must be at most 256 characters.'));
row('Description a list', (c) => create(c.t, { Description: ['x'] }), content(type('Description', 'a string', 'a list')));
row('Architectures mips', (c) => create(c.t, { Architectures: ['mips'] }), validation('Architectures must hold exactly one of x86_64 or arm64.'));
row('Architectures both', (c) => create(c.t, { Architectures: ['x86_64', 'arm64'] }), validation('Architectures must hold exactly one of x86_64 or arm64.'));
row('Tags value a number', (c) => create(c.t, { Tags: { team: 5 } }), content(type('Tags.team', 'a string', 'the number 5')));
row('Tags value null', (c) => create(c.t, { Tags: { team: null } }), content(type('Tags.team', 'a string', 'null')));
row('Tags a list', (c) => create(c.t, { Tags: ['team'] }), content(type('Tags', 'a map of strings', 'a list')));
row('Tags a string', (c) => create(c.t, { Tags: 'team=x' }), content(type('Tags', 'a map of strings', 'the string "team=x"')));
row('51 tags', (c) => create(c.t, { Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }), invalid('A function can have at most 50 tags; the request gives 51.'));
row('tag key of 129 characters', (c) => create(c.t, { Tags: { ['k'.repeat(129)]: 'v' } }), validation(`1 validation error detected: Value '${'k'.repeat(129)}' at 'tags' failed to satisfy constraint: ` +
  'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]'));
row('tag key empty', (c) => create(c.t, { Tags: { '': 'v' } }), validation("1 validation error detected: Value '' at 'tags' failed to satisfy constraint: " +
  'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]'));
row('tag value of 257 characters', (c) => create(c.t, { Tags: { team: 'v'.repeat(257) } }), validation("1 validation error detected: Value at 'tags.team' failed to satisfy constraint: " +
  'Map value must satisfy constraint: [Member must have length less than or equal to 256]'));
row('tag key aws:', (c) => create(c.t, { Tags: { 'aws:owner': 'me' } }), invalid('Tag keys beginning with "aws:" are reserved for AWS use (aws:owner).'));

// --- settings, on UpdateFunctionConfiguration (and CreateFunction where shown) ----------------
const settingsRows: Array<[string, Record<string, unknown>, BadInputCase<Ctx>['expect']]> = [
  ['MemorySize 128.5', { MemorySize: 128.5 }, content(type('MemorySize', 'a whole number', 'the number 128.5'))],
  ['MemorySize "256"', { MemorySize: '256' }, content(type('MemorySize', 'a whole number', 'the string "256"'))],
  ['MemorySize true', { MemorySize: true }, content(type('MemorySize', 'a whole number', 'the boolean true'))],
  ['MemorySize null', { MemorySize: null }, content(type('MemorySize', 'a whole number', 'null'))],
  ['MemorySize 127', { MemorySize: 127 }, validation(range(127, 'memorySize', 'greater than or equal to 128'))],
  ['MemorySize 10241', { MemorySize: 10241 }, validation(range(10241, 'memorySize', 'less than or equal to 10240'))],
  ['MemorySize -1', { MemorySize: -1 }, validation(range(-1, 'memorySize', 'greater than or equal to 128'))],
  ['Timeout 0', { Timeout: 0 }, validation(range(0, 'timeout', 'greater than or equal to 1'))],
  ['Timeout 901', { Timeout: 901 }, validation(range(901, 'timeout', 'less than or equal to 900'))],
  ['Timeout 3.5', { Timeout: 3.5 }, content(type('Timeout', 'a whole number', 'the number 3.5'))],
  ['Timeout "3"', { Timeout: '3' }, content(type('Timeout', 'a whole number', 'the string "3"'))],
  ['Timeout 1e9', { Timeout: 1e9 }, validation(range(1e9, 'timeout', 'less than or equal to 900'))],
  ['EphemeralStorage "x"', { EphemeralStorage: 'x' }, content(type('EphemeralStorage', 'an object with Size', 'the string "x"'))],
  ['EphemeralStorage null', { EphemeralStorage: null }, content(type('EphemeralStorage', 'an object with Size', 'null'))],
  ['EphemeralStorage without Size', { EphemeralStorage: {} }, content('Could not parse request body into json: EphemeralStorage.Size is missing; it must be a whole number.')],
  ['EphemeralStorage Size "512"', { EphemeralStorage: { Size: '512' } }, content(type('EphemeralStorage.Size', 'a whole number', 'the string "512"'))],
  ['EphemeralStorage Size 511', { EphemeralStorage: { Size: 511 } }, validation(range(511, 'ephemeralStorage.size', 'greater than or equal to 512'))],
  ['EphemeralStorage Size 10241', { EphemeralStorage: { Size: 10241 } }, validation(range(10241, 'ephemeralStorage.size', 'less than or equal to 10240'))],
  ['Environment a string', { Environment: 'A=1' }, content(type('Environment', 'an object with Variables', 'the string "A=1"'))],
  ['Environment.Variables a list', { Environment: { Variables: ['A=1'] } }, content(type('Environment.Variables', 'a map of strings', 'a list'))],
  ['environment value a number', { Environment: { Variables: { COUNT: 5 } } }, content(type('Environment.Variables.COUNT', 'a string', 'the number 5'))],
  ['environment value an object', { Environment: { Variables: { CONF: { a: 1 } } } }, content(type('Environment.Variables.CONF', 'a string', 'an object'))],
  ['environment key starting with a digit', { Environment: { Variables: { '1A': 'x' } } }, validation(ENV_KEYS('1A'))],
  ['environment key of one letter', { Environment: { Variables: { A: 'x' } } }, validation(ENV_KEYS('A'))],
  ['environment key "__proto__"', { Environment: { Variables: JSON.parse('{"__proto__":"x"}') as Record<string, string> } }, validation(ENV_KEYS('__proto__'))],
  ['environment key with a dash', { Environment: { Variables: { 'MY-KEY': 'x' } } }, validation(ENV_KEYS('MY-KEY'))],
  ['environment key reserved', { Environment: { Variables: { AWS_REGION: 'eu-west-1' } } }, invalid('Lambda was unable to configure your environment variables because the environment ' +
    'variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION')],
  ['environment over 4 KB', { Environment: { Variables: { BIG: 'x'.repeat(4096) } } }, invalid(/^Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit\. String measured: .+ \(4106 bytes, limit 4096 bytes\)$/)],
  ['Layers ["not-an-arn"]', { Layers: ['not-an-arn'] }, validation(LAYER_MESSAGE('not-an-arn'))],
  ['Layers ARN without version', { Layers: ['arn:aws:lambda:us-east-1:123456789012:layer:x'] }, validation(LAYER_MESSAGE('arn:aws:lambda:us-east-1:123456789012:layer:x'))],
  ['Layers function ARN', { Layers: ['arn:aws:lambda:us-east-1:123456789012:function:x:1'] }, validation(LAYER_MESSAGE('arn:aws:lambda:us-east-1:123456789012:function:x:1'))],
  ['Layers a string', { Layers: 'arn:aws:lambda:us-east-1:123456789012:layer:x:1' }, content(type('Layers', 'a list of layer version ARNs', 'the string "arn:aws:lambda:us-east-1:123456789012:layer:x:1"'))],
  ['Layers [5]', { Layers: [5] }, content(type('Layers[]', 'a layer version ARN string', 'the number 5'))],
  ['six layers', { Layers: Array.from({ length: 6 }, (_, i) => `arn:aws:lambda:us-east-1:123456789012:layer:l${i}:1`) }, invalid('Cannot reference more than 5 layers.')],
  ['RoutingConfig-free RevisionId mismatch', { Timeout: 5, RevisionId: 'stale' }, v(412, 'PreconditionFailedException', REVISION('GetFunction'))],
];
for (const [name, fields, expect] of settingsRows) {
  row(`UpdateFunctionConfiguration: ${name}`, (c) => configure(c.t, fields), expect);
  if (!('RevisionId' in fields)) row(`CreateFunction: ${name}`, (c) => create(c.t, fields), expect);
}

// --- code, versions, revisions -----------------------------------------------------------------
row('UpdateFunctionCode: stale RevisionId', (c) => lambdaRequest(c.t, 'PUT', `${FUNCTIONS}/sentinel/code`, json({ ZipFile: b64(goodZip()), RevisionId: 'stale' })), v(412, 'PreconditionFailedException', REVISION('GetFunction')));
row('UpdateFunctionCode: ZipFile missing', (c) => lambdaRequest(c.t, 'PUT', `${FUNCTIONS}/sentinel/code`, '{}'), invalid('Please provide the function code as ZipFile (S3Bucket/S3Key and ImageUri are not available on the Local Lambda).'));
row('UpdateFunctionCode: unknown function', (c) => lambdaRequest(c.t, 'PUT', `${FUNCTIONS}/nope/code`, json({ ZipFile: b64(goodZip()) })), notFound(/^Function not found: .*:function:nope$/));
row('UpdateFunctionCode: RevisionId a number', (c) => lambdaRequest(c.t, 'PUT', `${FUNCTIONS}/sentinel/code`, json({ ZipFile: b64(goodZip()), RevisionId: 5 })),
  content(type('RevisionId', 'a string', 'the number 5')));
row('UpdateFunctionCode: RevisionId of 129 characters', (c) => lambdaRequest(c.t, 'PUT', `${FUNCTIONS}/sentinel/code`, json({ ZipFile: b64(goodZip()), RevisionId: 'r'.repeat(129) })),
  validation('RevisionId must be at most 128 characters.'));
row('UpdateFunctionCode: Architectures ["sparc"]', (c) => lambdaRequest(c.t, 'PUT', `${FUNCTIONS}/sentinel/code`, json({ ZipFile: b64(goodZip()), Architectures: ['sparc'] })),
  validation('Architectures must hold exactly one of x86_64 or arm64.'));
row('UpdateFunctionConfiguration: RevisionId an object', (c) => configure(c.t, { Timeout: 5, RevisionId: { id: 'x' } }), content(type('RevisionId', 'a string', 'an object')));
row('PublishVersion: RevisionId true', (c) => lambdaRequest(c.t, 'POST', `${FUNCTIONS}/sentinel/versions`, json({ RevisionId: true })), content(type('RevisionId', 'a string', 'the boolean true')));
row('PublishVersion: stale RevisionId', (c) => lambdaRequest(c.t, 'POST', `${FUNCTIONS}/sentinel/versions`, json({ RevisionId: 'stale' })), v(412, 'PreconditionFailedException', REVISION('GetFunction')));
row('PublishVersion: wrong CodeSha256', (c) => lambdaRequest(c.t, 'POST', `${FUNCTIONS}/sentinel/versions`, json({ CodeSha256: 'abc' })),
  invalid(/^CodeSHA256 \(abc\) is different from current CodeSHA256 in \$LATEST \(.+\)\. Please try again with the CodeSHA256 in \$LATEST\.$/));
row('PublishVersion: Description of 257 characters', (c) => lambdaRequest(c.t, 'POST', `${FUNCTIONS}/sentinel/versions`, json({ Description: 'd'.repeat(257) })), validation('Description must be at most 256 characters.'));
row('DeleteFunction: $LATEST by qualifier', (c) => lambdaRequest(c.t, 'DELETE', `${FUNCTIONS}/sentinel?Qualifier=%24LATEST`), invalid('$LATEST version cannot be deleted without deleting the function.'));
row('DeleteFunction: version that does not exist', (c) => lambdaRequest(c.t, 'DELETE', `${FUNCTIONS}/sentinel?Qualifier=99`), notFound(/^Function not found: .*:function:sentinel:99$/));

// --- aliases -----------------------------------------------------------------------------------
const alias = (fields: Record<string, unknown>) => (c: Ctx) => lambdaRequest(c.t, 'POST', `${FUNCTIONS}/sentinel/aliases`, json({ Name: 'fresh', FunctionVersion: '1', ...fields }));
const updateAlias = (fields: Record<string, unknown>) => (c: Ctx) => lambdaRequest(c.t, 'PUT', `${FUNCTIONS}/sentinel/aliases/live`, json(fields));
row('CreateAlias: all-digit name', alias({ Name: '123' }), validation(ALIAS_PATTERN('123')));
row('CreateAlias: name of 129 characters', alias({ Name: 'a'.repeat(129) }), validation(ALIAS_PATTERN('a'.repeat(129))));
row('CreateAlias: name with a space', alias({ Name: 'a b' }), validation(ALIAS_PATTERN('a b')));
row('CreateAlias: name with unicode', alias({ Name: 'grün' }), validation(ALIAS_PATTERN('grün')));
row('CreateAlias: name a number', alias({ Name: 5 }), validation(ALIAS_PATTERN('5')));
row('CreateAlias: name missing', alias({ Name: undefined }), validation(ALIAS_PATTERN('undefined')));
row('CreateAlias: name taken', alias({ Name: 'live' }), v(409, 'ResourceConflictException', /^Alias already exists: .*:function:sentinel:live$/));
row('CreateAlias: FunctionVersion "x"', alias({ FunctionVersion: 'x' }), invalid('FunctionVersion must be $LATEST or a version number (got x).'));
row('CreateAlias: FunctionVersion missing', alias({ FunctionVersion: undefined }), invalid('FunctionVersion must be $LATEST or a version number (got undefined).'));
row('CreateAlias: FunctionVersion a number', alias({ FunctionVersion: 1 }), invalid('FunctionVersion must be $LATEST or a version number (got 1).'));
row('CreateAlias: version that does not exist', alias({ FunctionVersion: '99' }), notFound(/^Function not found: .*:function:sentinel:99$/));
row('CreateAlias: two weighted versions', alias({ RoutingConfig: { AdditionalVersionWeights: { 2: 0.1, 3: 0.1 } } }), invalid('Number of items in AdditionalVersionWeights cannot be greater than 1'));
row('CreateAlias: weight 2', alias({ RoutingConfig: { AdditionalVersionWeights: { 2: 2 } } }), validation("1 validation error detected: Value '2' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: " +
  'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]'));
row('CreateAlias: weight -1', alias({ RoutingConfig: { AdditionalVersionWeights: { 2: -1 } } }), validation("1 validation error detected: Value '-1' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: " +
  'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]'));
row('CreateAlias: weight "0.5"', alias({ RoutingConfig: { AdditionalVersionWeights: { 2: '0.5' } } }), validation("1 validation error detected: Value '0.5' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: " +
  'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]'));
row('CreateAlias: weighted version "x"', alias({ RoutingConfig: { AdditionalVersionWeights: { x: 0.5 } } }), validation("1 validation error detected: Value 'x' at 'routingConfig.additionalVersionWeights' " +
  'failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]'));
row('CreateAlias: RoutingConfig a string', alias({ RoutingConfig: 'half' }), content(type('RoutingConfig', 'an object', 'the string "half"')));
row('CreateAlias: weights a list', alias({ RoutingConfig: { AdditionalVersionWeights: [0.5] } }), content(type('RoutingConfig.AdditionalVersionWeights', 'a map of version to weight', 'a list')));
row('CreateAlias: routing from $LATEST', alias({ FunctionVersion: '$LATEST', RoutingConfig: { AdditionalVersionWeights: { 1: 0.5 } } }), invalid('$LATEST is not supported for an alias pointing to more than 1 version'));
row('CreateAlias: weighted version is the primary', alias({ RoutingConfig: { AdditionalVersionWeights: { 1: 0.5 } } }), invalid('Invalid function version 1. Function version 1 is already included in routing configuration.'));
row('CreateAlias: weighted version that does not exist', alias({ RoutingConfig: { AdditionalVersionWeights: { 42: 0.5 } } }), notFound(/^Function not found: .*:function:sentinel:42$/));
row('CreateAlias: Description of 257 characters', alias({ Description: 'd'.repeat(257) }), validation('Description must be at most 256 characters.'));
row('UpdateAlias: RevisionId a number', updateAlias({ Description: 'x', RevisionId: 7 }), content(type('RevisionId', 'a string', 'the number 7')));
row('UpdateAlias: stale RevisionId', updateAlias({ Description: 'x', RevisionId: 'stale' }), v(412, 'PreconditionFailedException', REVISION('GetAlias')));
row('UpdateAlias: FunctionVersion "latest"', updateAlias({ FunctionVersion: 'latest' }), invalid('FunctionVersion must be $LATEST or a version number (got latest).'));
row('UpdateAlias: weight 1.5', updateAlias({ RoutingConfig: { AdditionalVersionWeights: { 2: 1.5 } } }), validation("1 validation error detected: Value '1.5' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: " +
  'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]'));
row('UpdateAlias: unknown alias', (c) => lambdaRequest(c.t, 'PUT', `${FUNCTIONS}/sentinel/aliases/nosuch`, json({ Description: 'x' })), notFound(/^Alias not found: .*:function:sentinel:nosuch$/));
row('GetAlias: unknown alias', get(`${FUNCTIONS}/sentinel/aliases/nosuch`), notFound(/^Alias not found: .*:function:sentinel:nosuch$/));
row('PutFunctionConcurrency: missing', (c) => lambdaRequest(c.t, 'PUT', '/2017-10-31/functions/sentinel/concurrency', '{}'),
  content('Could not parse request body into json: ReservedConcurrentExecutions is missing; it must be a whole number.'));

// --- concurrency and listing ------------------------------------------------------------------
const concurrency = (value: unknown) => (c: Ctx) => lambdaRequest(c.t, 'PUT', '/2017-10-31/functions/sentinel/concurrency', json({ ReservedConcurrentExecutions: value }));
row('PutFunctionConcurrency: -1', concurrency(-1), validation(range(-1, 'reservedConcurrentExecutions', 'greater than or equal to 0')));
row('PutFunctionConcurrency: 1.5', concurrency(1.5), content(type('ReservedConcurrentExecutions', 'a whole number', 'the number 1.5')));
row('PutFunctionConcurrency: "2"', concurrency('2'), content(type('ReservedConcurrentExecutions', 'a whole number', 'the string "2"')));
row('PutFunctionConcurrency: over the account', concurrency(1001), validation(range(1001, 'reservedConcurrentExecutions', 'less than or equal to 1000')));
row('ListFunctions: MaxItems 0', get(`${FUNCTIONS}?MaxItems=0`), validation("1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000"));
row('ListFunctions: MaxItems 10001', get(`${FUNCTIONS}?MaxItems=10001`), validation("1 validation error detected: Value '10001' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000"));
row('ListFunctions: MaxItems "ten"', get(`${FUNCTIONS}?MaxItems=ten`), validation("1 validation error detected: Value 'ten' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000"));
row('ListFunctions: garbage Marker', get(`${FUNCTIONS}?Marker=garbage`), invalid('Invalid Marker: garbage'));
row('ListFunctions: Marker past the end', get(`${FUNCTIONS}?Marker=${Buffer.from('99999').toString('base64url')}`), invalid(`Invalid Marker: ${Buffer.from('99999').toString('base64url')}`));
row('ListFunctions: FunctionVersion "1"', get(`${FUNCTIONS}?FunctionVersion=1`), invalid('FunctionVersion must be ALL when given.'));
row('ListVersionsByFunction: MaxItems -5', get(`${FUNCTIONS}/sentinel/versions?MaxItems=-5`), validation("1 validation error detected: Value '-5' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000"));
row('ListAliases: garbage Marker', get(`${FUNCTIONS}/sentinel/aliases?Marker=%21%21`), invalid('Invalid Marker: !!'));

// --- invoke ------------------------------------------------------------------------------------
const invoke = (body: string | Buffer, headers: Record<string, string> = {}, name = 'sentinel') => (c: Ctx) =>
  lambdaRequest(c.t, 'POST', `${FUNCTIONS}/${name}/invocations`, body, { 'content-type': 'application/octet-stream', ...headers });
row('Invoke: payload that is not JSON', invoke('not json'), content(PAYLOAD_PARSE));
row('Invoke: truncated JSON payload', invoke('{"a":'), content(PAYLOAD_PARSE));
row('Invoke: payload with a trailing comma', invoke('{"a":1,}'), content(PAYLOAD_PARSE));
row('Invoke: payload of invalid UTF-8 bytes', invoke(Buffer.from([0xff, 0xfe, 0x00])), content(PAYLOAD_PARSE));
row('Invoke: Event payload that is not JSON', invoke('<xml/>', { 'x-amz-invocation-type': 'Event' }), content(PAYLOAD_PARSE));
row('Invoke: payload over 6 MB', invoke(Buffer.alloc(6 * 1024 * 1024 + 1, 0x20)), v(413, 'RequestEntityTooLargeException', 'Request must be smaller than 6291456 bytes for the InvokeFunction operation (received 6291457 bytes).'));
row('Invoke: Event payload over 1 MB', invoke(Buffer.alloc(1024 * 1024 + 1, 0x20), { 'x-amz-invocation-type': 'Event' }), v(413, 'RequestEntityTooLargeException', 'Request must be smaller than 1048576 bytes for the InvokeAsync operation (received 1048577 bytes).'));
row('Invoke: unknown invocation type', invoke('{}', { 'x-amz-invocation-type': 'Sometimes' }), invalid('Invalid InvocationType "Sometimes": use RequestResponse, Event or DryRun.'));
row('Invoke: client context too long', invoke('{}', { 'x-amz-client-context': 'a'.repeat(3584) }), invalid('Client context must be at most 3583 bytes (got 3584).'));
const SESSION = 'x-local-debug-session';
const DEBUG_ENV = 'x-local-debug-environment';
const okSession = { [SESSION]: '0123456789abcdef' };
const debugEnv = (value: unknown) => ({ ...okSession, [DEBUG_ENV]: Buffer.from(JSON.stringify(value)).toString('base64') });
const SESSION_SHAPE = `${SESSION} must be 8 to 64 letters, digits or dashes (a UUID, say).`;
row('Invoke: debug session id too short', invoke('{}', { [SESSION]: 'abc' }), invalid(SESSION_SHAPE));
row('Invoke: debug session id too long', invoke('{}', { [SESSION]: 'a'.repeat(65) }), invalid(SESSION_SHAPE));
row('Invoke: debug session id with a path in it', invoke('{}', { [SESSION]: 'abcdefgh/../../x' }), invalid(SESSION_SHAPE));
row('Invoke: debug session id with spaces', invoke('{}', { [SESSION]: 'abcd efgh ijkl' }), invalid(SESSION_SHAPE));
row('Invoke: debug session on an Event call', invoke('{}', { ...okSession, 'x-amz-invocation-type': 'Event' }),
  invalid('A debug session runs a synchronous (RequestResponse) invocation; Event calls have no caller to wait for the debugger.'));
row('Invoke: debug session on a DryRun call', invoke('{}', { ...okSession, 'x-amz-invocation-type': 'DryRun' }),
  invalid('A debug session runs a synchronous (RequestResponse) invocation; DryRun calls have no caller to wait for the debugger.'));
row('Invoke: debug variables without a session', invoke('{}', { [DEBUG_ENV]: Buffer.from('{}').toString('base64') }),
  invalid(`${DEBUG_ENV} is only read with ${SESSION}.`));
row('Invoke: debug variables that are not base64 JSON', invoke('{}', { ...okSession, [DEBUG_ENV]: '%%%not-base64%%%' }),
  invalid(`${DEBUG_ENV} must be base64 of a JSON object of strings, e.g. {"LOG_LEVEL":"debug"}.`));
row('Invoke: debug variables as an array', invoke('{}', debugEnv(['A', 'B'])), invalid(`${DEBUG_ENV} must hold a JSON object of strings.`));
row('Invoke: debug variables as null', invoke('{}', debugEnv(null)), invalid(`${DEBUG_ENV} must hold a JSON object of strings.`));
row('Invoke: debug variable that is a number', invoke('{}', debugEnv({ LEVEL: 3 })), invalid('Debug environment variable LEVEL must be a string.'));
row('Invoke: debug variable with a bad name', invoke('{}', debugEnv({ '1ABC': 'x' })),
  invalid('Debug environment variable "1ABC" is not a valid name: letters, digits and _, starting with a letter, at least 2 characters.'));
row('Invoke: debug variable reserved by Lambda', invoke('{}', debugEnv({ AWS_REGION: 'x' })), invalid('Debug environment variable AWS_REGION is reserved by Lambda and cannot be set.'));
row('Invoke: debug variables over 4 KB', invoke('{}', debugEnv({ BIG: 'x'.repeat(4100) })), invalid("The debug environment variables take more than Lambda's 4096 bytes."));
row('Invoke: debug variables header over 8 KB', invoke('{}', { ...okSession, [DEBUG_ENV]: 'e'.repeat(8193) }), invalid(`${DEBUG_ENV} must be base64 of a JSON object under 4 KB.`));
row('Invoke: unknown function', invoke('{}', {}, 'nope'), notFound(/^Function not found: .*:function:nope$/));
row('Invoke: unknown alias', invoke('{}', {}, 'sentinel:nosuch'), notFound(/^Function not found: .*:function:sentinel:nosuch$/));
row('Invoke: broken percent-encoding', invoke('{}', {}, '%E0%A4%A'), validation("The path segment '%E0%A4%A' is not valid percent-encoding (each % must start a UTF-8 byte such as %2F)."));

// --- zips (CreateFunction and UpdateFunctionCode on the sentinel) -------------------------------
const file = (name: string, text = 'x') => ({ name, data: Buffer.from(text) });
const zipRows: Array<[string, Buffer, BadInputCase<Ctx>['expect']]> = [
  ['not a zip', Buffer.from('this is plain text, not a zip archive at all'), invalid(UNZIP('no end of central directory record: this is not a zip file'))],
  ['shorter than any zip', Buffer.from('PK'), invalid(UNZIP('too short to be a zip file'))],
  ['a zip cut in half', goodZip().subarray(0, 40), invalid(UNZIP('no end of central directory record: this is not a zip file'))],
  ['both "a" and "a/b"', rawZip([file('a'), file('a/b')]), invalid('The zip holds both a file "a" and entries inside a folder of that name ("a/b").')],
  ['"a/b" then a file "a"', rawZip([file('a/b'), file('a')]), invalid('The zip holds both a file and a folder named "a".')],
  ['a folder "a/" and a file "a"', rawZip([{ name: 'a/' }, file('a')]), invalid('The zip holds both a file and a folder named "a".')],
  ['an entry "../evil"', rawZip([file('../evil')]), invalid('The zip entry "../evil" points outside the code folder ("..").')],
  ['an entry "a/../../evil"', rawZip([file('a/../../evil')]), invalid('The zip entry "a/../../evil" points outside the code folder ("..").')],
  ['an absolute entry', rawZip([file('/etc/passwd')]), invalid('The zip entry "/etc/passwd" is an absolute path; entries must be relative to the code folder.')],
  ['a drive-letter entry', rawZip([file('C:/x')]), invalid('The zip entry "C:/x" is an absolute path; entries must be relative to the code folder.')],
  ['a backslash entry', rawZip([file('..\\evil')]), invalid('The zip entry "..\\\\evil" uses backslashes; zip entry names separate folders with "/".')],
  ['an entry with a NUL', rawZip([file('a\0b')]), invalid('The zip entry "a\\u0000b" has a NUL character in its name.')],
  ['an entry with an empty name', rawZip([file('')]), invalid('The zip holds an entry with an empty name.')],
  ['an entry "./"', rawZip([{ name: './' }]), invalid('The zip entry "./" names no file.')],
  ['a symbolic link', rawZip([file('index.js'), { name: 'link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }]), invalid('The zip entry "link" is a symbolic link; the Local Lambda accepts only files and folders in uploaded code.')],
  ['the same name twice', rawZip([file('index.js'), file('index.js', 'y')]), invalid('The zip holds "index.js" more than once.')],
  ['the same name twice after normalising', rawZip([file('a/b'), file('a//b')]), invalid('The zip holds "a/b" more than once.')],
  ['an encrypted entry', rawZip([{ name: 'index.js', data: Buffer.from('x'), flags: 0x1 }]), invalid('The zip entry "index.js" is encrypted; upload a zip without a password.')],
  ['a bzip2 entry', rawZip([{ name: 'index.js', data: Buffer.from('x'), method: 12 }]), invalid('The zip entry "index.js" uses compression method 12; use stored (0) or deflated (8) entries.')],
  ['a wrong CRC', rawZip([{ name: 'index.js', data: Buffer.from('exports.x=1'), crc: 1234 }]), invalid(UNZIP('the entry "index.js" fails its CRC-32 check'))],
  ['an entry that inflates past its declared size', rawZip([{ name: 'big', data: Buffer.alloc(1024 * 1024), declaredSize: 10 }]), invalid(UNZIP('the entry "big" inflates to more than the 10 bytes it declares'))],
  ['an entry that inflates short of its declared size', rawZip([{ name: 'small', data: Buffer.from('abc'), declaredSize: 10 }]), invalid(UNZIP('the entry "small" inflates to 3 bytes, not the 10 it declares'))],
  ['declared sizes over 250 MB', rawZip(Array.from({ length: 251 }, (_, i) => ({ name: `z${i}`, data: Buffer.alloc(1024 * 1024) }))), invalid(UNZIPPED_LIMIT)],
  ['one entry declaring 4 GB', rawZip([{ name: 'huge', data: Buffer.from('x'), declaredSize: 0xfffffff0 }]), invalid(UNZIPPED_LIMIT)],
];
for (const [name, zip, expect] of zipRows) {
  row(`CreateFunction zip: ${name}`, withZip(zip), expect);
  row(`UpdateFunctionCode zip: ${name}`, (c) => upload(c.t, zip), expect);
}

// --- code links --------------------------------------------------------------------------------
const fetchLink = (link: (c: Ctx) => string) => (c: Ctx) => {
  const url = new URL(link(c));
  return rawRequest(c.t.local, { method: 'GET', path: url.pathname + url.search });
};
const LINK_INVALID = 'The code link is not valid; call GetFunction for a fresh one.';
row('code link with its token changed', fetchLink((c) => c.liveLink.replace(/token=[0-9a-f]/, (m) => m.endsWith('0') ? m.slice(0, -1) + '1' : m.slice(0, -1) + '0')), v(403, 'AccessDeniedException', LINK_INVALID));
row('code link without a token', fetchLink((c) => c.liveLink.replace(/&token=[0-9a-f]+/, '')), v(403, 'AccessDeniedException', LINK_INVALID));
row('code link with its expiry pushed back', fetchLink((c) => c.liveLink.replace(/expires=(\d+)/, (_, n: string) => `expires=${Number(n) + 3600}`)), v(403, 'AccessDeniedException', LINK_INVALID));
row('code link moved to another version', fetchLink((c) => c.liveLink.replace('/%24LATEST.zip', '/1.zip')), v(403, 'AccessDeniedException', LINK_INVALID));
row('code link issued before UpdateFunctionCode', fetchLink((c) => c.staleLink), notFound(/^The code this link was issued for is no longer the code of linked:\$LATEST \(it was updated since\); call GetFunction for a link to the current code\.$/));
row('code link with broken percent-encoding', (c) => rawRequest(c.t.local, { method: 'GET', path: '/_local/code/%E0%A4%A/1.zip?token=x' }),
  validation("The path segment '%E0%A4%A' is not valid percent-encoding (each % must start a UTF-8 byte such as %2F)."));

// --- event invoke configs ----------------------------------------------------------------------
const EIC = `/2019-09-25/functions/sentinel/event-invoke-config`;
const NO_CONFIG = (qualifier: string) => `The function arn:aws:lambda:us-east-1:123456789012:function:sentinel:${qualifier} doesn't have an EventInvokeConfig`;
const putConfig = (body: unknown, query = '') => (c: Ctx) => lambdaRequest(c.t, 'PUT', `${EIC}${query}`, typeof body === 'string' ? body : json(body));
const INVALID_ARN = (arn: string, s3 = true) => `The destination ARN ${arn} is invalid: give the ARN of a Lambda function, an SQS queue, an SNS topic, ` +
  `an EventBridge event bus${s3 ? ' or an S3 bucket' : ''}.`;
row('event invoke config with MaximumRetryAttempts -1', putConfig({ MaximumRetryAttempts: -1 }), validation(range(-1, 'maximumRetryAttempts', 'greater than or equal to 0')));
row('event invoke config with MaximumRetryAttempts 3', putConfig({ MaximumRetryAttempts: 3 }), validation(range(3, 'maximumRetryAttempts', 'less than or equal to 2')));
row('event invoke config with MaximumRetryAttempts "x"', putConfig({ MaximumRetryAttempts: 'x' }), content(type('MaximumRetryAttempts', 'a whole number', 'the string "x"')));
row('event invoke config with MaximumRetryAttempts 1.5', putConfig({ MaximumRetryAttempts: 1.5 }), content(type('MaximumRetryAttempts', 'a whole number', 'the number 1.5')));
row('event invoke config with MaximumEventAgeInSeconds 59', putConfig({ MaximumEventAgeInSeconds: 59 }), validation(range(59, 'maximumEventAgeInSeconds', 'greater than or equal to 60')));
row('event invoke config with MaximumEventAgeInSeconds 21601', putConfig({ MaximumEventAgeInSeconds: 21601 }), validation(range(21601, 'maximumEventAgeInSeconds', 'less than or equal to 21600')));
row('event invoke config update with MaximumEventAgeInSeconds 59', (c) => lambdaRequest(c.t, 'POST', EIC, json({ MaximumEventAgeInSeconds: 59 })),
  validation(range(59, 'maximumEventAgeInSeconds', 'greater than or equal to 60')));
row('event invoke config with a DynamoDB table as destination',
  putConfig({ DestinationConfig: { OnFailure: { Destination: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders' } } }),
  invalid(INVALID_ARN('arn:aws:dynamodb:us-east-1:123456789012:table/orders')));
row('event invoke config with a destination that is no ARN', putConfig({ DestinationConfig: { OnSuccess: { Destination: 'my-queue' } } }), invalid(INVALID_ARN('my-queue', false)));
row('event invoke config with an S3 bucket OnSuccess', putConfig({ DestinationConfig: { OnSuccess: { Destination: 'arn:aws:s3:::records' } } }),
  invalid('The destination ARN arn:aws:s3:::records is an S3 bucket; S3 buckets can only be OnFailure destinations.'));
row('event invoke config with a FIFO queue', putConfig({ DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:123456789012:q.fifo' } } }),
  invalid('The destination arn:aws:sqs:us-east-1:123456789012:q.fifo is a FIFO queue; only standard ones can be destinations.'));
row('event invoke config with a destination of 351 characters', putConfig({ DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:us-east-1:123456789012:${'q'.repeat(316)}` } } }),
  validation("1 validation error detected: Value at 'destinationConfig.onFailure.destination' failed to satisfy constraint: Member must have length less than or equal to 350"));
row('event invoke config with a number as destination', putConfig({ DestinationConfig: { OnFailure: { Destination: 7 } } }),
  content(type('DestinationConfig.OnFailure.Destination', 'an ARN string', 'the number 7')));
row('event invoke config with DestinationConfig a list', putConfig({ DestinationConfig: [] }), content('Could not parse request body into json: DestinationConfig must be an object with OnSuccess and OnFailure, not a list.'));
row('event invoke config with OnSuccess a string', putConfig({ DestinationConfig: { OnSuccess: 'arn:aws:sqs:us-east-1:123456789012:q' } }),
  content('Could not parse request body into json: DestinationConfig.OnSuccess must be an object with Destination, not the string "arn:aws:sqs:us-east-1:123456789012:q".'));
row('event invoke config body not JSON', putConfig('{"MaximumRetryAttempts": '), content(JSON_PARSE));
row('event invoke config body a JSON list', putConfig('[1]'), content('The request body must be a JSON object.'));
row('event invoke config for an alias that does not exist', putConfig({}, '?Qualifier=nope'), notFound('Function not found: arn:aws:lambda:us-east-1:123456789012:function:sentinel:nope'));
row('event invoke config for a version that does not exist', putConfig({}, '?Qualifier=9'), notFound('Function not found: arn:aws:lambda:us-east-1:123456789012:function:sentinel:9'));
row('event invoke config for $LATEST with a suffix', putConfig({}, '?Qualifier=%24LATEST2'),
  validation("1 validation error detected: Value '$LATEST2' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)"));
row('event invoke config for an alias spelled like $LATEST', putConfig({}, '?Qualifier=LATEST'), notFound('Function not found: arn:aws:lambda:us-east-1:123456789012:function:sentinel:LATEST'));
row('event invoke config for a function that does not exist', (c) => lambdaRequest(c.t, 'PUT', '/2019-09-25/functions/nobody/event-invoke-config', '{}'),
  notFound('Function not found: arn:aws:lambda:us-east-1:123456789012:function:nobody'));
row('event invoke config with two different qualifiers', (c) => lambdaRequest(c.t, 'PUT', '/2019-09-25/functions/sentinel:live/event-invoke-config?Qualifier=1', '{}'),
  invalid('The derived qualifier from the function name does not match the specified qualifier.'));
row('event invoke config update where there is none', (c) => lambdaRequest(c.t, 'POST', EIC, json({ MaximumRetryAttempts: 1 })), notFound(NO_CONFIG('$LATEST')));
row('event invoke config read where there is none', (c) => lambdaRequest(c.t, 'GET', `${EIC}?Qualifier=live`), notFound(NO_CONFIG('live')));
row('event invoke config delete where there is none', (c) => lambdaRequest(c.t, 'DELETE', `${EIC}?Qualifier=1`), notFound(NO_CONFIG('1')));
row('event invoke config list with MaxItems 51', (c) => lambdaRequest(c.t, 'GET', `${EIC}/list?MaxItems=51`),
  validation("1 validation error detected: Value '51' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50"));
row('event invoke config list with MaxItems 0', (c) => lambdaRequest(c.t, 'GET', `${EIC}/list?MaxItems=0`),
  validation("1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"));
row('event invoke config list with MaxItems "ten"', (c) => lambdaRequest(c.t, 'GET', `${EIC}/list?MaxItems=ten`),
  validation("1 validation error detected: Value 'ten' at 'maxItems' failed to satisfy constraint: Member must be a whole number from 1 to 50"));
row('event invoke config list with a made-up Marker', (c) => lambdaRequest(c.t, 'GET', `${EIC}/list?Marker=OTk5`), invalid('Invalid Marker: OTk5'));
row('event invoke config list of a qualified name', (c) => lambdaRequest(c.t, 'GET', '/2019-09-25/functions/sentinel:live/event-invoke-config/list'),
  invalid('This operation does not accept a qualified function name.'));
row('destinations of a function name with a slash', (c) => lambdaRequest(c.t, 'GET', '/_local/destinations?function=a%2Fb'),
  validation('function=a/b is not a function name (1–64 letters, digits, "-" and "_").'));
row('a package of a function name that is a path', (c) => lambdaRequest(c.t, 'POST', '/_local/package?function=..%2F..%2Fetc'),
  invalid('function must be a function name (letters, digits, "-" and "_").'));
row('a package with no function named', (c) => lambdaRequest(c.t, 'POST', '/_local/package'),
  invalid('function must be a function name (letters, digits, "-" and "_").'));
row('a package of a function that does not exist', (c) => lambdaRequest(c.t, 'POST', '/_local/package?function=nobody'), notFound('Function not found: nobody'));
row('a package asked for with GET', (c) => lambdaRequest(c.t, 'GET', '/_local/package?function=sentinel'), v(404, 'UnknownOperationException', /No Local Lambda operation at GET \/_local\/package/));

badInputTable<Ctx>('Lambda API', {
  async setup(start) {
    const t = await start();
    const { lambda } = t;
    const made = await lambda.send(new CreateFunctionCommand({
      FunctionName: 'sentinel', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => "sentinel";' }) },
      Environment: { Variables: { KEEP: 'yes', constructor: 'kept too' } },
    }));
    await lambda.send(new PublishVersionCommand({ FunctionName: 'sentinel' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'sentinel', Name: 'live', FunctionVersion: '1' }));
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'linked', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'index.js': '// first' }) },
    }));
    const staleLink = (await lambda.send(new GetFunctionCommand({ FunctionName: 'linked' }))).Code?.Location ?? '';
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'linked', ZipFile: makeZip({ 'index.js': '// second' }) }));
    const liveLink = (await lambda.send(new GetFunctionCommand({ FunctionName: 'sentinel' }))).Code?.Location ?? '';
    return { t, sentinelSha: made.CodeSha256 ?? '', staleLink, liveLink, accountId: t.local.accountId };
  },
  async intact(c) {
    const conf = await c.t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'sentinel' }));
    assert.equal(conf.CodeSha256, c.sentinelSha, 'the sentinel keeps its code');
    assert.deepEqual(conf.Environment?.Variables, { KEEP: 'yes', constructor: 'kept too' }, 'the sentinel keeps its environment');
    assert.equal(conf.Timeout, 3, 'the sentinel keeps its timeout');
    assert.equal(c.t.local.functions().includes('fresh'), false, 'no refused CreateFunction left a function behind');
    const configs = await c.t.lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'sentinel' }));
    assert.deepEqual(configs.FunctionEventInvokeConfigs, [], 'no refused event invoke config was kept');
  },
  cases,
});
