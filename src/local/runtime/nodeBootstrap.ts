/**
 * Runtime client for Node.js functions, run as its own process (never imported). It talks to
 * the Lambda Runtime API — over the runtime channel the Local Lambda gives its own bootstraps
 * (channel.ts), or over HTTP at AWS_LAMBDA_RUNTIME_API — loads the handler named by _HANDLER
 * from LAMBDA_TASK_ROOT and serves invocations one at a time. Kept small so cold starts stay fast.
 */
import * as http from 'http';
import * as fs from 'fs';
import * as net from 'net';
import { createRequire } from 'module';
import * as path from 'path';
import { Writable } from 'stream';
import { pathToFileURL } from 'url';
import { format } from 'util';
import { CHANNEL_ENV, DEBUG_ENV, FrameDecoder, FrameType, encodeFrame, headNumber, headString, type Frame } from './channel';

// Node's own require, also when this file is emitted by a bundler (whose `require` is its own).
// Handler paths are absolute, so the base file does not matter.
const nodeRequire = createRequire(__filename);

type Handler = ((event: unknown, context: object, callback: (err?: unknown, value?: unknown) => void) => unknown) & {
  [HANDLER_STREAMING]?: string;
  [HANDLER_HIGH_WATER_MARK]?: number;
};
type StreamingHandler = (event: unknown, responseStream: ResponseStream, context: object) => unknown;

interface ApiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

// `host:port`, optionally followed by a path (the Local Lambda's per-environment token) that
// every request path starts with, as a client that prepends the variable to its URLs sends it.
const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001';
const apiSlash = runtimeApi.indexOf('/');
const [apiHost, apiPort] = (apiSlash < 0 ? runtimeApi : runtimeApi.slice(0, apiSlash)).split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const BASE = `${apiSlash < 0 ? '' : runtimeApi.slice(apiSlash)}/2018-06-01/runtime`;
let currentRequestId: string | undefined;

/** One event from the Runtime API: its body and the Lambda-Runtime-* values. */
interface Invocation {
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
  clientContext?: string;
  cognitoIdentity?: string;
  body: Buffer;
}

/** The Runtime API as this client uses it, over HTTP or the channel. */
interface Transport {
  next(): Promise<Invocation>;
  /** Sends the answer; the channel sends it together with the next /next (see nextInvocation). */
  respond(requestId: string, text: string): Promise<void>;
  error(requestId: string, doc: ErrorDoc): Promise<void>;
  initError(doc: ErrorDoc): Promise<void>;
  /** Carries what the process writes to stdout, in order, when the transport can (see channelTransport). */
  log?(data: Buffer): void;
  /** Tells the host about a debug session's inspector (channel only). */
  debug?(head: { port: number } | { attached: true }): Promise<void>;
}

function httpTransport(): Transport {
  const post = (route: string, body: string, errorType?: string) =>
    call('POST', route, body, errorType ? { 'Lambda-Runtime-Function-Error-Type': errorType } : {}).then(() => undefined);
  return {
    async next() {
      const res = await call('GET', '/invocation/next');
      const header = (name: string) => {
        const v = res.headers[name];
        return (Array.isArray(v) ? v[0] : v) ?? '';
      };
      return {
        requestId: header('lambda-runtime-aws-request-id'),
        deadlineMs: Number(header('lambda-runtime-deadline-ms')),
        invokedFunctionArn: header('lambda-runtime-invoked-function-arn'),
        traceId: header('lambda-runtime-trace-id'),
        clientContext: header('lambda-runtime-client-context') || undefined,
        cognitoIdentity: header('lambda-runtime-cognito-identity') || undefined,
        body: res.body,
      };
    },
    respond: (requestId, text) => post(`/invocation/${encodeURIComponent(requestId)}/response`, text),
    error: (requestId, doc) => post(`/invocation/${encodeURIComponent(requestId)}/error`, JSON.stringify(doc), doc.errorType),
    initError: (doc) => post('/init/error', JSON.stringify(doc), doc.errorType),
  };
}

