import type { LambdaClient } from '@aws-sdk/client-lambda';
import { toWorkbenchError, WorkbenchError, type ErrorContext } from './errors';

/** How Lambda runs the call: wait for the result, queue it, or only check the request. */
export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun' | 'ResponseStream';

export interface InvokeRequest {
  functionName: string;
  /** A version or alias; undefined means $LATEST. */
  qualifier?: string;
  /** The event, as JSON text (sent as UTF-8 bytes). */
  payload: string;
  invocationType: InvocationType;
  /** Client context as JSON text; sent base64-encoded (synchronous calls only). */
  clientContext?: string;
  signal?: AbortSignal;
  /**
   * The Local Lambda only: run this call under a debugger, as debug session `session` (its note
   * says where the debugger listens), with `environment` over the function's variables.
   */
  debug?: { session: string; environment?: Record<string, string> };
  /** ResponseStream: called with the answer's text as each chunk arrives. */
  onChunk?: (text: string) => void;
}

/** The Local Lambda's Invoke headers for a debug session. */
export const DEBUG_SESSION_HEADER = 'x-local-debug-session';
export const DEBUG_ENVIRONMENT_HEADER = 'x-local-debug-environment';

export interface InvokeResponse {
  statusCode: number;
  /** The function's answer as UTF-8 text; empty for Event and DryRun. */
  payload: string;
  /** "Unhandled" (or "Handled") when the function failed; the call itself still succeeded. */
  functionError?: string;
  executedVersion?: string;
  /** The last 4 KB of the invocation's log, decoded from X-Amz-Log-Result. */
  logTail?: string;
  requestId?: string;
  /** Wall-clock time of the API call, measured here. */
  roundTripMs: number;
}

/** The person cancelled a running invocation. */
export class InvocationCancelledError extends Error {
  constructor() {
    super('The invocation was cancelled.');
    this.name = 'InvocationCancelledError';
  }
}

/** Sends one Invoke; errors become WorkbenchErrors worded for invoking. */
export async function sendInvoke(
  client: LambdaClient,
  sdk: typeof import('@aws-sdk/client-lambda'),
  request: InvokeRequest,
): Promise<InvokeResponse> {
  const started = Date.now();
  if (request.invocationType === 'ResponseStream') return sendStreamedInvoke(client, sdk, request, started);
  const sync = request.invocationType === 'RequestResponse';
  const command = new sdk.InvokeCommand({
    FunctionName: request.functionName,
    Qualifier: request.qualifier || undefined,
    InvocationType: request.invocationType,
    LogType: sync ? 'Tail' : 'None',
    ClientContext: sync && request.clientContext ? Buffer.from(request.clientContext, 'utf8').toString('base64') : undefined,
    Payload: Buffer.from(request.payload, 'utf8'),
  });
  const debug = request.debug;
  if (debug) {
    // Added before signing, so the headers are signed with the rest.
    command.middlewareStack.add((next) => (args) => {
      const headers = (args.request as { headers: Record<string, string> }).headers;
      headers[DEBUG_SESSION_HEADER] = debug.session;
      if (debug.environment && Object.keys(debug.environment).length) {
        headers[DEBUG_ENVIRONMENT_HEADER] = Buffer.from(JSON.stringify(debug.environment), 'utf8').toString('base64');
      }
      return next(args);
    }, { step: 'build', name: 'localDebugSession' });
  }
  // A call held at a breakpoint lasts as long as the person looks: no request timeout for it.
  const output = await client.send(command, { abortSignal: request.signal, ...(debug ? { requestTimeout: 0 } : {}) });
  return {
    statusCode: output.StatusCode ?? 0,
    payload: output.Payload ? Buffer.from(output.Payload).toString('utf8') : '',
    functionError: output.FunctionError || undefined,
    executedVersion: output.ExecutedVersion || undefined,
    logTail: output.LogResult ? Buffer.from(output.LogResult, 'base64').toString('utf8') : undefined,
    requestId: output.$metadata.requestId,
    roundTripMs: Date.now() - started,
  };
}

/**
 * InvokeWithResponseStream: the chunks as they arrive (to `onChunk`, decoded as UTF-8 across
 * chunk edges), then InvokeComplete's error and log tail. The whole answer is the payload.
 */
async function sendStreamedInvoke(
  client: LambdaClient, sdk: typeof import('@aws-sdk/client-lambda'), request: InvokeRequest, started: number,
): Promise<InvokeResponse> {
  const command = new sdk.InvokeWithResponseStreamCommand({
    FunctionName: request.functionName,
    Qualifier: request.qualifier || undefined,
    InvocationType: 'RequestResponse',
    LogType: 'Tail',
    ClientContext: request.clientContext ? Buffer.from(request.clientContext, 'utf8').toString('base64') : undefined,
    Payload: Buffer.from(request.payload, 'utf8'),
  });
  const output = await client.send(command, { abortSignal: request.signal });
  const decoder = new TextDecoder('utf-8');
  let payload = '';
  let errorCode: string | undefined;
  let errorDetails: string | undefined;
  let logTail: string | undefined;
  for await (const event of output.EventStream ?? []) {
    if (event.PayloadChunk?.Payload) {
      const text = decoder.decode(event.PayloadChunk.Payload, { stream: true });
      payload += text;
      if (text) request.onChunk?.(text);
    } else if (event.InvokeComplete) {
      errorCode = event.InvokeComplete.ErrorCode || undefined;
      errorDetails = event.InvokeComplete.ErrorDetails || undefined;
      if (event.InvokeComplete.LogResult) logTail = Buffer.from(event.InvokeComplete.LogResult, 'base64').toString('utf8');
    }
  }
  const rest = decoder.decode();
  if (rest) {
    payload += rest;
    request.onChunk?.(rest);
  }
  return {
    statusCode: output.StatusCode ?? 0,
    // A failure mid-stream is told by InvokeComplete; its error reads like Invoke's error payload.
    payload: errorCode ? JSON.stringify({ errorType: errorCode, errorMessage: errorDetails ?? '', streamedBeforeTheError: payload }) : payload,
    functionError: errorCode ? 'Unhandled' : undefined,
    executedVersion: output.ExecutedVersion || undefined,
    logTail,
    requestId: output.$metadata.requestId,
    roundTripMs: Date.now() - started,
  };
}

/** Rewords an Invoke failure so it names the function and qualifier and says what to do. */
export function invokeError(error: unknown, request: InvokeRequest, ctx: ErrorContext): Error {
  if (request.signal?.aborted) return new InvocationCancelledError();
  const mapped = toWorkbenchError(error, ctx);
  const original = (mapped.cause ?? error) as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  const name = original?.name ?? '';
  const what = request.qualifier ? `${request.functionName}:${request.qualifier}` : request.functionName;
  if (mapped.kind === 'notFound') {
    const hint = request.qualifier ? ` Check that version or alias "${request.qualifier}" exists.` : '';
    return new WorkbenchError('notFound', `${what} was not found.${hint} (${mapped.message})`, error);
  }
  if (mapped.kind === 'throttled') {
    return new WorkbenchError('throttled', `${what} is being throttled (429 Too Many Requests): its concurrency limit is reached. Try again in a moment.`, error);
  }
  if (name === 'RequestTooLargeException' || name === 'RequestEntityTooLargeException' || original?.$metadata?.httpStatusCode === 413) {
    return new WorkbenchError('service', `Lambda refused the event as too large (413): ${mapped.message}`, error);
  }
  if (mapped.kind === 'accessDenied') return new WorkbenchError('accessDenied', `${mapped.message} (lambda:InvokeFunction on ${what})`, error);
  return mapped;
}
