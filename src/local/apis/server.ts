/**
 * Serves the templates' API routes (`Api` and `HttpApi` events) on one loopback port, at the
 * root as `sam local start-api` does: `http://127.0.0.1:<port>/orders/42`. REST routes get
 * payload 1.0, HTTP API routes 2.0 (or 1.0 when they ask), with stage variables, binary media
 * types and the template's Lambda authorizers.
 */

import * as http from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { ApiRoute } from '../../shared/sam/apiEvents';
import { ApiError, readBody } from '../http';
import { checkAuthorization, verifySignature, type Credentials } from '../auth';
import type { Invoker } from '../lambda/invoke';
import { ACCOUNT_ID, REGION } from '../lambda/model';
import type { LambdaStore } from '../lambda/store';
import type { CodeWatcher } from '../lambda/codeWatch';
import { MalformedResponseError, eventV2, responseV2, type HttpResponseOut } from '../urls/payload';
import { HttpFailure, closeServer, headerSafe, invokeForHttp, listenOn, sendFailure } from '../urls/httpInvoke';
import { eventV1, isBinaryType, responseV1, restHeaders, restQuery, restRequestContext } from './payload1';
import { executeApiArn, missingIdentity, verdictOf, type AuthorizerVerdict } from './authorizers';
import { AuthorizerCache, authorizerCacheKey } from './authorizerCache';
import { executionSpecOf } from '../lambda/invoke';
import { RouteTable } from './routes';
import { corsAnswer, responseHeadersFor } from './cors';

export const API_PAYLOAD_LIMIT = 6 * 1024 * 1024;

/** A route with the template that declares it. */
export interface LoadedRoute extends ApiRoute {
  file: string;
}

export interface ApiServerOptions {
  host: string;
  port: number;
  routes: RouteTable;
  store: LambdaStore;
  invoker: Invoker;
  codeWatcher: CodeWatcher;
  credentials: Credentials;
  log: (line: string) => void;
}

export interface ApiServer {
  base: string;
  close(): Promise<void>;
}

const message = (text: string) => JSON.stringify({ message: text });

