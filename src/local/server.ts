import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError, answerFailure, readBody, sendJson } from './http';
import { makeDir, readJsonFile, secureDataDir, writeJsonAtomic } from './persist';
import { checkAuthorization, verifySignature, type Credentials } from './auth';
import { LambdaApi } from './lambda/api';
import { executionSpecOf, invocationTypeOf, payloadLimitOf, tooLarge } from './lambda/invoke';
import { ACCOUNT_ID, REGION } from './lambda/model';
import { LambdaStore } from './lambda/store';
import { ASYNC_LIMITS, AsyncEvents } from './lambda/asyncEvents';
import { FUNCTION_NAME_PATTERN } from '../shared/lambda/limits';
import { CodeWatcher } from './lambda/codeWatch';
import { loadTemplates, type TemplateReport } from './lambda/templates';
import { LogStore } from './logs/store';
import { handleLogsRequest } from './logs/api';
import { InvocationRecords } from './metrics/records';
import { handleMetricsRequest, METRICS_TARGET_PREFIX } from './metrics/api';
import type { InterpreterMap } from './runtime/interpreters';
import { RuntimeManager } from './runtime/manager';
import { ACCOUNT_CONCURRENCY } from './runtime/capacity';
import type { RuntimeNote } from './runtime/notes';
import { UrlStore } from './urls/store';
import { UrlApi } from './urls/api';
import { startUrlServer, type UrlServer } from './urls/server';
import { applyTemplateUrls } from './urls/templateUrls';
import { startApiServer, type ApiServer } from './apis/server';
import { routeTableOf } from './apis/templateRoutes';
import { Schedules } from './schedules';
import { ASYNC_QUEUE_FILE, readQueueFile } from './lambda/asyncQueueFile';
import { parseJsonBody } from './lambda/requests';

export interface LocalLambdaOptions {
  /** Folder holding template.yaml (and/or subfolders with templates). */
  dir: string;
  /** Default `<dir>/.local-lambda`. */
  dataDir?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** The port function URLs are served on (`--url-port`; default 0, any free port). */
  urlPort?: number;
  /** The port the templates' API routes are served on (`--api-port`; default 0, any free port). */
  apiPort?: number;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  credentials?: Credentials;
  /** Invocations at once, running or waiting (`--max-concurrency`; default 1000, AWS's default account quota). */
  maxConcurrency?: number;
  /** Runtime processes at once (`--max-environments`; default memory-aware, see RuntimeManagerOptions). */
  maxEnvironments?: number;
  /** Requests that may wait for an environment (`--queue-length`; default 256). */
  queueLength?: number;
  /** How long a request may wait for an environment (`--queue-wait`; default 10 s). */
  queueWaitMs?: number;
  /** Idle environments are stopped after this (`--idle-timeout`; default 5 minutes). */
  idleTimeoutMs?: number;
  /** Runtime → interpreter executable (python3.12 → /usr/bin/python3.12). */
  interpreters?: InterpreterMap;
  /** Called with each runtime note (interpreter choice, version warnings, builds, runtime libraries). */
  onRuntimeNote?: (note: RuntimeNote) => void;
  /** How long a debug session's runtime waits for a debugger to attach (default 60 s). */
  debugAttachMs?: number;
  /**
   * Right after start, build and prepare every template function one after the other (installs,
   * bundles, interpreter checks), so builds show before the first invoke (default false).
   */
  prepareAhead?: boolean;
  /** Template parameter values, over samconfig.toml's and the Defaults (`--parameter-overrides`). */
  parameterOverrides?: Readonly<Record<string, string>>;
  /** Layer ARN (with or without version) → local folder (`--layer ARN=folder`); relative folders are taken from `dir`. */
  layers?: Readonly<Record<string, string>>;
  /** Where failures the server could not answer precisely are written, with their stacks (default stderr). */
  log?: (line: string) => void;
  /**
   * Multiplies the delays of asynchronous invocations (retries, throttle backoff) and the clock
   * their age is measured by, from 0.0001 to 1 (`--time-scale`; default 1, real time).
   */
  asyncTimeScale?: number;
}

