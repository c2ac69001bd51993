import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RuntimeManager } from '../../src/local/runtime/manager';
import { MAX_LOG_EVENT_BYTES } from '../../src/local/runtime/environment';
import type { ExecutionSpec, InvokeRequest, LogSink } from '../../src/local/types';
import { REPO_ROOT } from '../support/repo';

class MemoryLogSink implements LogSink {
  readonly events: { stream: string; message: string }[] = [];
  write(_group: string, stream: string, events: { timestamp: number; message: string }[]): void {
    for (const e of events) this.events.push({ stream, message: e.message });
  }
}

function spec(codeDir: string, overrides: Partial<ExecutionSpec> = {}): ExecutionSpec {
  return {
    functionName: 'iso', version: '$LATEST', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:iso',
    codeDir, handler: 'index.handler', runtime: 'nodejs20.x', memorySize: 256, timeout: 3, ephemeralStorage: 512,
    environment: {}, region: 'us-east-1', accountId: '123456789012', logGroupName: '/aws/lambda/iso', revisionKey: 'r1',
    ...overrides,
  };
}

function request(event: unknown, extra: Partial<InvokeRequest> = {}): InvokeRequest {
  return { requestId: randomUUID(), payload: Buffer.from(JSON.stringify(event)), invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:iso', ...extra };
}

/** Runs `script` in a separate Node process (another local program) and returns what it prints. */
function otherProcess(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { timeout: 10000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** Live (not zombie) processes whose command line holds `needle`. */
function processesWith(needle: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmdline.includes(needle) && state !== 'Z') found.push(Number(name));
    } catch { /* gone */ }
  }
  return found;
}

async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (check()) return true;
  return check();
}

const HANDLER = `
const { spawn } = require('child_process');
exports.handler = async (event, context) => {
  if (event.api) return process.env.AWS_LAMBDA_RUNTIME_API;
  if (event.wait) { await new Promise((r) => setTimeout(r, event.wait)); return 'waited'; }
  if (event.orphans) {
    spawn('sh', ['-c', 'setsid sleep ' + event.orphans + '1 &'], { stdio: 'ignore' });
    spawn('sleep', [event.orphans + '2'], { detached: true, stdio: 'ignore' }).unref();
    await new Promise((r) => setTimeout(r, 200));
    if (event.then === 'exit') process.exit(1);
    if (event.then === 'hang') await new Promise((r) => setTimeout(r, 60000));
    return 'spawned';
  }
  if (event.big) {
    process.stdout.write('a' + '東'.repeat(event.big) + 'z\\n');
    console.log('after the big line');
    process.stdout.write('no newline before the answer');
    return 'done';
  }
  return context.clientContext;
};
`;

