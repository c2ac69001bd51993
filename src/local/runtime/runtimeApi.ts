import { randomBytes, timingSafeEqual } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { MAX_RESPONSE_BYTES } from '../../shared/lambda/limits';

export { MAX_RESPONSE_BYTES };

export interface NextEvent {
  requestId: string;
  payload: Buffer;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
  /** JSON text of the client context, if any. */
  clientContext?: string;
  /** JSON text of the Cognito identity, if any. */
  cognitoIdentity?: string;
}

/** What the Runtime API asks of the environment that owns it. */
export interface RuntimeApiHost {
  /** The runtime asked for work; the host answers later with `deliver`. */
  onNext(): void;
  /** Returns false when the request id is not the one in flight. */
  onResponse(requestId: string, body: Buffer, oversized: boolean): boolean;
  /** A streamed response's bytes as they arrive (before onResponse with all of them); false when nobody waits for them. */
  onResponseChunk?(requestId: string, chunk: Buffer, contentType: string): boolean;
  onError(requestId: string, body: Buffer, errorType: string | undefined): boolean;
  onInitError(body: Buffer, errorType: string | undefined): void;
}

const PREFIX = '/2018-06-01/runtime/';

/**
 * The Lambda Runtime API for one execution environment. Each environment gets its own
 * server on its own loopback port, so a runtime can only ever see its own events.
 *
 * Any local process (or a web page, through DNS rebinding) can reach a loopback port, so the
 * API also answers only requests whose path starts with the environment's secret token. The
 * token is part of AWS_LAMBDA_RUNTIME_API (`127.0.0.1:PORT/TOKEN`): runtime clients build
 * their URLs as `http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/...`, so custom runtimes
 * carry it without knowing. Requests with another Host than the listening address, or with an
 * Origin header (only browsers send one), are refused as well.
 *
 * The Local Lambda's own Node.js and Python bootstraps speak the same API over the runtime
 * channel instead (channel.ts); this server stays open for them too, so a handler that calls
 * the Runtime API itself still works, and it is all custom runtimes (provided.*) have.
 */
export class RuntimeApiServer {
  private readonly server: http.Server;
  private waiting?: http.ServerResponse;
  private readonly token = randomBytes(24).toString('base64url');
  /** `/TOKEN/2018-06-01/runtime/`: what every accepted path starts with. */
  private readonly prefix = `/${this.token}${PREFIX}`;
  private readonly prefixBytes = Buffer.from(this.prefix);
  private hostHeader = '';

  private constructor(private readonly host: RuntimeApiHost) {
    this.server = http.createServer((req, res) => this.route(req, res));
    this.server.keepAliveTimeout = 10 * 60 * 1000;
    this.server.headersTimeout = 0;
    this.server.requestTimeout = 0;
  }

