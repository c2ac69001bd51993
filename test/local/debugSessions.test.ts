import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import type { RuntimeNote } from '../../src/local/runtime/notes';
import { DapClient, InspectorClient } from '../support/debugClients';
import { makeTempDir, startTestLocal, write, type TestLocal } from './helpers';

/** /usr/bin/python3 when it can import debugpy (Debian's python3-debugpy), else undefined. */
function pythonWithDebugpy(): string | undefined {
  for (const candidate of ['/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import debugpy'], { stdio: 'ignore' });
      return candidate;
    } catch { /* not this one */ }
  }
  return undefined;
}

/** A python3 on PATH that cannot import debugpy, for the message that says how to get it. */
function pythonWithoutDebugpy(): string | undefined {
  try {
    const exe = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    execFileSync(exe, ['-c', 'import debugpy'], { stdio: 'ignore' });
    return undefined;
  } catch (err) {
    if ((err as { status?: number }).status === undefined) return undefined;
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  }
}

/** A project whose functions have a 1 s timeout and take 1.5 s: only a debug session lets them finish. */
function project(): string {
  const dir = makeTempDir('local-debug-');
  write(path.join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  NodeFn:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: debug-node, Runtime: nodejs20.x, Handler: app.handler, CodeUri: node/, Timeout: 1 }
  PyFn:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: debug-py, Runtime: python3.12, Handler: app.handler, CodeUri: py/, Timeout: 1 }
  RogueFn:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: debug-rogue, Runtime: nodejs20.x, Handler: app.handler, CodeUri: rogue/ }
  CustomFn:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: debug-custom, Runtime: provided.al2023, Handler: bootstrap, CodeUri: custom/ }
`);
  write(path.join(dir, 'node', 'app.js'), `exports.handler = async (event, context) => {
  const before = context.getRemainingTimeInMillis();
  await new Promise((r) => setTimeout(r, 1500));
  console.log('slept');
  return { got: event, before, after: context.getRemainingTimeInMillis(), variable: process.env.DEBUG_VAR || null, pid: process.pid };
};
`);
  // Claims to open a debugger port again, from the handler: a frame only the bootstrap may send, once.
  write(path.join(dir, 'rogue', 'app.js'), `const fs = require('fs');
exports.handler = async () => {
  const head = Buffer.from(JSON.stringify({ port: 9229 }));
  const prefix = Buffer.alloc(9);
  prefix[0] = 7; prefix.writeUInt32BE(head.length, 1); prefix.writeUInt32BE(0, 5);
  fs.writeSync(3, Buffer.concat([prefix, head]));
  await new Promise((r) => setTimeout(r, 500));
  return 'late';
};
`);
  write(path.join(dir, 'py', 'app.py'), `import os, time
def handler(event, context):
    before = context.get_remaining_time_in_millis()
    time.sleep(1.5)
    print("slept")
    return {"got": event, "before": before, "after": context.get_remaining_time_in_millis(), "variable": os.environ.get("DEBUG_VAR"), "pid": os.getpid()}
