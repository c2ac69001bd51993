/**
 * A streaming function URL's answer (InvokeMode RESPONSE_STREAM): the handler's bytes go to the
 * client as they are written. A stream made with `awslambda.HttpResponseStream.from` starts with
 * a JSON prelude (statusCode, headers, cookies) and 8 NUL bytes; any other stream is a 200 with
 * the stream's content type.
 */

import type * as http from 'node:http';
import type { ResponseStreamSink } from '../types';
import { HTTP_INTEGRATION_CONTENT_TYPE } from '../runtime/runtimeApi';
/** A prelude is a few headers; past this the stream is taken as having none. */
const MAX_PRELUDE_BYTES = 64 * 1024;
const NULS = Buffer.alloc(8);

export class UrlResponseStream implements ResponseStreamSink {
  /** True once the client has the status line. */
  started = false;
  private prelude?: Buffer[];
  private preludeBytes = 0;

  constructor(private readonly res: http.ServerResponse, private readonly extraHeaders: () => Record<string, string>,
    private readonly head: boolean) {}

  start(contentType: string): void {
    if (contentType.split(';')[0].trim().toLowerCase() === HTTP_INTEGRATION_CONTENT_TYPE) {
      this.prelude = [];
      return;
    }
    this.open(200, { 'content-type': contentType }, []);
  }

  chunk(data: Buffer): void {
    if (this.prelude) {
      this.prelude.push(data);
      this.preludeBytes += data.length;
      const all = Buffer.concat(this.prelude);
      const end = all.indexOf(NULS);
      if (end < 0 && this.preludeBytes <= MAX_PRELUDE_BYTES) return;
      this.prelude = undefined;
      if (end < 0) {
        this.open(200, { 'content-type': 'application/octet-stream' }, []);
        this.write(all);
        return;
      }
      const meta = readPrelude(all.subarray(0, end));
      this.open(meta.statusCode, meta.headers, meta.cookies);
      this.write(all.subarray(end + 8));
      return;
    }
    this.write(data);
  }

  /** Ends the answer once the invocation is over. */
  end(): void {
    if (this.prelude) {
      // The stream ended inside its prelude: what came is the body of a 200.
      const all = Buffer.concat(this.prelude);
      this.prelude = undefined;
      this.open(200, { 'content-type': 'application/octet-stream' }, []);
      this.write(all);
    }
    this.res.end();
  }

  private open(status: number, headers: Record<string, string>, cookies: string[]): void {
    if (this.started) return;
    this.started = true;
    const out: Record<string, string | string[]> = { ...headers, ...this.extraHeaders(), 'transfer-encoding': 'chunked' };
    if (cookies.length) out['set-cookie'] = cookies;
    this.res.writeHead(status, out);
  }

  private write(data: Buffer): void {
    if (data.length && !this.head) this.res.write(data);
  }
}

function readPrelude(bytes: Buffer): { statusCode: number; headers: Record<string, string>; cookies: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    value = undefined;
  }
  const meta = typeof value === 'object' && value !== null ? value as Record<string, unknown> : {};
  const status = typeof meta.statusCode === 'number' && Number.isInteger(meta.statusCode) && meta.statusCode >= 100 && meta.statusCode <= 599 ? meta.statusCode : 200;
  const headers: Record<string, string> = {};
  if (typeof meta.headers === 'object' && meta.headers !== null) {
    for (const [k, v] of Object.entries(meta.headers as Record<string, unknown>)) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k) || k.toLowerCase() === 'transfer-encoding' || k.toLowerCase() === 'content-length') continue;
      const s = String(v);
      if (!/[\r\n\0]/.test(s)) headers[k.toLowerCase()] = s;
    }
  }
  const cookies = Array.isArray(meta.cookies) ? meta.cookies.filter((c): c is string => typeof c === 'string' && !/[\r\n\0]/.test(c)) : [];
  return { statusCode: status, headers, cookies };
}