/** This process's peak resident set size, kB: sent with each answer for the REPORT line. */
function maxRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/**
 * The runtime channel: frames on the pipe the host gave this process. An answer is held until
 * the loop asks for the next event, so both leave in one write; the socket keeps the process
 * alive only while it waits for an event (as the HTTP request did), so a handler whose work
 * never ends with nothing left to run lets the process exit, as on Lambda.
 */
function channelTransport(fd: number): Transport {
  const socket = new net.Socket({ fd, readable: true, writable: true });
  socket.unref();
  let held: Buffer[] = [];
  let waiting: ((inv: Invocation) => void) | undefined;
  const lost = () => process.exit(1);
  socket.on('error', lost);
  socket.on('close', lost);
  const decoder = new FrameDecoder({
    accept: [FrameType.EVENT],
    // The host's events are at most an Invoke payload (6 MB); nothing larger is ever sent.
    maxBodyBytes: 7 * 1024 * 1024,
    onFrame: (frame: Frame) => {
      const resolve = waiting;
      waiting = undefined;
      socket.unref();
      const head = frame.head;
      resolve?.({
        requestId: headString(head, 'requestId') ?? '',
        deadlineMs: headNumber(head, 'deadlineMs') ?? 0,
        invokedFunctionArn: headString(head, 'invokedFunctionArn') ?? '',
        traceId: headString(head, 'traceId') ?? '',
        clientContext: headString(head, 'clientContext'),
        cognitoIdentity: headString(head, 'cognitoIdentity'),
        body: frame.body,
      });
    },
    onMalformed: (reason) => {
      process.stderr.write(`The runtime channel sent ${reason}\n`);
      process.exit(1);
    },
  });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));

  // What the process writes to stdout travels as LOG frames ahead of the answer in the same
  // write, so a call's output costs no pipe of its own; output of a call still running leaves
  // within LOG_FLUSH_MS, and a burst as soon as it reaches LOG_FLUSH_BYTES.
  let logParts: Buffer[] = [];
  let logBytes = 0;
  let logTimer: NodeJS.Timeout | undefined;
  const takeLog = (): Buffer[] => {
    if (logTimer) clearTimeout(logTimer);
    logTimer = undefined;
    if (logBytes === 0) return [];
    const body = Buffer.concat(logParts, logBytes);
    logParts = [];
    logBytes = 0;
    const frames: Buffer[] = [];
    for (let at = 0; at < body.length; at += LOG_FRAME_BYTES) frames.push(...encodeFrame(FrameType.LOG, {}, body.subarray(at, at + LOG_FRAME_BYTES)));
    return frames;
  };
  // A process that exits at once (process.exit in the handler) still hands over its output.
  process.on('exit', () => {
    if (logBytes > 0) fs.writeSync(1, Buffer.concat(logParts, logBytes));
  });

  /** Writes the output so far, what is held and `more`, resolving once it has left this process. */
  const send = (more: Buffer[] = []): Promise<void> => {
    const parts = [...takeLog(), ...held, ...more];
    held = [];
    if (!parts.length) return Promise.resolve();
    return new Promise((resolve) => {
      socket.cork();
      for (let i = 0; i < parts.length; i++) socket.write(parts[i], i === parts.length - 1 ? () => resolve() : undefined);
      socket.uncork();
    });
  };
  return {
    next() {
      return new Promise((resolve) => {
        waiting = resolve;
        socket.ref();
        void send(encodeFrame(FrameType.NEXT, {}));
      });
    },
    async respond(requestId, text) {
      held.push(...encodeFrame(FrameType.RESPONSE, { requestId, maxRssKb: maxRssKb() }, Buffer.from(text)));
    },
    async error(requestId, doc) {
      held.push(...encodeFrame(FrameType.ERROR, { requestId, errorType: doc.errorType, maxRssKb: maxRssKb() }, Buffer.from(JSON.stringify(doc))));
      // Sent now: an error may be the last thing this process does (an uncaught exception).
      await send();
    },
    initError: (doc) => send(encodeFrame(FrameType.INIT_ERROR, { errorType: doc.errorType }, Buffer.from(JSON.stringify(doc)))),
    debug: (head) => send(encodeFrame(FrameType.DEBUG, head)),
    log(data) {
      logParts.push(data);
      logBytes += data.length;
      if (logBytes >= LOG_FLUSH_BYTES) void send();
      else logTimer ??= setTimeout(() => void send(), LOG_FLUSH_MS);
    },
  };
}

