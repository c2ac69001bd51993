import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/** What a caller the server has not recognised may send before its connection is dropped. */
export const UNRECOGNISED_BODY_ALLOWANCE = 64 * 1024;

/** An error that the API layer turns into an AWS-shaped error response. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Reads the whole request body, refusing bodies above `limit` bytes with a 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) {
        reject(new ApiError(413, 'RequestTooLargeException',
          `Request must be smaller than ${limit} bytes for the operation; received ${size} bytes.`));
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', reject);
  });
}

/**
 * Lets at most `allowance` more bytes of a request body arrive (so a small request still sees its
 * answer rather than a reset), discarding them, then drops the connection.
 */
export function discardBody(req: IncomingMessage, allowance = UNRECOGNISED_BODY_ALLOWANCE): void {
  if (req.complete) return;
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > allowance) req.socket.destroy();
  });
  req.resume();
}

/**
 * The last resort for a request whose handler failed: an ApiError is answered as such; anything
 * else is logged with its stack and answered 500 ServiceException with a plain message. Once
 * headers are out, only that response is ended. Never throws.
 */
export function answerFailure(
  req: IncomingMessage, res: ServerResponse, err: unknown, protocol: ErrorProtocol,
  log: (line: string) => void, bodyPending: boolean,
): void {
  try {
    if (!(err instanceof ApiError)) {
      log(`Local Lambda error on ${req.method} ${String(req.url).slice(0, 300)}: ${(err as Error)?.stack ?? String(err)}`);
    }
    if (res.headersSent || res.writableEnded) {
      res.destroy();
      return;
    }
    const apiError = err instanceof ApiError ? err
      : new ApiError(500, 'ServiceException', 'The Local Lambda failed while handling this request; the details are in its log.');
    if (bodyPending) res.setHeader('Connection', 'close');
    try {
      sendError(res, apiError, protocol);
    } catch (sendErr) {
      log(`Local Lambda could not send its error answer: ${(sendErr as Error)?.stack ?? String(sendErr)}`);
      if (res.headersSent) {
        res.destroy();
      } else {
        const text = JSON.stringify({ Type: 'Service', Message: 'The Local Lambda failed while handling this request.', __type: 'ServiceException' });
        res.writeHead(500, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'ServiceException', 'Content-Length': String(Buffer.byteLength(text)) });
        res.end(text);
      }
    }
    if (bodyPending) discardBody(req);
  } catch (lastErr) {
    log(`Local Lambda dropped a connection after a failure: ${(lastErr as Error)?.stack ?? String(lastErr)}`);
    res.destroy();
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text).toString(),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  res.end(text);
}

/** Lambda's REST-JSON, CloudWatch Logs' JSON 1.1 or CloudWatch metrics' JSON 1.0. */
export type ErrorProtocol = 'rest-json' | 'json-1.1' | 'json-1.0';

/**
 * Sends an error the way AWS does, so the SDK raises the matching exception class:
 * the `x-amzn-ErrorType` header carries the code; the body has `Type`, `Message` and `__type`.
 * `protocol` selects Lambda's REST-JSON body or the JSON 1.x body used by CloudWatch.
 */
export function sendError(res: ServerResponse, err: ApiError, protocol: ErrorProtocol = 'rest-json'): void {
  const body = protocol === 'rest-json'
    ? { Type: err.status >= 500 ? 'Service' : 'User', Message: err.message, message: err.message, __type: err.type }
    : { __type: err.type, message: err.message };
  sendJson(res, err.status, body, {
    'x-amzn-ErrorType': err.type,
    ...(protocol !== 'rest-json' ? { 'Content-Type': `application/x-amz-${protocol}` } : {}),
    ...err.headers,
  });
}
