import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

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

/**
 * Sends an error the way AWS does, so the SDK raises the matching exception class:
 * the `x-amzn-ErrorType` header carries the code; the body has `Type`, `Message` and `__type`.
 * `protocol` selects Lambda's REST-JSON body or the JSON 1.1 body used by CloudWatch Logs.
 */
export function sendError(res: ServerResponse, err: ApiError, protocol: 'rest-json' | 'json-1.1' = 'rest-json'): void {
  const body = protocol === 'rest-json'
    ? { Type: err.status >= 500 ? 'Service' : 'User', Message: err.message, message: err.message, __type: err.type }
    : { __type: err.type, message: err.message };
  sendJson(res, err.status, body, {
    'x-amzn-ErrorType': err.type,
    ...(protocol === 'json-1.1' ? { 'Content-Type': 'application/x-amz-json-1.1' } : {}),
    ...err.headers,
  });
}
