import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import {
  CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, GetFunctionCommand, GetFunctionConfigurationCommand, ListFunctionsCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { startLocalLambda } from '../../src/local/server';
import { ApiError, answerFailure } from '../../src/local/http';
import { LambdaApi } from '../../src/local/lambda/api';
import { AsyncEvents } from '../../src/local/lambda/asyncEvents';
import { CodeWatcher } from '../../src/local/lambda/codeWatch';
import { DEFAULT_SETTINGS } from '../../src/local/lambda/requests';
import { LambdaStore } from '../../src/local/lambda/store';
import { UrlApi } from '../../src/local/urls/api';
import { UrlStore } from '../../src/local/urls/store';
import { makeTempDir, makeZip, rawRequest, startTestLocal, type TestLocal } from './helpers';
import { errorOf, lambdaRequest } from './badInput/table';

const ROLE = 'arn:aws:iam::123456789012:role/test';

describe('Local Lambda front door: names JavaScript treats specially', function () {
  this.timeout(20000);
  let t: TestLocal;
  const dataDir = makeTempDir('local-lambda-data-');
  before(async () => { t = await startTestLocal({ dataDir }); });
  after(async () => { await t?.close(); fs.rmSync(dataDir, { recursive: true, force: true }); });

  for (const name of ['__proto__', 'constructor', 'prototype']) {
    it(`stores a function named ${name} with an alias, a tag and environment keys of special names`, async () => {
      // Raw requests: the SDK's own (de)serialisers build plain objects, where "__proto__" cannot be a key.
      const created = await lambdaRequest(t, 'POST', '/2015-03-31/functions', JSON.stringify({
        FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
        Code: { ZipFile: makeZip({ 'index.js': 'exports.handler = async () => 1;' }).toString('base64') },
        Environment: { Variables: { constructor: 'c', prototype: 'p', hasOwnProperty: 'h' } },
      }).replace('"Role"', '"Tags":{"__proto__":"tagged","constructor":"too"},"Role"'));
      assert.equal(created.status, 201, created.body);
      await t.lambda.send(new PublishVersionCommand({ FunctionName: name }));
      await t.lambda.send(new CreateAliasCommand({ FunctionName: name, Name: '__proto__', FunctionVersion: '1' }));
      const conf = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      assert.equal(conf.FunctionName, name);
      assert.deepEqual(conf.Environment?.Variables, { constructor: 'c', prototype: 'p', hasOwnProperty: 'h' });
      const alias = await t.lambda.send(new GetAliasCommand({ FunctionName: name, Name: '__proto__' }));
      assert.equal(alias.FunctionVersion, '1');
      const listed = await lambdaRequest(t, 'GET', `/2017-03-31/tags/${encodeURIComponent(conf.FunctionArn ?? '')}`);
      assert.equal(listed.status, 200, listed.body);
      assert.match(listed.body, /"__proto__":"tagged"/, 'the "__proto__" tag is kept as an ordinary key');
      assert.match(listed.body, /"constructor":"too"/);
    });
  }

  it('lists them and keeps them across a restart', async () => {
    const names = async () => ((await t.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName).sort();
    assert.deepEqual(await names(), ['__proto__', 'constructor', 'prototype']);
    await t.close();
    t = await startTestLocal({ dataDir });
    assert.deepEqual(await names(), ['__proto__', 'constructor', 'prototype']);
    const conf = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: '__proto__' }));
    assert.equal(conf.Environment?.Variables?.constructor, 'c');
  });
});