export interface LocalLambda {
  endpoint: string;
  /** Where function URLs are served: a URL is this, its id and a slash. */
  urlEndpoint: string;
  /** Where the templates' API routes are served, when they declare any. */
  apiEndpoint?: string;
  region: string;
  accountId: string;
  credentials: Credentials;
  dataDir: string;
  /** What the templates gave: loaded functions, errors, warnings and notes with file and line. */
  templates: TemplateReport;
  /** Names of all functions (from templates and uploads). */
  functions(): string[];
  /** What the runtimes noted so far: interpreters, version warnings, builds, runtime libraries. */
  runtimeNotes(): RuntimeNote[];
  /** Warnings about one function's environment (e.g. a runtime newer than its interpreter). */
  functionWarnings(name: string): string[];
  /** Stops the builds running now; the functions waiting for them fail to start this time. */
  cancelBuilds(): void;
  /** Settles when the builds started ahead (prepareAhead) are done. */
  preparedAhead: Promise<void>;
  close(): Promise<void>;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
const JSON_BODY_LIMIT = 6 * 1024 * 1024;
/** Base64 of a 50 MB zip plus the rest of the JSON document. */
const CODE_BODY_LIMIT = 70 * 1024 * 1024;
const LOGS_TARGET_PREFIX = 'Logs_20140328.';

/** Credentials from options, then the environment, then `<data-dir>/credentials.json` (made once). */
export function resolveCredentials(dataDir: string, given?: Credentials): Credentials {
  if (given) return given;
  const envId = process.env.LOCAL_LAMBDA_ACCESS_KEY_ID;
  const envSecret = process.env.LOCAL_LAMBDA_SECRET_ACCESS_KEY;
  if (envId && envSecret) return { accessKeyId: envId, secretAccessKey: envSecret };
  const file = path.join(dataDir, 'credentials.json');
  const stored = readJsonFile<Credentials>(file);
  if (stored && typeof stored.accessKeyId === 'string' && typeof stored.secretAccessKey === 'string') return stored;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = 'LKIA' + Array.from(randomBytes(16), (b) => alphabet[b % 32]).join('');
  const created = { accessKeyId: id, secretAccessKey: randomBytes(30).toString('base64') };
  writeJsonAtomic(file, created);
  try { fs.chmodSync(file, 0o600); } catch { /* best effort on file systems without modes */ }
  return created;
}

function bodyLimit(req: http.IncomingMessage, pathname: string): number {
  if (req.method === 'POST' && /^\/2015-03-31\/functions\/[^/]+\/invocations\/?$/.test(pathname)) {
    return payloadLimitOf(invocationTypeOf(req));
  }
  if ((req.method === 'POST' && /^\/2015-03-31\/functions\/?$/.test(pathname)) ||
      (req.method === 'PUT' && /^\/2015-03-31\/functions\/[^/]+\/code\/?$/.test(pathname))) {
    return CODE_BODY_LIMIT;
  }
  return JSON_BODY_LIMIT;
}

/** Starts the Local Lambda: the Lambda, CloudWatch Logs and CloudWatch metrics APIs on a loopback port. */
export async function startLocalLambda(opts: LocalLambdaOptions): Promise<LocalLambda> {
  const host = opts.host ?? '127.0.0.1';
  const { min: minScale, max: maxScale } = ASYNC_LIMITS.timeScale;
  if (opts.asyncTimeScale !== undefined && !(opts.asyncTimeScale >= minScale && opts.asyncTimeScale <= maxScale)) {
    throw new Error(`The time scale must be a number from ${minScale} to ${maxScale} (got ${String(opts.asyncTimeScale)}).`);
  }
  if (!isLoopback(host)) {
    throw new Error(`The Local Lambda listens on loopback addresses only (127.0.0.1 or another 127.x address, ::1, localhost); "${host}" is not one.`);
  }
  const dir = path.resolve(opts.dir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`The folder ${dir} does not exist; point --dir to the folder holding template.yaml.`);
  }
  const dataDir = path.resolve(opts.dataDir ?? path.join(dir, '.local-lambda'));
  if (!fs.existsSync(dataDir)) makeDir(dataDir);
  // Corrupt state stops the start here, with its message, before anything in the data folder is written.
  const store = new LambdaStore(dataDir);
  store.load();
  const urlStore = new UrlStore(dataDir);
  urlStore.load();
  const queueFile = path.join(dataDir, ASYNC_QUEUE_FILE);
  const queuedEvents = readQueueFile(queueFile);
  const logStore = new LogStore(dataDir);
  secureDataDir(dataDir, LambdaStore.tmpFolders(dataDir));
  const credentials = resolveCredentials(dataDir, opts.credentials);
  const maxConcurrency = opts.maxConcurrency ?? ACCOUNT_CONCURRENCY;