/** A stable 10-character id per API (template file and logical id), as API Gateway ids look. */
export function apiIdOf(route: LoadedRoute): string {
  const digest = createHash('sha256').update(`${route.file}\n${route.api.logicalId}`).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(digest.subarray(0, 10), (b) => alphabet[b % 36]).join('');
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  let port = 0;
  const authorizerAnswers = new AuthorizerCache();
  const hostPart = opts.host === '::1' ? '[::1]' : opts.host;
  let hosts = new Set<string>();

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (!hosts.has((req.headers.host ?? '').toLowerCase())) {
      throw new HttpFailure(403, message('Forbidden'), `Host "${headerSafe(req.headers.host ?? '').slice(0, 100)}" is refused: the APIs are served at ${hostPart}:${port}.`);
    }
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    const cors = corsAnswer(opts.routes, method, url.pathname, req.headers);
    if (cors) {
      req.resume();
      res.writeHead(cors.status, { ...cors.headers, 'content-length': '0', 'x-amzn-requestid': randomUUID() }).end();
      return;
    }
    const found = opts.routes.match(method, url.pathname);
    if (!found) {
      throw new HttpFailure(404, message('Not Found'), `No route of the templates' APIs answers ${method} ${url.pathname.slice(0, 200)} (${opts.routes.routes.length} routes are served).`);
    }
    const route = found.route as LoadedRoute;
    const http2 = route.api.kind === 'HTTP';
    const failed = http2 ? message('Internal Server Error') : message('Internal server error');
    const apiId = apiIdOf(route);
    const requestId = randomUUID();
    const ids = { 'apigw-requestid': requestId.slice(0, 16), 'x-amzn-requestid': requestId };

    let body: Buffer;
    try {
      body = await readBody(req, API_PAYLOAD_LIMIT);
    } catch (err) {
      if (err instanceof ApiError && err.status === 413) throw new HttpFailure(413, message('Request Entity Too Large'), err.message, { connection: 'close' });
      throw err;
    }
    const domainName = `${hostPart}:${port}`;
    const routeKey = route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
    const common = {
      method, path: url.pathname, rawQuery: url.search.slice(1), rawHeaders: req.rawHeaders, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      protocol: `HTTP/${req.httpVersion}`, domainName, apiId, accountId: ACCOUNT_ID, requestId, stage: route.api.stage,
      pathParameters: found.pathParameters, stageVariables: route.api.stageVariables,
    };
    const resource = route.path === '$default' ? '$default' : route.path;
    const restIn = (authorizer?: Record<string, unknown>) => ({
      ...common, resource, binary: !http2 && isBinaryType(req.headers['content-type'], route.api.binaryMediaTypes), authorizer,
    });
    const v2In = (authorizer?: Record<string, unknown>) => ({ ...common, domainPrefix: hostPart, routeKey, authorizer });

    // --- the authorizer ---
    let authorizerContext: Record<string, unknown> | undefined;
    const auth = route.authorizer;
    if (auth?.kind === 'iam') {
      try {
        const checked = checkAuthorization(req, opts.credentials, { region: REGION, service: 'execute-api' });
        verifySignature(req, body, opts.credentials, checked, url);
      } catch (err) {
        throw new HttpFailure(403, message('Forbidden'), `This route uses AWS_IAM: sign it with SigV4 (service execute-api, region ${REGION}) and the Local Lambda's credentials. ${err instanceof Error ? err.message : ''}`);
      }
    } else if (auth?.kind === 'lambda' && auth.functionName) {
      const missing = missingIdentity(auth, req.headers, url.searchParams);
      if (missing.length) throw new HttpFailure(401, message('Unauthorized'), `The authorizer ${auth.name} needs ${missing.join(', ')}.`);
      const arn = executeApiArn(REGION, ACCOUNT_ID, route, apiId, method, route.path === '$default' ? url.pathname : route.path);
      let event: Record<string, unknown>;
      if (!http2 && auth.payloadType === 'TOKEN') {
        event = { type: 'TOKEN', authorizationToken: String(req.headers[auth.identityHeaders[0]] ?? ''), methodArn: arn };
      } else if (!http2 || auth.payloadFormat === '1.0') {
        const { headers, multi } = restHeaders(req.rawHeaders);
        const query = restQuery(url.search.slice(1));
        event = {
          ...(http2 ? { version: '1.0', identitySource: auth.identityHeaders.map((h) => String(req.headers[h] ?? '')).join(',') } : {}),
          type: 'REQUEST', methodArn: arn, resource, path: url.pathname, httpMethod: method, headers, multiValueHeaders: multi,
          queryStringParameters: query.single, multiValueQueryStringParameters: query.multi, pathParameters: found.pathParameters,
          stageVariables: route.api.stageVariables, requestContext: restRequestContext(restIn(), new Date(), headers),
        };
      } else {
        const base = eventV2(v2In());
        event = {
          version: '2.0', type: 'REQUEST', routeArn: arn,
          identitySource: [...auth.identityHeaders.map((h) => String(req.headers[h] ?? '')), ...auth.identityQueryStrings.map((q) => url.searchParams.get(q) ?? '')],
          ...Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'version' && k !== 'body' && k !== 'isBase64Encoded')),
        };
      }
      const authFn = opts.store.find(auth.functionName);
      const cacheKey = authFn ? authorizerCacheKey(auth, `${apiId}|${auth.payloadType}|${String(auth.simpleResponses)}|${auth.resultTtlSeconds}`,
        executionSpecOf(opts.store, authFn, authFn.latest, opts.codeWatcher).revisionKey, req.headers, url.searchParams) : undefined;
      const cached = cacheKey ? authorizerAnswers.get(cacheKey) : undefined;
      let verdict: AuthorizerVerdict;
      if (cached) {
        verdict = verdictOf(auth, cached.payload, false, arn);
        if (!verdict.allow) {
          verdict = { ...verdict, detail: `${verdict.detail} (The answer was kept from ${new Date(cached.storedAt).toISOString()} for this identity, as API Gateway keeps it for ReauthorizeEvery = ${auth.resultTtlSeconds} s; 0 turns that off.)` };
        }
      } else {
        const authResult = await invokeForHttp(opts, auth.functionName, undefined, randomUUID(), Buffer.from(JSON.stringify(event)));
        if (!authResult.ok && authResult.kind !== 'functionError') {
          throw new HttpFailure(authResult.kind === 'throttled' ? 429 : 500, failed, `The authorizer ${auth.name}: ${authResult.detail}`, ids);
        }
        verdict = authResult.ok
          ? verdictOf(auth, authResult.outcome.payload, false, arn)
          : verdictOf(auth, Buffer.from(JSON.stringify({ errorMessage: authResult.detail.replace(/^[^:]*: /, '') })), true, arn);
        // An answer that is an answer (allow or deny) is kept; a failed or malformed one is not.
        if (authResult.ok && cacheKey && (verdict.allow || verdict.status === 403)) authorizerAnswers.set(cacheKey, authResult.outcome.payload, auth.resultTtlSeconds ?? 0);
      }
      if (!verdict.allow) throw new HttpFailure(verdict.status, message(verdict.message), verdict.detail, ids);
      authorizerContext = http2 ? { lambda: verdict.context } : verdict.context;
    }

    // --- the function ---
    const event = route.payloadFormat === '1.0' ? eventV1(restIn(authorizerContext)) : eventV2(v2In(authorizerContext));
    const payload = Buffer.from(JSON.stringify(event));
    if (payload.length > API_PAYLOAD_LIMIT) {
      throw new HttpFailure(413, message('Request Entity Too Large'), `The event for this request is ${payload.length} bytes; Lambda takes at most ${API_PAYLOAD_LIMIT}.`);
    }
    const result = await invokeForHttp(opts, route.functionName, undefined, requestId, payload);
    if (!result.ok) {
      if (result.kind === 'throttled') throw new HttpFailure(429, message('Too Many Requests'), result.detail, ids);
      throw new HttpFailure(http2 ? 500 : 502, failed, result.detail, ids);
    }
    let mapped: HttpResponseOut;
    try {
      mapped = route.payloadFormat === '1.0'
        ? responseV1(result.outcome.payload, (type) => isBinaryType(type, route.api.binaryMediaTypes) || isBinaryType(String(req.headers.accept ?? ''), route.api.binaryMediaTypes) || http2)
        : responseV2(result.outcome.payload);
    } catch (err) {
      if (!(err instanceof MalformedResponseError)) throw err;
      throw new HttpFailure(http2 ? 500 : 502, failed, `Malformed response: ${err.message}.`, ids);
    }
    const headers: Record<string, string | string[]> = { ...mapped.headers };
    // An HTTP API's CORS headers win over the function's, as API Gateway ignores those.
    const corsHeaders = responseHeadersFor(route, req.headers.origin);
    if (route.api.httpCors) {
      for (const name of Object.keys(headers)) if (name.toLowerCase().startsWith('access-control-')) delete headers[name];
    }
    Object.assign(headers, corsHeaders);
    if (mapped.cookies.length) headers['set-cookie'] = mapped.cookies;
    headers['content-length'] = String(mapped.body.length);
    Object.assign(headers, ids);
    res.writeHead(mapped.status, headers);
    res.end(method === 'HEAD' ? undefined : mapped.body);
  };

  const server = http.createServer((req, res) => {
    req.on('error', (err) => opts.log(`API request stream error: ${err.message}`));
    res.on('error', (err) => opts.log(`API response stream error: ${err.message}`));
    serve(req, res).catch((err: unknown) => {
      const failure = err instanceof HttpFailure ? err
        : err instanceof ApiError ? new HttpFailure(err.status, message(err.message), err.message)
          : new HttpFailure(500, message('Internal Server Error'), 'The Local Lambda failed while serving this route; the details are in its log.');
      if (!(err instanceof HttpFailure) && !(err instanceof ApiError)) opts.log(`API error on ${req.method} ${String(req.url).slice(0, 300)}: ${(err as Error)?.stack ?? String(err)}`);
      const type = failure.status === 401 ? 'UnauthorizedException' : failure.status === 403 ? 'AccessDeniedException' : failure.status === 404 ? 'NotFoundException'
        : failure.status === 413 ? 'RequestTooLargeException' : failure.status === 429 ? 'TooManyRequestsException' : 'InternalServerErrorException';
      sendFailure(req, res, failure, type, opts.log);
    });
  });
  port = await listenOn(server, opts.port, opts.host, '--api-port');
  hosts = new Set([`${hostPart}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  return { base: `http://${hostPart}:${port}`, close: () => closeServer(server) };
}