describe('Local Lambda front door: failures the handlers did not foresee', function () {
  this.timeout(20000);

  it('answers an internal failure with 500 ServiceException, logs the stack, and keeps serving', async () => {
    const dir = makeTempDir();
    const dataDir = makeTempDir('local-lambda-data-');
    const lines: string[] = [];
    const local = await startLocalLambda({ dir, dataDir, port: 0, log: (line) => lines.push(line) });
    try {
      // A file where the code folder goes makes storing an upload fail deep inside the store.
      fs.writeFileSync(path.join(dataDir, 'code'), 'not a folder');
      const res = await rawRequest(local, {
        method: 'POST', path: '/2015-03-31/functions', sign: { service: 'lambda' }, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ FunctionName: 'f', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: makeZip({ 'a.js': '' }).toString('base64') } }),
      });
      assert.equal(res.status, 500);
      assert.deepEqual(errorOf(res), { type: 'ServiceException', message: 'The Local Lambda failed while handling this request; the details are in its log.' });
      assert.doesNotMatch(res.body, /\n\s+at |ENOTDIR|EEXIST/);
      assert.equal(lines.length, 1);
      assert.match(lines[0], /^Local Lambda error on POST \/2015-03-31\/functions: Error: E\w+/);
      assert.match(lines[0], /\n\s+at /, 'the log has the stack');
      const again = await rawRequest(local, { method: 'GET', path: '/2015-03-31/functions', sign: { service: 'lambda' } });
      assert.equal(again.status, 200);
    } finally {
      await local.close();
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  /** A bare server whose handler fails in the given way, guarded as the Local Lambda guards its own. */
  async function failingServer(fail: (res: http.ServerResponse) => void | Promise<void>) {
    const lines: string[] = [];
    const server = http.createServer((req, res) => {
      Promise.resolve().then(() => fail(res)).catch((err: unknown) => answerFailure(req, res, err, 'rest-json', (l) => lines.push(l), false));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const get = () => new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (err) => resolve({ error: err.message }));
      }).on('error', (err) => resolve({ error: err.message }));
    });
    return { lines, get, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
  }

  const plain500 = { status: 500, type: 'ServiceException', message: 'The Local Lambda failed while handling this request; the details are in its log.' };
  const cases: Array<[string, (res: http.ServerResponse) => void | Promise<void>]> = [
    ['a synchronous throw', () => { throw new TypeError('x is not a function'); }],
    ['a rejected promise', async () => { await new Promise((r) => setTimeout(r, 5)); throw new RangeError('too far'); }],
    ['writeHead with a header value it refuses', (res) => { res.writeHead(200, { 'x-bad': 'line\nbreak' }); }],
    ['a thrown non-error', () => { throw 'just a string'; }],
  ];
  for (const [name, fail] of cases) {
    it(`answers ${name} with a plain 500`, async () => {
      const s = await failingServer(fail);
      try {
        const res = await s.get();
        assert.ok('status' in res, `answered (${JSON.stringify(res)})`);
        assert.equal(res.status, plain500.status);
        const body = JSON.parse(res.body) as Record<string, unknown>;
        assert.equal(body.__type, plain500.type);
        assert.equal(body.message, plain500.message);
        assert.doesNotMatch(res.body, /\n\s+at /);
        assert.equal(s.lines.length, 1, 'logged once');
      } finally {
        await s.close();
      }
    });
  }

  it('sends a plain 500 when the error answer itself cannot be written', async () => {
    const s = await failingServer(() => { throw new ApiError(400, 'InvalidParameterValueException', 'bad', { 'x-echo': 'a\r\nb' }); });
    try {
      const res = await s.get();
      assert.ok('status' in res && res.status === 500, JSON.stringify(res));
      assert.equal((JSON.parse(res.body) as Record<string, unknown>).__type, 'ServiceException');
      assert.match(s.lines[0], /could not send its error answer/);
    } finally {
      await s.close();
    }
  });

  it('ends only that response when the failure comes after the headers', async () => {
    const s = await failingServer((res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      throw new Error('mid-stream');
    });
    try {
      const res = await s.get();
      assert.ok('error' in res || (res.status === 200 && res.body.length < 100), 'the truncated response is not passed off as whole');
      const next = await s.get();
      assert.ok('error' in next || next.status === 200, 'the server still takes requests');
    } finally {
      await s.close();
    }
  });
});

