import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { CreateFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, InvokeWithResponseStreamCommand, type InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
import { makeTempDir, startTestLocal, write, type TestLocal } from './helpers';

const HANDLERS = `
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
exports.http = awslambda.streamifyResponse(async (event, responseStream) => {
  const out = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'content-type': 'text/plain', 'x-mode': 'stream' }, cookies: ['s=1'] });
  out.write('first\\n');
  await pause(600);
  out.write('second\\n');
  out.end();
});
exports.raw = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/csv');
  responseStream.write('a,b\\n');
  await pause(600);
  responseStream.write('1,2\\n');
  if (event && event.fail) throw new Error('broke mid-stream');
  responseStream.end();
});
exports.plain = async () => ({ statusCode: 200, body: 'not streamed' });
`;

function template(): string {
  const fn = (id: string, name: string, handler: string, url: boolean) => [
    `  ${id}:`, '    Type: AWS::Serverless::Function', '    Properties:', `      FunctionName: ${name}`, '      CodeUri: src',
    `      Handler: index.${handler}`, '      Runtime: nodejs20.x', '      Timeout: 10',
    ...(url ? ['      FunctionUrlConfig:', '        AuthType: NONE', '        InvokeMode: RESPONSE_STREAM'] : []),
  ];
  return ['Resources:', ...fn('Http', 'stream-http', 'http', true), ...fn('Raw', 'stream-raw', 'raw', false), ...fn('Plain', 'plain', 'plain', true), ''].join('\n');
}

/** Each chunk of a response with the milliseconds since the request went out. */
function timedGet(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; chunks: Array<{ at: number; text: string }> }> {
  const u = new URL(url);
  const sent = Date.now();
  return new Promise((resolve, reject) => {
    http.get({ host: u.hostname, port: u.port, path: u.pathname }, (res) => {
      const chunks: Array<{ at: number; text: string }> = [];
      res.on('data', (c: Buffer) => chunks.push({ at: Date.now() - sent, text: c.toString('utf8') }));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks }));
    }).on('error', reject);
  });
}

describe('Local Lambda response streaming', function () {
  this.timeout(60_000);
  let t: TestLocal;
  let dir: string;
  before(async () => {
    dir = makeTempDir('local-lambda-stream-');
    write(path.join(dir, 'template.yaml'), template());
    write(path.join(dir, 'src', 'index.js'), HANDLERS);
    t = await startTestLocal({ dir });
  });
  after(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function streamed(name: string, payload?: unknown) {
    const sent = Date.now();
    const res = await t.lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: name, ...(payload ? { Payload: Buffer.from(JSON.stringify(payload)) } : {}), LogType: 'Tail' }));
    const events: Array<{ at: number; event: InvokeWithResponseStreamResponseEvent }> = [];
    for await (const event of res.EventStream!) events.push({ at: Date.now() - sent, event });
    return { res, events };
  }

  it('InvokeWithResponseStream sends each write as a PayloadChunk while the handler runs, then InvokeComplete', async () => {
    const { res, events } = await streamed('stream-raw');
    assert.equal(res.StatusCode, 200);
    assert.equal(res.ExecutedVersion, '$LATEST');
    assert.equal(res.ResponseStreamContentType, 'text/csv');
    const chunks = events.filter((e) => e.event.PayloadChunk);
    assert.equal(chunks.map((c) => Buffer.from(c.event.PayloadChunk!.Payload!).toString()).join(''), 'a,b\n1,2\n');
    assert.ok(chunks.length >= 2, `${chunks.length} chunks`);
    assert.ok(chunks[chunks.length - 1].at - chunks[0].at >= 400, `the first chunk came ${chunks[chunks.length - 1].at - chunks[0].at} ms before the last: before the handler paused`);
    const complete = events[events.length - 1].event.InvokeComplete;
    assert.ok(complete, 'the stream ends with InvokeComplete');
    assert.equal(complete.ErrorCode, undefined);
    assert.match(Buffer.from(complete.LogResult!, 'base64').toString(), /REPORT RequestId:/);
  });

  it('reports a handler that fails mid-stream in InvokeComplete, after the chunks it wrote', async () => {
    const { events } = await streamed('stream-raw', { fail: true });
    const text = events.filter((e) => e.event.PayloadChunk).map((c) => Buffer.from(c.event.PayloadChunk!.Payload!).toString()).join('');
    assert.equal(text, 'a,b\n1,2\n');
    const complete = events[events.length - 1].event.InvokeComplete!;
    assert.equal(complete.ErrorCode, 'Error');
    assert.equal(complete.ErrorDetails, 'broke mid-stream');
  });

  it('answers a handler that returns with one PayloadChunk', async () => {
    const { events } = await streamed('plain');
    const chunks = events.filter((e) => e.event.PayloadChunk);
    assert.equal(chunks.length, 1);
    assert.deepEqual(JSON.parse(Buffer.from(chunks[0].event.PayloadChunk!.Payload!).toString()), { statusCode: 200, body: 'not streamed' });
  });

  it('a RESPONSE_STREAM function URL sends the prelude\'s status and headers, then the body as it is written', async () => {
    const { FunctionUrl } = await t.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'stream-raw', AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
    const http1 = await timedGet((await t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'stream-http' }))).FunctionUrl!);
    assert.equal(http1.status, 201);
    assert.equal(http1.headers['content-type'], 'text/plain');
    assert.equal(http1.headers['x-mode'], 'stream');
    assert.deepEqual(http1.headers['set-cookie'], ['s=1']);
    assert.equal(http1.headers['transfer-encoding'], 'chunked');
    assert.equal(http1.chunks.map((c) => c.text).join(''), 'first\nsecond\n');
    assert.ok(http1.chunks[0].text.startsWith('first'), 'the prelude is not part of the body');
    assert.ok(http1.chunks[http1.chunks.length - 1].at - http1.chunks[0].at >= 400, 'the first line arrived before the handler paused');

    const raw = await timedGet(FunctionUrl!);
    assert.equal(raw.status, 200);
    assert.equal(raw.headers['content-type'], 'text/csv');
    assert.equal(raw.chunks.map((c) => c.text).join(''), 'a,b\n1,2\n');
  });

  it('a RESPONSE_STREAM URL on a handler that returns answers as a buffered URL does', async () => {
    const url = (await t.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'plain' }))).FunctionUrl!;
    const res = await timedGet(url);
    assert.equal(res.status, 200);
    assert.equal(res.chunks.map((c) => c.text).join(''), 'not streamed');
  });
});
