/**
 * What the function URL server and the API server share: invoking a function for an HTTP request
 * and answering an HTTP client with a failure.
 */

import type * as http from 'node:http';
import { MAX_RESPONSE_BYTES } from '../../shared/lambda/limits';
import { executionSpecOf, resolveQualifier, type Invoker } from '../lambda/invoke';
import { functionArn } from '../lambda/model';
import type { LambdaStore } from '../lambda/store';
import type { CodeWatcher } from '../lambda/codeWatch';
import { TooManyRequestsError, type InvokeOutcome, type ResponseStreamSink } from '../types';

/** Local only: why a call failed, for whoever reads the response (AWS's bodies say only "Internal Server Error"). */
export const LOCAL_ERROR_HEADER = 'x-local-lambda-error';

/** An HTTP answer that is not the function's: a status, a JSON body and, locally, the reason. */
export class HttpFailure extends Error {
  constructor(readonly status: number, readonly body: string, readonly detail?: string, readonly headers: Record<string, string> = {}) {
    super(body);
  }
}

export interface HttpInvokeDeps {
  store: LambdaStore;
  invoker: Invoker;
  codeWatcher: CodeWatcher;
}

export type HttpInvokeResult =
  | { ok: true; outcome: InvokeOutcome }
  | { ok: false; kind: 'missing' | 'throttled' | 'functionError' | 'tooLarge'; detail: string };

/** One line, printable, short: safe to put in a header. */
export const headerSafe = (text: string) => text.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 500);

/** Invokes a function (or the version an alias picks) synchronously with an HTTP event. */
export async function invokeForHttp(deps: HttpInvokeDeps, functionName: string, qualifier: string | undefined,
  requestId: string, payload: Buffer, onStream?: ResponseStreamSink): Promise<HttpInvokeResult> {
  const fn = deps.store.find(functionName);
  if (!fn) return { ok: false, kind: 'missing', detail: `The function ${functionName} does not exist on the Local Lambda.` };
  const { record } = resolveQualifier(deps.store, fn, qualifier);
  let outcome: InvokeOutcome;
  try {
    outcome = await deps.invoker.invoke(executionSpecOf(deps.store, fn, record, deps.codeWatcher), {
      requestId, payload, invokedFunctionArn: functionArn(fn.name, qualifier), invocationType: 'RequestResponse', ...(onStream ? { onStream } : {}),
    });
  } catch (err) {
    if (err instanceof TooManyRequestsError) return { ok: false, kind: 'throttled', detail: err.message };
    throw err;
  }
  if (outcome.functionError) {
    let detail = 'the function failed';
    try {
      const e = JSON.parse(outcome.payload.toString('utf8')) as { errorType?: unknown; errorMessage?: unknown };
      detail = `${String(e.errorType ?? 'Error')}: ${String(e.errorMessage ?? '')}`;
    } catch { /* keep the plain detail */ }
    return { ok: false, kind: 'functionError', detail };
  }
  if (outcome.payload.length > MAX_RESPONSE_BYTES) {
    return { ok: false, kind: 'tooLarge', detail: `The response is ${outcome.payload.length} bytes; Lambda returns at most ${MAX_RESPONSE_BYTES}.` };
  }
  return { ok: true, outcome };
}

/** Sends a failure (never throws): the status, the JSON body, the local reason header. */
export function sendFailure(req: http.IncomingMessage, res: http.ServerResponse, failure: HttpFailure, errorType: string, log: (line: string) => void): void {
  try {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const text = Buffer.from(failure.body);
    res.writeHead(failure.status, {
      'content-type': 'application/json', 'content-length': String(text.length), 'x-amzn-errortype': errorType,
      ...(failure.detail ? { [LOCAL_ERROR_HEADER]: headerSafe(failure.detail) } : {}), ...failure.headers,
    });
    res.end(text);
    if (!req.complete) req.resume();
  } catch (err) {
    log(`Dropped a connection after a failure: ${String(err)}`);
    res.destroy();
  }
}

/** Listens on a loopback port; a taken port says which flag chooses another. */
export async function listenOn(server: http.Server, port: number, host: string, flag: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') throw new Error(`Port ${port} on ${host} is already in use; choose another ${flag} (0 picks a free one).`, { cause: err });
    throw err;
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return (server.address() as { port: number }).port;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