describe('Local Lambda front door: callers and bodies', function () {
  this.timeout(30000);
  let t: TestLocal;
  before(async () => { t = await startTestLocal(); });
  after(async () => { await t?.close(); });

  it('drops an unsigned caller after a small part of a large body', async () => {
    const url = new URL(t.local.endpoint);
    const total = 64 * 1024 * 1024;
    const outcome = await new Promise<{ sent: number; status?: number }>((resolve) => {
      let sent = 0;
      let status: number | undefined;
      const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/2015-03-31/functions', headers: { 'content-length': String(total) } }, (res) => {
        status = res.statusCode;
        res.resume();
      });
      req.on('error', () => undefined);
      req.on('close', () => resolve({ sent, status }));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < total && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) { req.once('drain', pump); return; }
        }
        if (sent >= total) req.end();
      };
      pump();
    });
    assert.ok(outcome.sent < total / 2, `the server stopped taking the body early (client wrote ${outcome.sent} bytes)`);
    if (outcome.status !== undefined) assert.equal(outcome.status, 403);
    const listed = await t.lambda.send(new ListFunctionsCommand({}));
    assert.ok(Array.isArray(listed.Functions));
  });

  it('accepts a request that signs the real SHA-256 of its body', async () => {
    const url = new URL(t.local.endpoint);
    const body = JSON.stringify({ FunctionName: 'hashed', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: makeZip({ 'index.js': '' }).toString('base64') } });
    const signer = new SignatureV4({ credentials: { ...t.local.credentials }, region: t.local.region, service: 'lambda', sha256: Sha256, applyChecksum: true });
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/2015-03-31/functions', query: {},
      headers: { host: url.host, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }, body });
    assert.ok(signed.headers['x-amz-content-sha256'], 'the hash is signed');
    const res = await rawRequest(t.local, { method: 'POST', path: '/2015-03-31/functions', body, headers: signed.headers, sign: false });
    assert.equal(res.status, 201, res.body);
  });

  it('gives code links that last 10 minutes and name the code they serve', async () => {
    await t.lambda.send(new CreateFunctionCommand({ FunctionName: 'linked', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: makeZip({ 'index.js': '// v1' }) } }));
    const before = Date.now();
    const got = await t.lambda.send(new GetFunctionCommand({ FunctionName: 'linked' }));
    const link = new URL(got.Code?.Location ?? '');
    assert.equal(link.searchParams.get('code'), got.Configuration?.CodeSha256);
    const expires = Number(link.searchParams.get('expires')) * 1000;
    assert.ok(expires >= before + 10 * 60_000 - 1000 && expires <= Date.now() + 10 * 60_000, 'expires in 10 minutes');
    const res = await rawRequest(t.local, { method: 'GET', path: link.pathname + link.search });
    assert.equal(res.status, 200);
  });
});

describe('Local Lambda code links: expiry', () => {
  it('refuses a link once its 10 minutes are over, and serves it before', () => {
    const dataDir = makeTempDir('local-lambda-data-');
    try {
      const store = new LambdaStore(dataDir);
      const code = store.storeZip('f', makeZip({ 'index.js': '' }));
      store.create('f', 'upload', { ...DEFAULT_SETTINGS, runtime: 'nodejs20.x', handler: 'index.handler' }, code);
      const invoker = { invoke: () => Promise.reject(new Error('not used')) };
      const codeWatcher = new CodeWatcher();
      const asyncEvents = new AsyncEvents({ store, invoker, codeWatcher, logSink: { write: () => undefined } });
      const api = new LambdaApi({ store, invoker, codeWatcher, endpoint: () => 'http://127.0.0.1:9', linkSecret: 'secret', maxConcurrency: 1, asyncEvents,
        urls: new UrlApi(new UrlStore(dataDir), () => 'http://127.0.0.1:9') });
      const sent: number[] = [];
      const res = { writeHead: (status: number) => { sent.push(status); return { end: () => undefined }; } } as unknown as http.ServerResponse;
      const issued = Date.now() - 11 * 60_000;
      const old = new URL(api.codeLink('f', '$LATEST', code.sha256, issued));
      assert.throws(() => api.serveCode(res, old), (err: ApiError) => err.status === 403 && err.type === 'AccessDeniedException' &&
        /^The code link expired at \d{4}-\d\d-\d\dT[\d:.]+Z \(links last 10 minutes\); call GetFunction for a fresh one\.$/.test(err.message));
      assert.equal(api.serveCode(res, old, issued + 9 * 60_000), true, 'within its 10 minutes the same link serves');
      assert.deepEqual(sent, [200]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
