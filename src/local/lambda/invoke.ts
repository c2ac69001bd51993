import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { CLIENT_CONTEXT_ERROR_MESSAGE, CLIENT_CONTEXT_ERROR_TYPE, isValidClientContext } from '../../shared/lambda/clientContext';
import { INVOKE_LIMITS, MAX_RESPONSE_BYTES, payloadLimit, type InvocationKind } from '../../shared/lambda/limits';
import { ApiError, sendJson } from '../http';
import { DebugSessionError, TooManyRequestsError, type DebugInvocation, type ExecutionSpec, type InvokeOutcome, type InvokeRequest } from '../types';
import { ENV_LIMIT_BYTES, isReservedEnvKey, isValidEnvKey, measureEnvironment } from '../../shared/lambda/environment';
import { ACCOUNT_ID, REGION, functionArn, type FunctionRecord, type VersionRecord } from './model';
import { notFound, type LambdaStore } from './store';
import { invalid } from './validation';
import type { CodeWatcher } from './codeWatch';

/** Runs one invocation; the runtime manager fills this role. */
export interface Invoker {
  invoke(spec: ExecutionSpec, req: InvokeRequest): Promise<InvokeOutcome>;
  /** Runs it under a debugger, in an environment of its own (see RuntimeManager.invokeDebug). */
  invokeDebug?(spec: ExecutionSpec, req: InvokeRequest, debug: DebugInvocation): Promise<InvokeOutcome>;
}

/** The Local Lambda's own Invoke headers: run this call under a debugger, with these variables over the function's. */
export const DEBUG_SESSION_HEADER = 'x-local-debug-session';
export const DEBUG_ENVIRONMENT_HEADER = 'x-local-debug-environment';
const DEBUG_SESSION_PATTERN = /^[A-Za-z0-9-]{8,64}$/;

/**
 * The debug session an Invoke asks for, checked: an id of 8–64 letters, digits and dashes, a
 * synchronous call, and variables (base64 of a JSON object of strings) that Lambda would accept.
 */
export function debugRequestOf(req: IncomingMessage, type: InvocationType): Omit<DebugInvocation, 'signal'> | undefined {
  const session = req.headers[DEBUG_SESSION_HEADER];
  const envHeader = req.headers[DEBUG_ENVIRONMENT_HEADER];
  if (session === undefined) {
    if (envHeader !== undefined) throw invalid(`${DEBUG_ENVIRONMENT_HEADER} is only read with ${DEBUG_SESSION_HEADER}.`);
    return undefined;
  }
  if (typeof session !== 'string' || !DEBUG_SESSION_PATTERN.test(session)) {
    throw invalid(`${DEBUG_SESSION_HEADER} must be 8 to 64 letters, digits or dashes (a UUID, say).`);
  }
  if (type !== 'RequestResponse') {
    throw invalid(`A debug session runs a synchronous (RequestResponse) invocation; ${type} calls have no caller to wait for the debugger.`);
  }
  if (envHeader === undefined) return { session };
  if (typeof envHeader !== 'string' || envHeader.length > 8192) throw invalid(`${DEBUG_ENVIRONMENT_HEADER} must be base64 of a JSON object under 4 KB.`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(envHeader, 'base64').toString('utf8'));
  } catch {
    throw invalid(`${DEBUG_ENVIRONMENT_HEADER} must be base64 of a JSON object of strings, e.g. {"LOG_LEVEL":"debug"}.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${DEBUG_ENVIRONMENT_HEADER} must hold a JSON object of strings.`);
  const environment: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!isValidEnvKey(key)) throw invalid(`Debug environment variable "${key.slice(0, 100)}" is not a valid name: letters, digits and _, starting with a letter, at least 2 characters.`);
    if (isReservedEnvKey(key)) throw invalid(`Debug environment variable ${key} is reserved by Lambda and cannot be set.`);
    if (typeof v !== 'string') throw invalid(`Debug environment variable ${key} must be a string.`);
    environment[key] = v;
  }
  if (measureEnvironment(environment) > ENV_LIMIT_BYTES) throw invalid(`The debug environment variables take more than Lambda's ${ENV_LIMIT_BYTES} bytes.`);
  return { session, environment };
}

