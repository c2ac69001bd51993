import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { CLIENT_CONTEXT_ERROR_MESSAGE, CLIENT_CONTEXT_ERROR_TYPE, isValidClientContext } from '../../shared/lambda/clientContext';
import { INVOKE_LIMITS, MAX_RESPONSE_BYTES, payloadLimit, type InvocationKind } from '../../shared/lambda/limits';
import { ApiError, sendJson } from '../http';
import { TooManyRequestsError, type ExecutionSpec, type InvokeOutcome, type InvokeRequest } from '../types';
import { ACCOUNT_ID, REGION, functionArn, type FunctionRecord, type VersionRecord } from './model';
import { notFound, type LambdaStore } from './store';
import { invalid } from './validation';
import type { CodeWatcher } from './codeWatch';

/** Runs one invocation; the runtime manager fills this role. */
export interface Invoker {
  invoke(spec: ExecutionSpec, req: InvokeRequest): Promise<InvokeOutcome>;
}

const LOG_TAIL_BYTES = 4096;

export type InvocationType = InvocationKind;

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

/** Handles `POST /2015-03-31/functions/{name}/invocations`. */
export async function handleInvoke(
  store: LambdaStore, invoker: Invoker, code: CodeWatcher, fn: FunctionRecord, qualifier: string | undefined,
  req: IncomingMessage, res: ServerResponse, payload: Buffer, background: (p: Promise<unknown>) => void,
): Promise<void> {
  const type = invocationTypeOf(req);
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
  const { record, arnQualifier } = resolveQualifier(store, fn, qualifier);
  const requestId = randomUUID();
  const headers = { 'x-amzn-RequestId': requestId };
  if (type === 'DryRun') {
    res.writeHead(204, headers).end();
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
  if (type === 'Event') {
    // Errors of background invocations end up in the function's log, as in AWS.
    background(invoker.invoke(spec, invokeRequest).catch(() => undefined));
    res.writeHead(202, { ...headers, 'Content-Length': '0' }).end();
    return;
  }
  let outcome: InvokeOutcome;
  try {
    outcome = await invoker.invoke(spec, invokeRequest);
  } catch (err) {
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
