/**
 * Serves the Local Lambda's function URLs on a loopback port of their own: each URL under its id,
 * `http://127.0.0.1:<port>/<url-id>/…` (or by host, `<url-id>.lambda-url.<region>.localhost`),
 * with payload format 2.0, CORS from the URL's configuration and SigV4 for AWS_IAM URLs.
 */

import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApiError, readBody } from '../http';
import { checkAuthorization, verifySignature, type Credentials } from '../auth';
import type { Invoker } from '../lambda/invoke';
import { ACCOUNT_ID, REGION } from '../lambda/model';
import type { LambdaStore } from '../lambda/store';
import type { CodeWatcher } from '../lambda/codeWatch';
import { isUrlId, type UrlConfigRecord } from './config';
import { isPreflight, preflightHeaders, responseCorsHeaders } from './cors';
import { UrlResponseStream } from './streaming';
import { MalformedResponseError, eventV2, responseV2, type HttpResponseOut } from './payload';
import { HttpFailure as UrlFailure, closeServer, headerSafe, invokeForHttp, listenOn, sendFailure } from './httpInvoke';
import type { UrlStore } from './store';

export { LOCAL_ERROR_HEADER } from './httpInvoke';

/** A function URL's request payload (the event) and response may each be up to 6 MB, as Invoke's. */
export const URL_PAYLOAD_LIMIT = 6 * 1024 * 1024;

export interface UrlServerOptions {
  host: string;
  port: number;
  store: LambdaStore;
  urls: UrlStore;
  invoker: Invoker;
  codeWatcher: CodeWatcher;
  credentials: Credentials;
  log: (line: string) => void;
}

export interface UrlServer {
  /** `http://127.0.0.1:<port>`; a URL is this, its id and a slash. */
  base: string;
  close(): Promise<void>;
}

const message = (text: string) => JSON.stringify({ Message: text });

