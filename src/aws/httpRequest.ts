import * as http from 'node:http';
import * as https from 'node:https';
import { NetworkError } from './errors';

/**
 * One HTTP request from the extension host, for a function URL: the answer's body is read up to
 * `maxBytes` (the rest is dropped, the connection closed), and the call gives up after
 * `timeoutMs` or when `signal` aborts. Network failures are NetworkErrors.
 */

export interface HttpRequestInput {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
  truncated: boolean;
  durationMs: number;
}

export interface HttpRequestOptions {
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export function sendHttpRequest(input: HttpRequestInput, options: HttpRequestOptions): Promise<HttpAnswer> {
  const transport = input.url.protocol === 'https:' ? https : http;
  const started = performance.now();
  return new Promise<HttpAnswer>((resolve, reject) => {
    if (options.signal?.aborted) return reject(new Error('Cancelled.'));
    const body = input.body === undefined ? undefined : Buffer.from(input.body, 'utf8');
    const headers: Record<string, string> = { ...input.headers };
    if (body) headers['content-length'] = String(body.length);
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const req = transport.request(input.url, { method: input.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      let total = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = options.maxBytes - total;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          total += room;
          truncated = true;
          res.destroy();
          done();
          return;
        }
        chunks.push(chunk);
        total += chunk.length;
      });
      const done = () => finish(() => resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: pairs(res.rawHeaders),
        body: Buffer.concat(chunks, total),
        truncated,
        durationMs: performance.now() - started,
      }));
      res.on('end', done);
      res.on('error', (error) => finish(() => reject(new NetworkError(`The answer from ${input.url.host} broke off: ${error.message}`, error))));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish(() => reject(new NetworkError(`${input.url.host} did not answer within ${Math.round(options.timeoutMs / 1000)} s.`)));
    }, options.timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish(() => reject(new Error('Cancelled.')));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => finish(() => reject(new NetworkError(`Cannot reach ${input.url.host}: ${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message}`, error))));
    req.end(body);
  });
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}