  static async start(host: RuntimeApiHost): Promise<RuntimeApiServer> {
    const api = new RuntimeApiServer(host);
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', () => resolve());
    });
    api.hostHeader = `127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  /** `127.0.0.1:PORT/TOKEN`, the value of AWS_LAMBDA_RUNTIME_API. Secret: never log it. */
  get address(): string {
    return `${this.hostHeader}/${this.token}`;
  }

  /** True while the runtime is blocked on /next. */
  get hasWaitingRuntime(): boolean {
    return this.waiting !== undefined;
  }

  deliver(event: NextEvent): boolean {
    const res = this.waiting;
    if (!res) return false;
    this.waiting = undefined;
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'application/json',
      'Content-Length': event.payload.length,
      'Lambda-Runtime-Aws-Request-Id': headerSafe(event.requestId),
      'Lambda-Runtime-Deadline-Ms': String(event.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': headerSafe(event.invokedFunctionArn),
      'Lambda-Runtime-Trace-Id': headerSafe(event.traceId),
    };
    if (event.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = headerSafe(event.clientContext);
    if (event.cognitoIdentity !== undefined) headers['Lambda-Runtime-Cognito-Identity'] = headerSafe(event.cognitoIdentity);
    try {
      res.writeHead(200, headers);
    } catch {
      // Not reachable with the values made safe above; a runtime left waiting beats a crashed host.
      res.destroy();
      return false;
    }
    res.end(event.payload);
    return true;
  }

  async close(): Promise<void> {
    this.waiting?.destroy();
    this.waiting = undefined;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The request carries the token, names this server as its Host and comes from no web page. */
  private admitted(req: http.IncomingMessage): boolean {
    if (req.headers.origin !== undefined || req.headers.host !== this.hostHeader) return false;
    const url = req.url ?? '';
    if (url.length < this.prefix.length) return false;
    return timingSafeEqual(Buffer.from(url.slice(0, this.prefix.length)), this.prefixBytes);
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.admitted(req)) {
      req.resume();
      // Says nothing about what would have been accepted; closes so a prober cannot hold sockets.
      res.shouldKeepAlive = false;
      return reply(res, 403, { errorType: 'AccessDenied', errorMessage: 'Forbidden' });
    }
    const url = (req.url ?? '').slice(this.prefix.length - PREFIX.length);
    const rest = url.slice(PREFIX.length).split('?')[0];

    if (req.method === 'GET' && rest === 'invocation/next') {
      req.resume();
      if (this.waiting) this.waiting.destroy();
      this.waiting = res;
      res.on('close', () => {
        if (this.waiting === res) this.waiting = undefined;
      });
      this.host.onNext();
      return;
    }
    if (req.method !== 'POST') {
      const known = rest === 'invocation/next' || rest === 'init/error' || /^invocation\/[^/]+\/(response|error)$/.test(rest);
      if (!known) return reply(res, 404, { errorType: 'NotFound', errorMessage: `Unknown path ${url}` });
      return reply(res, 405, { errorType: 'MethodNotAllowed', errorMessage: `${req.method} is not allowed on ${url}` });
    }

    const errorType = headerValue(req.headers['lambda-runtime-function-error-type']);
    // Response streaming (awslambda.streamifyResponse): a chunked body, errors in trailers.
    const streaming = headerValue(req.headers['lambda-runtime-function-response-mode'])?.toLowerCase() === 'streaming';
    let onChunk: ((chunk: Buffer) => void) | undefined;
    const streamed = streaming ? /^invocation\/([^/]+)\/response$/.exec(rest) : null;
    if (streamed && this.host.onResponseChunk) {
      let id: string | undefined;
      try {
        id = decodeURIComponent(streamed[1]);
      } catch { /* answered below as an invalid id */ }
      const contentType = headerValue(req.headers['content-type']) ?? 'application/octet-stream';
      let forward = id !== undefined;
      if (id !== undefined) {
        const requestId = id;
        onChunk = (chunk) => {
          if (forward) forward = this.host.onResponseChunk?.(requestId, chunk, contentType) ?? false;
        };
      }
    }
    readBody(req, (body, oversized) => {
      if (rest === 'init/error') {
        reply(res, 202, { status: 'OK' });
        this.host.onInitError(body, errorType);
        return;
      }
      const m = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
      if (!m) return reply(res, 404, { errorType: 'NotFound', errorMessage: `Unknown path ${url}` });
      let requestId: string;
      try {
        requestId = decodeURIComponent(m[1]);
      } catch {
        // A malformed %-escape names no request; a throw here would take the host down.
        return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID: not a valid URL path segment' });
      }
      if (m[2] === 'response' && oversized) {
        reply(res, 413, {
          errorType: 'RequestEntityTooLarge',
          errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        });
        this.host.onResponse(requestId, body, true);
        return;
      }
      if (m[2] === 'response' && streaming) {
        const streamError = headerValue(req.trailers['lambda-runtime-function-error-type']);
        if (streamError) {
          const doc = Buffer.from(headerValue(req.trailers['lambda-runtime-function-error-body']) ?? '', 'base64');
          const accepted = this.host.onError(requestId, doc.length ? doc : Buffer.from(JSON.stringify({ errorType: streamError, errorMessage: '' })), streamError);
          if (accepted) reply(res, 202, { status: 'OK' });
          else reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `Invalid request ID: ${requestId}` });
          return;
        }
        body = streamedPayload(body, headerValue(req.headers['content-type']));
      }
      const accepted =
        m[2] === 'response' ? this.host.onResponse(requestId, body, false) : this.host.onError(requestId, body, errorType);
      if (accepted) reply(res, 202, { status: 'OK' });
      else reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `Invalid request ID: ${requestId}` });
    }, onChunk);
  }
}

/** Content type of a streamed HTTP response: a JSON prelude (status, headers) and 8 NUL bytes before the body. */
export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

/**
 * What a buffered Invoke returns for a streamed response: the bytes as streamed, without the
 * metadata prelude of an HttpResponseStream.
 */
export function streamedPayload(body: Buffer, contentType: string | undefined): Buffer {
  if (contentType?.split(';')[0].trim().toLowerCase() !== HTTP_INTEGRATION_CONTENT_TYPE) return body;
  const end = body.indexOf(Buffer.alloc(8));
  return end >= 0 ? body.subarray(end + 8) : body;
}

/**
 * A value writeHead cannot refuse: printable ASCII and tabs only (anything else becomes `?`).
 * The values made here are ASCII already; this keeps a future one from crashing the host.
 */
export function headerSafe(value: string): string {
  return /^[\t\x20-\x7e]*$/.test(value) ? value : value.replace(/[^\t\x20-\x7e]/g, '?');
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: http.IncomingMessage, done: (body: Buffer, oversized: boolean) => void, onChunk?: (chunk: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let oversized = false;
  req.on('data', (chunk: Buffer) => {
    onChunk?.(chunk);
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      oversized = true;
      chunks.length = 0;
    } else {
      chunks.push(chunk);
    }
  });
  req.on('end', () => done(Buffer.concat(chunks), oversized));
  req.on('error', () => done(Buffer.alloc(0), oversized));
}

function reply(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