/** How long output waits for the answer it would travel with. */
const LOG_FLUSH_MS = 20;
/** Output held past this leaves at once. */
const LOG_FLUSH_BYTES = 64 * 1024;
/** The largest LOG frame body (the host skips frames past its body limit). */
const LOG_FRAME_BYTES = 1024 * 1024;

const channelFd = Number(process.env[CHANNEL_ENV]);
// Not the function's to see (nor to pass on to what it starts).
delete process.env[CHANNEL_ENV];
const debugging = process.env[DEBUG_ENV] === '1';
delete process.env[DEBUG_ENV];
const transport: Transport = Number.isInteger(channelFd) && channelFd > 2 ? channelTransport(channelFd) : httpTransport();
if (transport.log) {
  const log = transport.log;
  // Everything written to stdout (console lines and direct writes alike) goes the same way, in order.
  const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const done = typeof encoding === 'function' ? encoding : callback;
    const data = typeof chunk === 'string'
      ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
      : Buffer.from(chunk as Uint8Array);
    log(data);
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  };
  process.stdout.write = write as typeof process.stdout.write;
}

function call(method: string, route: string, body?: string, headers: http.OutgoingHttpHeaders = {}): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: Number(apiPort), method, path: BASE + route, agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) {
      req.setHeader('Content-Type', 'application/json');
      req.setHeader('Content-Length', Buffer.byteLength(body));
      req.end(body);
    } else {
      req.end();
    }
  });
}