const LOG_TAIL_BYTES = 4096;

export type InvocationType = Exclude<InvocationKind, 'ResponseStream'>;

export function invocationTypeOf(req: IncomingMessage): InvocationType {
  const value = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
  if (value !== 'RequestResponse' && value !== 'Event' && value !== 'DryRun') {
    throw invalid(`Invalid InvocationType "${String(value)}": use RequestResponse, Event or DryRun.`);
  }
  return value;
}

export { payloadLimit as payloadLimitOf };

export function tooLarge(type: InvocationType, size: number): ApiError {
  const limit = payloadLimit(type);
  return new ApiError(413, 'RequestEntityTooLargeException',
    `Request must be smaller than ${limit} bytes for the ${type === 'Event' ? 'InvokeAsync' : 'InvokeFunction'} operation (received ${size} bytes).`);
}

/** Which version a qualifier names; an alias with routing picks one by weight on every call. */
export function resolveQualifier(store: LambdaStore, fn: FunctionRecord, qualifier: string | undefined,
  random: () => number = Math.random): { record: VersionRecord; arnQualifier?: string } {
  if (qualifier === undefined || qualifier === '$LATEST') return { record: fn.latest, arnQualifier: qualifier };
  if (/^[0-9]+$/.test(qualifier)) {
    const record = store.version(fn, qualifier);
    if (!record) throw notFound(fn.name, qualifier);
    return { record, arnQualifier: qualifier };
  }
  const alias = fn.aliases.find((a) => a.name === qualifier);
  if (!alias) throw notFound(fn.name, qualifier);
  let version = alias.functionVersion;
  const [extra] = Object.entries(alias.weights);
  if (extra && random() < extra[1]) version = extra[0];
  const record = version === '$LATEST' ? fn.latest : store.version(fn, version);
  if (!record) throw notFound(fn.name, version);
  return { record, arnQualifier: qualifier };
}

/**
 * What the runtime needs to run one version. Its revisionKey changes when the code does: for a
 * live folder (and for layer folders) the watcher's count of changes seen, read without touching
 * the disk, so an edit retires warm environments at the next call.
 */
export function executionSpecOf(store: LambdaStore, fn: FunctionRecord, v: VersionRecord, code: CodeWatcher): ExecutionSpec {
  const s = v.settings;
  const layers: string[] = [];
  let layerKey = '';
  for (const arn of s.layers) {
    const dir = store.layerFolder(arn);
    layerKey += `${dir ?? ''}@${dir === undefined ? '' : code.revision(dir)}|`;
    if (dir !== undefined) layers.push(dir);
  }
  return {
    functionName: fn.name,
    version: v.version,
    functionArn: functionArn(fn.name, v.version === '$LATEST' ? undefined : v.version),
    codeDir: store.codeDirOf(v.code),
    handler: s.handler,
    runtime: s.runtime,
    memorySize: s.memorySize,
    timeout: s.timeout,
    ephemeralStorage: s.ephemeralStorage,
    environment: { ...s.environment },
    layers,
    region: REGION,
    accountId: ACCOUNT_ID,
    logGroupName: `/aws/lambda/${fn.name}`,
    revisionKey: `${fn.name}:${v.version}:${v.revisionId}:${v.code.live ? `live@${code.revision(v.code.dir)}` : v.code.sha256}:${layerKey}`,
    reservedConcurrency: fn.reservedConcurrency,
    ...(fn.build ? { build: fn.build } : {}),
  };
}

function tail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('base64');
}