  const templates = await loadTemplates(dir, store, { parameterOverrides: opts.parameterOverrides, layers: opts.layers });
  applyTemplateUrls(templates, store, urlStore);
  const routes = routeTableOf(templates);
  const records = new InvocationRecords();
  const runtime = new RuntimeManager({
    records,
    logSink: logStore, dataDir, maxConcurrency, maxEnvironments: opts.maxEnvironments, queueLength: opts.queueLength,
    queueWaitMs: opts.queueWaitMs, idleTimeoutMs: opts.idleTimeoutMs, interpreters: opts.interpreters, onNote: opts.onRuntimeNote,
    debugAttachMs: opts.debugAttachMs,
  });

  let port = 0;
  const hostPart = host === '::1' ? '[::1]' : host;
  const endpoint = () => `http://${hostPart}:${port}`;
  // The data folder may sit inside a code folder (CodeUri: .); what the server writes there is no code change.
  const codeWatcher = new CodeWatcher({ ignore: [dataDir] });
  const log = opts.log ?? ((line: string) => { process.stderr.write(`${line}\n`); });
  const asyncEvents = new AsyncEvents({ store, invoker: runtime, codeWatcher, logSink: logStore, timeScale: opts.asyncTimeScale, log,
    stateFile: queueFile, restored: queuedEvents });
  let urlServer: UrlServer | undefined;
  let apiServer: ApiServer | undefined;
  const urlApi = new UrlApi(urlStore, () => urlServer?.base ?? '');
  const api = new LambdaApi({ store, invoker: runtime, codeWatcher, endpoint, linkSecret: credentials.secretAccessKey, maxConcurrency,
    runtimeWarnings: (name) => runtime.functionWarnings(name), urls: urlApi, asyncEvents });
  // Schedules invoke asynchronously, as EventBridge does: through the Event queue, with its retries.
  const schedules = new Schedules(dataDir, templates, (functionName, payload) => {
    const requestId = randomUUID();
    asyncEvents.enqueue(store.get(functionName), undefined, payload, requestId);
    return Promise.resolve(requestId);
  }, log, opts.asyncTimeScale);

  const status = () => ({
    endpoint: endpoint(), functionUrlEndpoint: urlServer?.base, apiEndpoint: apiServer?.base,
    apiRoutes: routes.routes.map((r) => ({ api: r.api.logicalId, kind: r.api.kind, method: r.method, path: r.path, functionName: r.functionName })), region: REGION, accountId: ACCOUNT_ID, dataDir,
    functions: store.list().map((f) => f.name),
    templates: templates.templates, templateErrors: templates.errors, templateWarnings: templates.warnings, templateNotes: templates.notes,
    installs: templates.installs,
    runtimeNotes: runtime.notes(),
    concurrency: runtime.stats(),
    async: { queued: asyncEvents.queued, ...asyncEvents.metrics.totals() },
  });

  /** `GET /_local/destinations[?function=NAME]`: the invocation records of asynchronous invocations, newest last. */
  const destinations = (url: URL) => {
    const name = url.searchParams.get('function') ?? undefined;
    if (name !== undefined && !FUNCTION_NAME_PATTERN.test(name)) {
      throw new ApiError(400, 'ValidationException', `function=${name.slice(0, 100)} is not a function name (1–64 letters, digits, "-" and "_").`);
    }
    return { Deliveries: asyncEvents.deliveries(name) };
  };