// Lambda's text log format: one event per console call, newlines kept inside the event
// (carried as \r on the pipe and turned back into \n by the host).
function writeLog(level: string, args: unknown[]): void {
  const message = format(...args).replace(/\n/g, '\r');
  process.stdout.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${message}\n`);
}
/**
 * Resolves once what the handler wrote to stdout and stderr has left this process (a pipe's
 * writes may be queued here), so the host reads it before the answer and logs it before END.
 */
function outputFlushed(): Promise<void> {
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0 && !s.destroyed);
  return Promise.all(pending.map((s) => new Promise<void>((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      s.off('error', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
    s.on('error', done);
  }))).then(() => undefined);
}

const levels: Record<string, string> = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
for (const [method, level] of Object.entries(levels)) {
  (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => writeLog(level, args);
}

interface ErrorDoc {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/**
 * A stack without the frames of this bootstrap, which called the handler, and what called it:
 * the trace ends at the function's own code.
 */
function ownFrames(lines: string[]): string[] {
  const first = lines.findIndex((line) => line.trimStart().startsWith('at ') && line.includes(__filename));
  return first < 0 ? lines : lines.slice(0, first);
}

/**
 * The error document Lambda's Node.js runtime client makes: an Error's name, message and stack;
 * for any other thrown value its type and toString(); and a fixed one when even that throws (a
 * getter that throws, an object without a prototype), so no thrown value can stop the answer.
 */
function errorDoc(err: unknown, forcedType?: string): ErrorDoc {
  try {
    if (err instanceof Error) {
      return {
        errorType: forcedType ?? (err.name || err.constructor?.name || 'Error'),
        errorMessage: String(err.message),
        trace: ownFrames(String(err.stack ?? '').split('\n')),
      };
    }
    return { errorType: forcedType ?? typeof err, errorMessage: String((err as { toString(): unknown }).toString()), trace: [] };
  } catch {
    return {
      errorType: forcedType ?? 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

// ---- Response streaming: the `awslambda` global of Lambda's Node.js runtime ----

// The marks Lambda's runtime puts on a handler wrapped by awslambda.streamifyResponse.
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';
const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

/**
 * The stream a streaming handler writes its response to: one chunked POST to the Runtime API in
 * streaming mode, opened on the first write; an error after that travels in the trailers.
 */
class ResponseStream extends Writable {
  /** Set by HttpResponseStream.from (the name Lambda's runtime uses): writes the prelude first. */
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;
  private contentType = 'application/octet-stream';
  private request?: http.ClientRequest;
  private readonly answer: Promise<ApiResponse>;
  private settleAnswer!: { resolve(res: ApiResponse): void; reject(err: unknown): void };

  constructor(private readonly requestId: string, highWaterMark?: number) {
    super(highWaterMark ? { highWaterMark } : {});
    this.answer = new Promise((resolve, reject) => {
      this.settleAnswer = { resolve, reject };
    });
    this.answer.catch(() => undefined);
  }

  setContentType(contentType: string): void {
    if (this.request) throw new Error('setContentType must be called before the first write');
    this.contentType = contentType;
  }

  /** Resolves once everything written has been handed on. */
  finished(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.writableFinished) return resolve();
      this.once('finish', resolve);
      this.once('error', reject);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.open().write(chunk, (err) => done(err ?? null));
  }

  override _final(done: (err?: Error | null) => void): void {
    this.open();
    done();
  }

  /** Ends the response, with the error in the trailers when the handler failed. */
  close(error?: ErrorDoc): Promise<ApiResponse> {
    const req = this.open();
    if (error) {
      req.addTrailers({
        'Lambda-Runtime-Function-Error-Type': error.errorType,
        'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(error)).toString('base64'),
      });
    }
    req.end();
    return this.answer;
  }

  private open(): http.ClientRequest {
    if (this.request) return this.request;
    const req = http.request({
      host: apiHost, port: Number(apiPort), method: 'POST', agent,
      path: `${BASE}/invocation/${encodeURIComponent(this.requestId)}/response`,
      headers: {
        'Content-Type': this.contentType,
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => this.settleAnswer.resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err) => this.settleAnswer.reject(err));
    });
    req.on('error', (err) => this.settleAnswer.reject(err));
    this.request = req;
    const before = this._onBeforeFirstWrite;
    this._onBeforeFirstWrite = undefined;
    before?.((chunk) => req.write(chunk));
    return req;
  }
}

const awslambda = {
  streamifyResponse(handler: StreamingHandler, options?: { highWaterMark?: number }): Handler {
    const marked = handler as unknown as Handler;
    marked[HANDLER_STREAMING] = STREAM_RESPONSE;
    if (options?.highWaterMark) marked[HANDLER_HIGH_WATER_MARK] = options.highWaterMark;
    return marked;
  },
  HttpResponseStream: class HttpResponseStream {
    /** Makes `stream` an HTTP response: `prelude` ({ statusCode, headers, cookies }) goes first, then 8 NUL bytes. */
    static from(stream: ResponseStream, prelude: Record<string, unknown>): ResponseStream {
      stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
      const metadata = JSON.stringify(prelude);
      stream._onBeforeFirstWrite = (write) => {
        write(metadata);
        write(new Uint8Array(8));
      };
      return stream;
    }
  },
};
(globalThis as unknown as { awslambda: typeof awslambda }).awslambda = awslambda;

async function runStreaming(handler: Handler, event: unknown, next: Invocation, requestId: string): Promise<void> {
  const stream = new ResponseStream(requestId, handler[HANDLER_HIGH_WATER_MARK]);
  let failure: ErrorDoc | undefined;
  try {
    const context = makeContext(next, requestId, () => undefined);
    await (handler as unknown as StreamingHandler)(event, stream, context);
    if (!stream.writableEnded) stream.end();
    await stream.finished();
  } catch (err) {
    failure = errorDoc(err);
    writeLog('ERROR', [`Invoke Error \t${JSON.stringify({ errorType: failure.errorType, errorMessage: failure.errorMessage, stack: failure.trace })}`]);
  }
  await outputFlushed();
  await stream.close(failure);
}

class LoadError extends Error {
  constructor(readonly errorType: string, message: string) {
    super(message);
    this.name = errorType;
  }
}

async function loadHandler(): Promise<Handler> {
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const spec = process.env._HANDLER ?? '';
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === spec.length - 1) {
    throw new LoadError('Runtime.MalformedHandlerName', `Bad handler ${spec}`);
  }
  const moduleName = spec.slice(0, dot);
  const exportPath = spec.slice(dot + 1).split('.');
  const base = path.resolve(root, moduleName);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) {
    throw new LoadError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'`);
  }
  let mod: unknown;
  try {
    mod = await loadModule(file);
  } catch (err) {
    if (err instanceof SyntaxError) throw new LoadError('Runtime.UserCodeSyntaxError', String(err));
    const code = (err as { code?: string } | undefined)?.code;
    // A module the handler needs is missing (a dependency not installed): as Lambda reports it.
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new LoadError('Runtime.ImportModuleError', String(err));
    throw err;
  }
  let target: unknown = mod;
  for (const key of exportPath) target = (target as Record<string, unknown> | undefined)?.[key];
  if (typeof target !== 'function' && exportPath.length === 1) {
    // A CommonJS module imported as ESM exposes its exports on `default`.
    target = ((mod as { default?: Record<string, unknown> })?.default ?? {})[exportPath[0]];
  }
  if (typeof target !== 'function') {
    throw new LoadError('Runtime.HandlerNotFound', `${spec} is undefined or not exported`);
  }
  return target as Handler;
}