/** What Invoke and InvokeWithResponseStream both refuse: a payload too large or not JSON, a bad client context. Returns the client context. */
function checkedInvokeInput(req: IncomingMessage, type: InvocationType, payload: Buffer): string | string[] | undefined {
  if (payload.length > payloadLimit(type)) throw tooLarge(type, payload.length);
  if (payload.length > 0) {
    try {
      JSON.parse(payload.toString('utf8'));
    } catch (err) {
      throw new ApiError(400, 'InvalidRequestContentException',
        `Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`);
    }
  }
  const clientContext = req.headers['x-amz-client-context'];
  if (typeof clientContext === 'string' && clientContext.length > INVOKE_LIMITS.clientContextBytes) {
    throw invalid(`Client context must be at most ${INVOKE_LIMITS.clientContextBytes} bytes (got ${clientContext.length}).`);
  }
  if (typeof clientContext === 'string' && clientContext && !isValidClientContext(clientContext)) throw new ApiError(400, CLIENT_CONTEXT_ERROR_TYPE, CLIENT_CONTEXT_ERROR_MESSAGE);
  return clientContext;
}

/** Handles `POST /2015-03-31/functions/{name}/invocations`. */
export async function handleInvoke(
  store: LambdaStore, invoker: Invoker, code: CodeWatcher, fn: FunctionRecord, qualifier: string | undefined,
  req: IncomingMessage, res: ServerResponse, payload: Buffer, queueEvent: (requestId: string) => void,
): Promise<void> {
  const type = invocationTypeOf(req);
  const clientContext = checkedInvokeInput(req, type, payload);
  const debug = debugRequestOf(req, type);
  if (debug && !invoker.invokeDebug) throw invalid('This Local Lambda cannot run debug sessions.');
  const { record, arnQualifier } = resolveQualifier(store, fn, qualifier);
  const requestId = randomUUID();
  const headers = { 'x-amzn-RequestId': requestId };
  if (type === 'DryRun') {
    res.writeHead(204, headers).end();
    return;
  }
  if (type === 'Event') {
    // Queued: its attempts, retries and destinations are the async queue's; errors go to the function's log, as in AWS.
    queueEvent(requestId);
    res.writeHead(202, { ...headers, 'Content-Length': '0' }).end();
    return;
  }
  const spec = executionSpecOf(store, fn, record, code);
  const invokeRequest: InvokeRequest = {
    requestId,
    payload,
    clientContext: type === 'RequestResponse' && typeof clientContext === 'string' ? clientContext : undefined,
    invokedFunctionArn: functionArn(fn.name, arnQualifier),
    invocationType: type,
  };
  let outcome: InvokeOutcome;
  try {
    if (debug && invoker.invokeDebug) {
      // The caller going away (its debugger stopped) stops the session's runtime.
      const gone = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) gone.abort();
      };
      res.once('close', onClose);
      try {
        outcome = await invoker.invokeDebug(spec, invokeRequest, { ...debug, signal: gone.signal });
      } finally {
        res.off('close', onClose);
      }
    } else {
      outcome = await invoker.invoke(spec, invokeRequest);
    }
  } catch (err) {
    if (err instanceof DebugSessionError) throw new ApiError(err.status, err.name, err.message);
    if (!(err instanceof TooManyRequestsError)) throw err;
    // Sent here rather than through sendError because the body also carries Reason.
    sendJson(res, 429, {
      Type: 'User', Message: err.message, message: err.message, Reason: err.reason, __type: 'TooManyRequestsException',
    }, { 'x-amzn-ErrorType': 'TooManyRequestsException', 'Retry-After': '1', ...headers });
    return;
  }
  let body = outcome.payload;
  let functionError = outcome.functionError;
  if (body.length > MAX_RESPONSE_BYTES) {
    body = Buffer.from(JSON.stringify({
      errorMessage: `Response payload size (${body.length} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
      errorType: 'Function.ResponseSizeTooLarge',
    }));
    functionError = 'Unhandled';
  }
  const out: Record<string, string> = {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'X-Amz-Executed-Version': record.version,
  };
  if (functionError) out['X-Amz-Function-Error'] = functionError;
  if (req.headers['x-amz-log-type'] === 'Tail') out['X-Amz-Log-Result'] = tail(outcome.log);
  res.writeHead(200, out).end(body);
}

const streamCodec = new EventStreamCodec(toUtf8, fromUtf8);
const streamEvent = (type: 'PayloadChunk' | 'InvokeComplete', body: Uint8Array, contentType: string) => Buffer.from(streamCodec.encode({
  headers: {
    ':event-type': { type: 'string', value: type },
    ':message-type': { type: 'string', value: 'event' },
    ':content-type': { type: 'string', value: contentType },
  },
  body,
}));

/**
 * Handles `POST /2021-11-15/functions/{name}/response-streaming-invocations`
 * (InvokeWithResponseStream): the answer is an event stream of PayloadChunk events, sent as the
 * handler writes (awslambda.streamifyResponse) or as one chunk for a handler that returns, then
 * an InvokeComplete event with the error, if any, and the log tail.
 */
export async function handleInvokeWithResponseStream(
  store: LambdaStore, invoker: Invoker, code: CodeWatcher, fn: FunctionRecord, qualifier: string | undefined,
  req: IncomingMessage, res: ServerResponse, payload: Buffer,
): Promise<void> {
  const type = invocationTypeOf(req);
  if (type === 'Event') throw invalid('InvokeWithResponseStream takes InvocationType RequestResponse or DryRun; use Invoke for Event.');
  const clientContext = checkedInvokeInput(req, type, payload);
  const { record, arnQualifier } = resolveQualifier(store, fn, qualifier);
  const requestId = randomUUID();
  if (type === 'DryRun') {
    res.writeHead(204, { 'x-amzn-RequestId': requestId }).end();
    return;
  }
  const open = (contentType: string) => {
    if (res.headersSent) return;
    res.writeHead(200, {
      'Content-Type': contentType, 'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': record.version,
      'Transfer-Encoding': 'chunked',
    });
  };
  let streamed = false;
  let outcome: InvokeOutcome;
  try {
    outcome = await invoker.invoke(executionSpecOf(store, fn, record, code), {
      requestId, payload, invokedFunctionArn: functionArn(fn.name, arnQualifier), invocationType: 'RequestResponse',
      clientContext: typeof clientContext === 'string' ? clientContext : undefined,
      onStream: {
        start: (contentType) => {
          streamed = true;
          open(contentType);
        },
        chunk: (data) => { res.write(streamEvent('PayloadChunk', data, 'application/octet-stream')); },
      },
    });
  } catch (err) {
    if (!(err instanceof TooManyRequestsError) || res.headersSent) throw err;
    sendJson(res, 429, {
      Type: 'User', Message: err.message, message: err.message, Reason: err.reason, __type: 'TooManyRequestsException',
    }, { 'x-amzn-ErrorType': 'TooManyRequestsException', 'Retry-After': '1', 'x-amzn-RequestId': requestId });
    return;
  }
  open('application/json');
  if (!streamed && !outcome.functionError && outcome.payload.length > 0) res.write(streamEvent('PayloadChunk', outcome.payload, 'application/octet-stream'));
  const complete: Record<string, string> = {};
  if (outcome.functionError) {
    let doc: { errorType?: unknown; errorMessage?: unknown } = {};
    try {
      doc = JSON.parse(outcome.payload.toString('utf8')) as typeof doc;
    } catch { /* keep the plain code */ }
    complete.ErrorCode = typeof doc.errorType === 'string' ? doc.errorType : 'Unhandled';
    complete.ErrorDetails = typeof doc.errorMessage === 'string' ? doc.errorMessage : outcome.payload.toString('utf8').slice(0, 4096);
  }
  if (req.headers['x-amz-log-type'] === 'Tail') complete.LogResult = tail(outcome.log);
  res.end(streamEvent('InvokeComplete', Buffer.from(JSON.stringify(complete)), 'application/json'));
}