  /** The service a request's credential must be scoped to, from where it goes. */
  const serviceOf = (req: http.IncomingMessage, pathname: string): 'logs' | 'monitoring' | 'lambda' => {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || pathname !== '/' || typeof target !== 'string') return 'lambda';
    return target.startsWith(LOGS_TARGET_PREFIX) ? 'logs' : target.startsWith(METRICS_TARGET_PREFIX) ? 'monitoring' : 'lambda';
  };

  /** The Host values this server answers to; set once its port is known. */
  let allowedHosts = new Set<string>();
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, state: { bodyRead: boolean }): Promise<void> => {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      throw new ApiError(403, 'AccessDeniedException',
        `Host "${String(req.headers.host ?? '').slice(0, 100)}" is refused: the Local Lambda answers only to ${hostPart}:${port}.`);
    }
    if (req.headers.origin !== undefined) {
      throw new ApiError(403, 'AccessDeniedException',
        'Requests from web pages (with an Origin header) are refused by the Local Lambda.');
    }
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'GET' && api.serveCode(res, url)) return;

    const service = serviceOf(req, url.pathname);
    // Who is calling is settled from the headers, before any body byte is read.
    const auth = checkAuthorization(req, credentials, { region: REGION, service });
    const isInvoke = /\/invocations\/?$/.test(url.pathname);
    let body: Buffer;
    try {
      body = await readBody(req, bodyLimit(req, url.pathname));
      state.bodyRead = true;
    } catch (err) {
      state.bodyRead = req.complete;
      if (err instanceof ApiError && err.status === 413 && isInvoke) {
        throw tooLarge(invocationTypeOf(req), Number(req.headers['content-length'] ?? 0) || bodyLimit(req, url.pathname) + 1);
      }
      throw err;
    }
    verifySignature(req, body, credentials, auth, url);
    if (service === 'logs') {
      await handleLogsRequest(req, res, body, logStore);
    } else if (service === 'monitoring') {
      handleMetricsRequest(req, res, body, { records, asyncPoints: () => asyncEvents.metrics.read() });
    } else if (req.method === 'GET' && url.pathname === '/_local/status') {
      sendJson(res, 200, status());
    } else if (url.pathname === '/_local/schedules' || url.pathname.startsWith('/_local/schedules/')) {
      handleSchedules(req, res, url, body);
    } else if (req.method === 'GET' && url.pathname === '/_local/destinations') {
      sendJson(res, 200, destinations(url));
    } else if (LambdaApi.owns(url.pathname)) {
      await api.handle(req, res, body, url);
    } else {
      throw new ApiError(404, 'UnknownOperationException',
        `No Local Lambda operation at ${req.method} ${url.pathname.slice(0, 200)}: the Lambda API lives under /2015-03-31/ ` +
        '(and other dated prefixes), CloudWatch Logs is POST / with X-Amz-Target Logs_20140328.* and CloudWatch metrics ' +
        `POST / with X-Amz-Target ${METRICS_TARGET_PREFIX}*`);
    }
  };

  /** GET /_local/schedules[?function=], PUT /_local/schedules/{id} {"Firing": bool}, POST /_local/schedules/{id}/fire. */
  const handleSchedules = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer): void => {
    const rest = url.pathname.slice('/_local/schedules'.length);
    if (rest === '' && req.method === 'GET') {
      sendJson(res, 200, { Schedules: schedules.list(url.searchParams.get('function') ?? undefined) });
      return;
    }
    const m = /^\/([^/]{1,300})(\/fire)?$/.exec(rest);
    let id = '';
    try {
      id = m ? decodeURIComponent(m[1]) : '';
    } catch { /* refused below */ }
    if (m && id && m[2] && req.method === 'POST') {
      void schedules.fire(id).then((entry) => sendJson(res, 200, entry), (err: unknown) => answerFailure(req, res, err, 'rest-json', log, false));
      return;
    }
    if (m && id && !m[2] && req.method === 'PUT') {
      const patch = parseJsonBody(body);
      if (typeof patch.Firing !== 'boolean') throw new ApiError(400, 'InvalidParameterValueException', 'Firing must be true or false.');
      sendJson(res, 200, schedules.setFiring(id, patch.Firing));
      return;
    }
    throw new ApiError(404, 'UnknownOperationException', `No schedule operation at ${req.method} ${url.pathname.slice(0, 200)}: use GET /_local/schedules, PUT /_local/schedules/{id} or POST /_local/schedules/{id}/fire.`);
  };

  const server = http.createServer((req, res) => {
    // A stream error without a listener would end the process; a dropped client is only logged.
    req.on('error', (err) => log(`Local Lambda request stream error on ${req.method} ${String(req.url).slice(0, 300)}: ${err.message}`));
    res.on('error', (err) => log(`Local Lambda response stream error on ${req.method} ${String(req.url).slice(0, 300)}: ${err.message}`));
    const state = { bodyRead: false };
    const target = String(req.headers['x-amz-target'] ?? '');
    const protocol = target.startsWith(LOGS_TARGET_PREFIX) ? 'json-1.1' : target.startsWith(METRICS_TARGET_PREFIX) ? 'json-1.0' : 'rest-json';
    let pending: Promise<void>;
    try {
      pending = handle(req, res, state);
    } catch (err) {
      pending = Promise.reject(err);
    }
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    pending.catch((err: unknown) => answerFailure(req, res, err, protocol, log, hasBody && !state.bodyRead && !req.complete));
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code !== 'ECONNRESET') log(`Local Lambda refused a malformed HTTP request: ${err.message}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    urlServer = await startUrlServer({ host, port: opts.urlPort ?? 0, store, urls: urlStore, invoker: runtime, codeWatcher, credentials, log });
    if (routes.routes.length > 0) apiServer = await startApiServer({ host, port: opts.apiPort ?? 0, routes, store, invoker: runtime, codeWatcher, credentials, log });
  } catch (err) {
    if (server.listening) server.close();
    await urlServer?.close();
    codeWatcher.close();
    await runtime.shutdown();
    await (logStore as unknown as { close?: () => Promise<void> | void }).close?.();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${opts.port} on ${host} is already in use; choose another --port (0 picks a free one).`, { cause: err });
    }
    throw err;
  }
  port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`${hostPart}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  let closing: Promise<void> | undefined;

  // Live code folders (and layer folders) are watched from the start, in the background, so the
  // first invoke finds the watches set up.
  for (const fn of store.list()) {
    if (fn.latest.code.live) codeWatcher.revision(fn.latest.code.dir);
    for (const arn of fn.latest.settings.layers) {
      const folder = store.layerFolder(arn);
      if (folder !== undefined) codeWatcher.revision(folder);
    }
  }

  // One function at a time: a first start should not run every npm and pip install at once.
  const preparedAhead = opts.prepareAhead
    ? (async () => {
      for (const fn of store.list()) {
        if (fn.source !== 'template' || closing) continue;
        await runtime.prepare(executionSpecOf(store, fn, fn.latest, codeWatcher)).catch(() => undefined); // reported as notes, and again at invoke
      }
    })()
    : Promise.resolve();

  const close = () => closing ??= (async () => {
    await Promise.all([new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }), urlServer?.close(), apiServer?.close()]);
    schedules.close();
    codeWatcher.close();
    asyncEvents.close();
    await runtime.shutdown();
    await api.drain();
    const closable = logStore as unknown as { close?: () => Promise<void> | void };
    await closable.close?.();
  })();

  return { endpoint: endpoint(), urlEndpoint: urlServer.base, apiEndpoint: apiServer?.base, region: REGION, accountId: ACCOUNT_ID, credentials: { ...credentials }, dataDir, templates,
    functions: () => store.list().map((f) => f.name), runtimeNotes: () => runtime.notes(),
    functionWarnings: (name) => runtime.functionWarnings(name), cancelBuilds: () => runtime.cancelBuilds(), preparedAhead, close };
}