async function loadModule(file: string): Promise<unknown> {
  if (!file.endsWith('.mjs')) {
    try {
      return nodeRequire(file);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
    }
  }
  return import(/* webpackIgnore: true */ pathToFileURL(file).href);
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** context.identity as Lambda's Node.js runtime makes it from the Cognito identity, if any. */
function cognitoIdentity(text: string | undefined): object | undefined {
  const doc = parseJson(text) as { cognitoIdentityId?: unknown; cognitoIdentityPoolId?: unknown } | undefined;
  if (!doc || typeof doc !== 'object') return undefined;
  return { cognitoIdentityId: doc.cognitoIdentityId, cognitoIdentityPoolId: doc.cognitoIdentityPoolId };
}

function makeContext(next: Invocation, requestId: string, settle: (err: unknown, value?: unknown) => void): object {
  const deadline = next.deadlineMs;
  const clientContext = parseJson(next.clientContext);
  const env = process.env;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: next.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext,
    identity: cognitoIdentity(next.cognitoIdentity),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (err?: unknown, value?: unknown) => settle(err, value),
    succeed: (value?: unknown) => settle(null, value),
    fail: (err: unknown) => settle(err ?? 'handled'),
  };
}

function runHandler(handler: Handler, event: unknown, next: Invocation, requestId: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err: unknown, value?: unknown) => {
      if (settled) return;
      settled = true;
      if (err !== null && err !== undefined) reject(err);
      else resolve(value);
    };
    const result = handler(event, makeContext(next, requestId, settle), settle);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then((v) => settle(null, v), (e) => settle(e ?? new Error('Promise rejected without a reason')));
    } else if (handler.length < 3) {
      settle(null, result);
    }
  });
}

async function reportError(requestId: string, doc: ErrorDoc): Promise<void> {
  writeLog('ERROR', [`Invoke Error \t${JSON.stringify({ errorType: doc.errorType, errorMessage: doc.errorMessage, stack: doc.trace })}`]);
  await outputFlushed();
  await transport.error(requestId, doc);
}