export async function startUrlServer(opts: UrlServerOptions): Promise<UrlServer> {
  let port = 0;
  const hostPart = opts.host === '::1' ? '[::1]' : opts.host;
  let hosts = new Set<string>();
  const hostSuffix = () => `.lambda-url.${REGION}.localhost:${port}`;

  /** The URL a request is for, and the path after its prefix. */
  const locate = (req: http.IncomingMessage, url: URL): { record: UrlConfigRecord; path: string; domain: string } => {
    const host = (req.headers.host ?? '').toLowerCase();
    let id: string | undefined;
    let rest = url.pathname;
    if (host.endsWith(hostSuffix())) {
      id = host.slice(0, -hostSuffix().length);
    } else if (hosts.has(host)) {
      const slash = url.pathname.indexOf('/', 1);
      id = url.pathname.slice(1, slash < 0 ? undefined : slash);
      rest = slash < 0 ? '/' : url.pathname.slice(slash);
    } else {
      throw new UrlFailure(403, message('Forbidden'), `Host "${headerSafe(host).slice(0, 100)}" is refused: function URLs are served at ${hostPart}:${port}.`);
    }
    const record = id !== undefined && isUrlId(id) ? opts.urls.byUrlId(id) : undefined;
    if (!record) throw new UrlFailure(404, message('Not Found'), `No function URL has the id "${headerSafe(id ?? '').slice(0, 40)}" on this Local Lambda.`);
    return { record, path: rest, domain: `${record.urlId}.lambda-url.${REGION}.localhost:${port}` };
  };

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const { record, path, domain } = locate(req, url);
    const cors = record.cors;
    if (cors && isPreflight(req.method ?? '', req.headers)) {
      req.resume();
      res.writeHead(200, { ...preflightHeaders(cors, req.headers), 'content-length': '0', 'x-amzn-requestid': randomUUID() }).end();
      return;
    }
    let iam: { accessKey: string; accountId: string; userArn: string } | undefined;
    const auth = record.authType === 'AWS_IAM' ? checkAuthorizationOrForbidden(req, opts.credentials) : undefined;
    let body: Buffer;
    try {
      body = await readBody(req, URL_PAYLOAD_LIMIT);
    } catch (err) {
      if (err instanceof ApiError && err.status === 413) throw new UrlFailure(413, message('Request Entity Too Large'), err.message, { connection: 'close' });
      throw err;
    }
    if (auth) {
      try {
        verifySignature(req, body, opts.credentials, auth, url);
      } catch (err) {
        throw new UrlFailure(403, message('Forbidden'), err instanceof Error ? err.message : String(err));
      }
      iam = { accessKey: auth.accessKeyId, accountId: ACCOUNT_ID, userArn: `arn:aws:iam::${ACCOUNT_ID}:user/local-lambda` };
    }
    const requestId = randomUUID();
    const event = eventV2({
      method: req.method ?? 'GET', path, rawQuery: url.search.slice(1), rawHeaders: req.rawHeaders, body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1', protocol: `HTTP/${req.httpVersion}`,
      domainName: domain, domainPrefix: record.urlId, apiId: record.urlId, accountId: ACCOUNT_ID, requestId, iam,
    });
    const payload = Buffer.from(JSON.stringify(event));
    if (payload.length > URL_PAYLOAD_LIMIT) {
      throw new UrlFailure(413, message('Request Entity Too Large'), `The event for this request is ${payload.length} bytes; Lambda takes at most ${URL_PAYLOAD_LIMIT}.`);
    }
    const ids = { 'x-amzn-requestid': requestId };
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const stream = record.invokeMode === 'RESPONSE_STREAM'
      ? new UrlResponseStream(res, () => ({ ...(cors ? responseCorsHeaders(cors, origin) : {}), ...ids }), req.method === 'HEAD') : undefined;
    const result = await invokeForHttp(opts, record.functionName, record.qualifier, requestId, payload, stream);
    if (stream?.started) {
      // The client has had the status and part of the body; an error now can only cut it short.
      stream.end();
      return;
    }
    if (!result.ok) {
      if (result.kind === 'missing') throw new UrlFailure(404, message('Not Found'), result.detail);
      if (result.kind === 'throttled') throw new UrlFailure(429, message('Rate Exceeded.'), result.detail, ids);
      throw new UrlFailure(502, message('Internal Server Error'), result.detail, ids);
    }
    const { outcome } = result;
    let mapped: HttpResponseOut;
    try {
      mapped = responseV2(outcome.payload);
    } catch (err) {
      if (!(err instanceof MalformedResponseError)) throw err;
      throw new UrlFailure(502, message('Internal Server Error'), `Malformed response: ${err.message}.`, ids);
    }
    const headers: Record<string, string | string[]> = { ...mapped.headers };
    if (cors) Object.assign(headers, responseCorsHeaders(cors, origin));
    if (mapped.cookies.length) headers['set-cookie'] = mapped.cookies;
    headers['content-length'] = String(mapped.body.length);
    Object.assign(headers, ids);
    res.writeHead(mapped.status, headers);
    res.end(req.method === 'HEAD' ? undefined : mapped.body);
  };

  const server = http.createServer((req, res) => {
    req.on('error', (err) => opts.log(`Function URL request stream error: ${err.message}`));
    res.on('error', (err) => opts.log(`Function URL response stream error: ${err.message}`));
    serve(req, res).catch((err: unknown) => {
      const failure = err instanceof UrlFailure ? err
        : err instanceof ApiError ? new UrlFailure(err.status, message(err.status === 404 ? 'Not Found' : 'Internal Server Error'), err.message)
          : new UrlFailure(500, message('Internal Server Error'), 'The Local Lambda failed while serving this URL; the details are in its log.');
      if (!(err instanceof UrlFailure) && !(err instanceof ApiError)) opts.log(`Function URL error on ${req.method} ${String(req.url).slice(0, 300)}: ${(err as Error)?.stack ?? String(err)}`);
      sendFailure(req, res, failure, errorTypeOf(failure.status), opts.log);
    });
  });
  port = await listenOn(server, opts.port, opts.host, '--url-port');
  hosts = new Set([`${hostPart}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  return {
    base: `http://${hostPart}:${port}`,
    close: () => closeServer(server),
  };
}

function checkAuthorizationOrForbidden(req: http.IncomingMessage, credentials: Credentials) {
  try {
    return checkAuthorization(req, credentials, { region: REGION, service: 'lambda' });
  } catch (err) {
    throw new UrlFailure(403, message('Forbidden'),
      `This URL's AuthType is AWS_IAM: sign the request with SigV4 (service lambda, region ${REGION}) and the Local Lambda's credentials. ${err instanceof Error ? err.message : ''}`);
  }
}

function errorTypeOf(status: number): string {
  switch (status) {
    case 403: return 'AccessDeniedException';
    case 404: return 'ResourceNotFoundException';
    case 413: return 'RequestTooLargeException';
    case 429: return 'TooManyRequestsException';
    default: return status >= 500 ? 'ServiceException' : 'InvalidRequestException';
  }
}