`);
  write(path.join(dir, 'custom', 'bootstrap'), '#!/bin/sh\nexit 1\n');
  fs.chmodSync(path.join(dir, 'custom', 'bootstrap'), 0o755);
  return dir;
}

/** Invoke with the Local Lambda's debug headers. */
function debugInvoke(lambda: LambdaClient, name: string, session: string, opts: { payload?: unknown; environment?: Record<string, string>; signal?: AbortSignal; onAnswer?: () => void } = {}): Promise<InvokeCommandOutput> {
  const command = new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(opts.payload ?? {})), LogType: 'Tail' });
  command.middlewareStack.add((next) => (args) => {
    const headers = (args.request as { headers: Record<string, string> }).headers;
    headers['x-local-debug-session'] = session;
    if (opts.environment) headers['x-local-debug-environment'] = Buffer.from(JSON.stringify(opts.environment)).toString('base64');
    return next(args);
  }, { step: 'build', name: 'localDebugSession' });
  // Next to the HTTP handler: runs as soon as the answer's status and headers have arrived.
  const onAnswer = opts.onAnswer;
  if (onAnswer) {
    command.middlewareStack.add((next) => async (args) => {
      const out = await next(args);
      onAnswer();
      return out;
    }, { step: 'deserialize', priority: 'low', name: 'answerArrived' });
  }
  return lambda.send(command, { abortSignal: opts.signal });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const text = (out: InvokeCommandOutput) => Buffer.from(out.Payload ?? []).toString('utf8');
const tail = (out: InvokeCommandOutput) => Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');

describe('Local Lambda: debug sessions (X-Local-Debug-Session)', function () {
  this.timeout(60_000);
  const withDebugpy = pythonWithDebugpy();
  let local: TestLocal;
  let dir: string;
  const notes: RuntimeNote[] = [];
  const debugNote = async (session: string) => {
    await until(() => notes.some((n) => n.debug?.session === session));
    return notes.find((n) => n.debug?.session === session)!.debug!;
  };

  before(async () => {
    dir = project();
    local = await startTestLocal({ dir, onRuntimeNote: (n) => notes.push(n), debugAttachMs: 3000,
      ...(withDebugpy ? { interpreters: { 'python3.12': withDebugpy } } : {}) });
  });
  after(async () => {
    await local?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Node.js: the runtime waits on a loopback inspector port, runs once a debugger lets it, and is not held to its timeout', async () => {
    const session = randomUUID();
    const call = debugInvoke(local.lambda, 'debug-node', session, { payload: { n: 1 }, environment: { DEBUG_VAR: 'from-session' } });
    const target = await debugNote(session);
    assert.equal(target.runtime, 'node');
    assert.equal(target.host, '127.0.0.1');
    assert.ok(fs.existsSync(path.join(target.runtimeDir, 'nodeBootstrap.js')), target.runtimeDir);
    const inspector = await InspectorClient.attach(target.port);
    await inspector.run();
    const out = await call;
    inspector.close();
    assert.equal(out.FunctionError, undefined, text(out));
    const body = JSON.parse(text(out)) as { got: unknown; before: number; after: number; variable: string; pid: number };
    assert.deepEqual(body.got, { n: 1 });
    assert.equal(body.variable, 'from-session');
    assert.ok(body.before > 900 && body.before <= 1000, `remaining time at start ${body.before}`);
    assert.equal(body.after, 0, 'the remaining time counts down past the timeout');
    const log = tail(out);
    assert.match(log, /slept/);
    assert.match(log, /REPORT RequestId/);
    assert.doesNotMatch(log, /Debugger listening|Task timed out/);
    // The session's environment is not kept: its process and port are gone.
    await until(() => !alive(body.pid));
    await until(async () => !(await portOpen(target.port)));
    // And a normal invoke is still held to the timeout.
    const plain = await local.lambda.send(new InvokeCommand({ FunctionName: 'debug-node', Payload: Buffer.from('{}') }));
    assert.match(text(plain), /Task timed out after 1\.00 seconds/);
  });

  it('the answer reaches the caller before the runtime goes, so its debugger never sees the session end first', async () => {
    // A debugger whose session ends while the call is still out takes it for Stop and cancels the call.
    const session = randomUUID();
    const order: string[] = [];
    const call = debugInvoke(local.lambda, 'debug-node', session, { payload: { n: 2 }, onAnswer: () => order.push('answer') });
    const inspector = await InspectorClient.attach((await debugNote(session)).port);
    const gone = inspector.disconnected().then(() => order.push('runtime gone'));
    await inspector.run();
    const out = await call;
    await gone;
    assert.equal(out.FunctionError, undefined, text(out));
    assert.deepEqual(order, ['answer', 'runtime gone']);
  });

  it('stopping the caller (its debugger went away) stops the runtime and everything it runs', async () => {
    const session = randomUUID();
    const abort = new AbortController();
    const call = debugInvoke(local.lambda, 'debug-node', session, { signal: abort.signal }).catch((err: Error) => err);
    const target = await debugNote(session);
    abort.abort();
    assert.ok((await call) instanceof Error);
    await until(async () => !(await portOpen(target.port)));
  });

  it('no debugger within the attach limit: Runtime.DebuggerTimeout, and the environment goes', async () => {
    const session = randomUUID();
    const out = await debugInvoke(local.lambda, 'debug-node', session);
    assert.equal(out.FunctionError, 'Unhandled');
    const doc = JSON.parse(text(out)) as { errorType: string; errorMessage: string };
    assert.equal(doc.errorType, 'Runtime.DebuggerTimeout');
    assert.match(doc.errorMessage, /No debugger attached within 3 s/);
    const target = await debugNote(session);
    // Killed as the answer left; the port closes once the process is gone.
    await until(async () => !(await portOpen(target.port)));
  });

  it('a debug frame the runtime did not expect breaks its channel: Runtime.ChannelError, and the environment goes', async () => {
    const session = randomUUID();
    const call = debugInvoke(local.lambda, 'debug-rogue', session);
    const target = await debugNote(session);
    const inspector = await InspectorClient.attach(target.port);
    await inspector.run();
    const out = await call;
    inspector.close();
    assert.equal(out.FunctionError, 'Unhandled');
    const doc = JSON.parse(text(out)) as { errorType: string; errorMessage: string };
    assert.equal(doc.errorType, 'Runtime.ChannelError');
    assert.match(doc.errorMessage, /The runtime sent a malformed frame on its channel \(an unexpected debug frame\)/);
    await until(async () => !(await portOpen(target.port)));
  });

  it('a custom runtime cannot be debugged: 400 with the reason', async () => {
    await assert.rejects(debugInvoke(local.lambda, 'debug-custom', randomUUID()), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.$metadata?.httpStatusCode, 400);
      assert.match(err.message, /Debugging runs Node\.js and Python functions; debug-custom uses the custom runtime provided\.al2023/);
      return true;
    });
  });

  it('one session id runs one invocation at a time: a second one is 409', async () => {
    const session = randomUUID();
    const first = debugInvoke(local.lambda, 'debug-node', session);
    await debugNote(session);
    await assert.rejects(debugInvoke(local.lambda, 'debug-node', session), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.$metadata?.httpStatusCode, 409);
      assert.match(err.message, /already running an invocation/);
      return true;
    });
    const target = await debugNote(session);
    const inspector = await InspectorClient.attach(target.port);
    await inspector.run();
    assert.equal((await first).FunctionError, undefined);
    inspector.close();
  });

  (withDebugpy ? it : it.skip)('Python: debugpy listens on loopback, the handler runs once a client attached, without the timeout', async () => {
    const session = randomUUID();
    const call = debugInvoke(local.lambda, 'debug-py', session, { payload: { p: 2 }, environment: { DEBUG_VAR: 'py-session' } });
    const target = await debugNote(session);
    assert.equal(target.runtime, 'python');
    const dap = await DapClient.connect(target.port);
    await dap.attach();
    const out = await call;
    dap.close();
    assert.equal(out.FunctionError, undefined, text(out));
    const body = JSON.parse(text(out)) as { got: unknown; before: number; after: number; variable: string; pid: number };
    assert.deepEqual(body.got, { p: 2 });
    assert.equal(body.variable, 'py-session');
    assert.equal(body.after, 0);
    assert.match(tail(out), /slept/);
    assert.doesNotMatch(tail(out), /frozen modules|Task timed out/);
    await until(() => !alive(body.pid));
  });
});

describe('Local Lambda: debugging Python without debugpy', function () {
  this.timeout(60_000);
  const without = pythonWithoutDebugpy();
  (without ? it : it.skip)('says how to install it, with the commands to copy', async () => {
    const dir = project();
    const local = await startTestLocal({ dir, interpreters: { 'python3.12': without! } });
    try {
      const out = await debugInvoke(local.lambda, 'debug-py', randomUUID());
      assert.equal(out.FunctionError, 'Unhandled');
      const doc = JSON.parse(text(out)) as { errorType: string; errorMessage: string; installCommands: string[] };
      assert.equal(doc.errorType, 'Runtime.DebuggerUnavailable');
      assert.match(doc.errorMessage, /needs debugpy/);
      assert.deepEqual(doc.installCommands, [`${without} -m pip install debugpy`, 'sudo apt-get install python3-debugpy']);
    } finally {
      await local.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