describe('Runtime isolation', function () {
  this.timeout(30000);
  let dir: string;
  let dataDir: string;
  let sink: MemoryLogSink;
  let manager: RuntimeManager;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rt-iso-code-'));
    dataDir = mkdtempSync(path.join(tmpdir(), 'rt-iso-data-'));
    writeFileSync(path.join(dir, 'index.js'), HANDLER);
    sink = new MemoryLogSink();
    manager = new RuntimeManager({ logSink: sink, dataDir, buildNodeFunctions: false });
  });
  afterEach(async () => {
    await manager.shutdown();
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('another local process cannot take the next event nor answer one without the token; the real invoke still succeeds', async () => {
    const api = (await manager.invoke(spec(dir), request({ api: true }))).payload.toString();
    const value = JSON.parse(api) as string;
    const [hostPort, token] = value.split('/');
    assert.ok(token && token.length >= 32);
    assert.ok(!sink.events.some((e) => e.message.includes(token)), 'the token is in no log event');
    const port = hostPort.split(':')[1];
    // Idle: the runtime waits on /next. A thief without the token gets nothing.
    const steal = await otherProcess(`
      const http = require('http');
      const get = (path, headers = {}) => new Promise((resolve) => http.get({ host: '127.0.0.1', port: ${port}, path, headers, timeout: 2000 }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', () => resolve('error')));
      (async () => console.log(JSON.stringify([
        await get('/2018-06-01/runtime/invocation/next'),
        await get('/${'x'.repeat(token.length)}/2018-06-01/runtime/invocation/next'),
        await get('/${token}/2018-06-01/runtime/invocation/next', { Host: 'rebound.example:${port}' }),
        await get('/${token}/2018-06-01/runtime/invocation/next', { Origin: 'http://rebound.example' }),
      ])))();`);
    assert.deepEqual(JSON.parse(steal), [403, 403, 403, 403]);
    // In flight: a forged answer is refused and the function's own answer is the result.
    const req = request({ wait: 700 });
    const pending = manager.invoke(spec(dir), req);
    await new Promise((r) => setTimeout(r, 200));
    const forge = await otherProcess(`
      const http = require('http');
      const r = http.request({ host: '127.0.0.1', port: ${port}, method: 'POST', path: '/2018-06-01/runtime/invocation/${req.requestId}/response' }, (res) => { res.resume(); console.log(res.statusCode); });
      r.end('"forged"');`);
    assert.equal(forge.trim(), '403');
    assert.equal((await pending).payload.toString(), '"waited"');
    assert.equal((await manager.invoke(spec(dir), request({ wait: 1 }))).payload.toString(), '"waited"');
  });

  it('passes a client context with non-Latin-1 text to Node.js and Python handlers', async function () {
    const clientContext = Buffer.from(JSON.stringify({ custom: { city: '東京', emoji: '🙂' } })).toString('base64');
    const node = await manager.invoke(spec(dir), request({}, { clientContext }));
    assert.equal(node.functionError, undefined, node.payload.toString());
    assert.deepEqual(JSON.parse(node.payload.toString()), { custom: { city: '東京', emoji: '🙂' } });
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
    } catch {
      return;
    }
    writeFileSync(path.join(dir, 'app.py'), 'def handler(event, context):\n    return context.client_context\n');
    const py = await manager.invoke(spec(dir, { functionName: 'iso-py', runtime: 'python3.12', handler: 'app.handler' }), request({}, { clientContext }));
    assert.equal(py.functionError, undefined, py.payload.toString());
    assert.deepEqual(JSON.parse(py.payload.toString()), { custom: { city: '東京', emoji: '🙂' } });
  });

  it('a custom runtime (shell bootstrap with curl) still works through the token', async function () {
    try {
      execFileSync('curl', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const fixture = path.join(REPO_ROOT, 'test', 'local', 'fixtures', 'runtime', 'provided');
    writeFileSync(path.join(dir, 'bootstrap'), readFileSync(path.join(fixture, 'bootstrap')));
    chmodSync(path.join(dir, 'bootstrap'), 0o755);
    const out = await manager.invoke(spec(dir, { functionName: 'iso-sh', runtime: 'provided.al2', handler: 'x' }), request({ n: 5 }));
    assert.deepEqual(JSON.parse(out.payload.toString()), { handler: 'x', event: { n: 5 } });
  });

  for (const how of ['close', 'exit', 'hang'] as const) {
    it(`kills setsid and detached children of an environment that ends (${how === 'close' ? 'the server closes' : how === 'exit' ? 'the runtime crashes' : 'the invoke times out'})`, async function () {
      if (process.platform !== 'linux') this.skip();
      const mark = `29${Math.floor(Math.random() * 1e6)}.`;
      const out = await manager.invoke(spec(dir, { timeout: 1 }), request({ orphans: mark, then: how === 'close' ? undefined : how }));
      if (how === 'close') {
        assert.equal(out.payload.toString(), '"spawned"');
        assert.equal(processesWith(`sleep ${mark}`).length, 2, 'both children run while the environment is warm');
        await manager.shutdown();
      } else {
        assert.equal(out.functionError, 'Unhandled');
      }
      assert.ok(await eventually(() => processesWith(`sleep ${mark}`).length === 0), `left running: ${processesWith(`sleep ${mark}`).join(', ')}`);
    });
  }

  it('the host exiting takes its environments and their orphans down', async function () {
    if (process.platform !== 'linux') this.skip();
    const mark = `28${Math.floor(Math.random() * 1e6)}.`;
    const managerModule = path.join(REPO_ROOT, 'out', 'src', 'local', 'runtime', 'manager.js');
    const printed = await otherProcess(`
      const { RuntimeManager } = require(${JSON.stringify(managerModule)});
      const m = new RuntimeManager({ logSink: { write() {} }, dataDir: ${JSON.stringify(dataDir)}, buildNodeFunctions: false });
      m.invoke(${JSON.stringify(spec(dir))}, { requestId: 'r1', payload: Buffer.from(${JSON.stringify(JSON.stringify({ orphans: mark }))}), invokedFunctionArn: 'arn' })
        .then((o) => { console.log(o.payload.toString()); process.exit(0); });`);
    assert.equal(printed.trim(), '"spawned"');
    assert.ok(await eventually(() => processesWith(`sleep ${mark}`).length === 0), `left running: ${processesWith(`sleep ${mark}`).join(', ')}`);
  });

  it('cuts a 10 MB line into log events of at most 256 KB, in order, all before END', async () => {
    const chars = 3_500_000; // 3 bytes each in UTF-8: 10.5 MB
    const out = await manager.invoke(spec(dir), request({ big: chars }));
    assert.equal(out.payload.toString(), '"done"');
    const messages = sink.events.map((e) => e.message);
    const end = messages.findIndex((m) => m.startsWith('END RequestId:'));
    const first = messages.findIndex((m) => m.startsWith('a東'));
    assert.ok(first >= 0 && end > first);
    const pieces: string[] = [];
    let i = first;
    for (; !messages[i].endsWith('z'); i++) pieces.push(messages[i]);
    pieces.push(messages[i]);
    for (const p of pieces) assert.ok(Buffer.byteLength(p) <= MAX_LOG_EVENT_BYTES, `an event of ${Buffer.byteLength(p)} bytes`);
    // Cut where an event is full (short only by a character that did not fit), not more often.
    for (const p of pieces.slice(0, -1)) assert.ok(Buffer.byteLength(p) > MAX_LOG_EVENT_BYTES - 4);
    assert.equal(pieces.join(''), 'a' + '東'.repeat(chars) + 'z');
    assert.match(messages[i + 1], /\tINFO\tafter the big line$/);
    assert.equal(messages[i + 2], 'no newline before the answer');
    assert.equal(i + 3, end, 'END follows the output written before the answer');
    assert.ok(out.log.length < 200_000, 'the invocation keeps only the tail of its log');
    assert.match(out.log, /REPORT RequestId/);
  });
});