async function failAndExit(doc: ErrorDoc): Promise<never> {
  try {
    if (currentRequestId) await reportError(currentRequestId, doc);
  } finally {
    process.exit(129);
  }
}

process.on('uncaughtException', (err) => void failAndExit(errorDoc(err)));
process.on('unhandledRejection', (reason) =>
  void failAndExit({ ...errorDoc(reason), errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: String(reason) }),
);

/**
 * A debug session: the inspector opens on a fresh loopback port, the host learns the port, and
 * nothing of the function loads until a debugger has attached and set its breakpoints (it sends
 * Runtime.runIfWaitingForDebugger), so breakpoints in the module's top level bind too.
 */
/**
 * Whether the handler's module names a source map (a bundle or compiled TypeScript). The
 * debugger binds breakpoints in the sources of such a module only once it has read the map, and
 * Node.js gives it no pause to do so for a CommonJS module that loads after it attached; so such
 * a module is loaded before the debugger attaches, and its map is read while attaching.
 */
function handlerHasSourceMap(): boolean {
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const spec = process.env._HANDLER ?? '';
  const dot = spec.indexOf('.', spec.lastIndexOf('/') + 1);
  if (dot <= 0) return false;
  const base = path.resolve(root, spec.slice(0, dot));
  const file = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) return false;
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    try {
      const tail = Buffer.alloc(Math.min(size, 4096));
      fs.readSync(fd, tail, 0, tail.length, size - tail.length);
      return tail.toString('utf8').includes('//# sourceMappingURL=');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

async function startDebugger(): Promise<void> {
  if (!transport.debug) throw new LoadError('Runtime.DebuggerUnavailable', 'Debugging needs the runtime channel, which this platform does not offer');
  const inspector = nodeRequire('inspector') as typeof import('inspector');
  inspector.open(0, '127.0.0.1', false);
  const url = inspector.url();
  const port = url ? Number(new URL(url).port) : 0;
  if (!port) throw new LoadError('Runtime.DebuggerUnavailable', 'The Node.js inspector did not open');
  await transport.debug({ port });
  inspector.waitForDebugger();
  await transport.debug({ attached: true });
}

async function main(): Promise<void> {
  let handler: Handler;
  try {
    if (debugging && handlerHasSourceMap()) {
      handler = await loadHandler();
      await startDebugger();
    } else {
      if (debugging) await startDebugger();
      handler = await loadHandler();
    }
  } catch (err) {
    const doc = errorDoc(err, err instanceof LoadError ? err.errorType : undefined);
    writeLog('ERROR', [`Uncaught Exception \t${JSON.stringify({ errorType: doc.errorType, errorMessage: doc.errorMessage, stack: doc.trace })}`]);
    await transport.initError(doc);
    process.exit(1);
  }
  for (;;) {
    const next = await transport.next();
    const requestId = next.requestId;
    currentRequestId = requestId;
    process.env._X_AMZN_TRACE_ID = next.traceId;
    let event: unknown;
    try {
      event = next.body.length ? JSON.parse(next.body.toString('utf8')) : {};
    } catch {
      event = next.body.toString('utf8');
    }
    if (handler[HANDLER_STREAMING] === STREAM_RESPONSE) {
      await runStreaming(handler, event, next, requestId);
      continue;
    }
    try {
      const value = await runHandler(handler, event, next, requestId);
      let text: string;
      try {
        text = value === undefined ? 'null' : JSON.stringify(value);
      } catch {
        // What Lambda's Node.js runtime client reports for a result JSON cannot hold (cycles, BigInt).
        await reportError(requestId, { errorType: 'Runtime.JSONStringifyError', errorMessage: 'Unable to stringify response body', trace: [] });
        continue;
      }
      await outputFlushed();
      await transport.respond(requestId, text);
    } catch (err) {
      await reportError(requestId, errorDoc(err));
    }
  }
}

void main();
