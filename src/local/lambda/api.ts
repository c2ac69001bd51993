import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256Base64 } from './zip';
import { ApiError, sendJson } from '../http';
import { functionArn, type FunctionRecord, type FunctionSettings, type VersionRecord } from './model';
import { aliasOf, configurationOf } from './format';
import { handleInvoke, handleInvokeWithResponseStream, resolveQualifier, type Invoker } from './invoke';
import type { CodeWatcher } from './codeWatch';
import type { UrlApi } from '../urls/api';
import { DEFAULT_SETTINGS, decodePathSegment, paginate, parseFunctionRef, parseJsonBody, readSettings, readZipFile } from './requests';
import { LambdaStore, notFound } from './store';
import type { AsyncEvents } from './asyncEvents';
import { applyConfigPatch, configQualifier, eventInvokeConfigOf, listMaxItems, noConfig, readConfigBody } from './eventInvokeConfig';
import { intInRange, invalid, isPlainMap, optionalString, validateAliasName, validateFunctionName, validateTags, wrongType } from './validation';

export interface LambdaApiOptions {
  store: LambdaStore;
  invoker: Invoker;
  /** Notices edits to live code folders (and layer folders) without a look at the disk per call. */
  codeWatcher: CodeWatcher;
  /** Base URL of this server, for code download links. */
  endpoint: () => string;
  /** Secret used to sign code download links. */
  linkSecret: string;
  maxConcurrency: number;
  /** What the runtimes found about a function (e.g. it runs on an older interpreter), shown with its configuration. */
  runtimeWarnings?: (functionName: string) => string[];
  /** Function URL configurations. */
  urls: UrlApi;
  /** Takes Event invocations: their queue, retries and destinations. */
  asyncEvents: AsyncEvents;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  query: URLSearchParams;
  params: string[];
}

type Result = { status: number; body?: unknown } | undefined;
type Handler = (ctx: Ctx) => Promise<Result> | Result;

const FN = '([^/]+)';
/** How long a code link works; AWS's presigned Code.Location is valid for up to 10 minutes. */
export const CODE_LINK_LIFETIME_MS = 10 * 60 * 1000;

/** A RevisionId sent with an update: a string when given (AWS's are UUIDs). */
function readRevisionId(body: Record<string, unknown>): string | undefined {
  return optionalString(body.RevisionId, 'RevisionId', 128);
}

/** The Lambda REST-JSON API over a LambdaStore. */
export class LambdaApi {
  private readonly routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [];

  private configuration(fn: FunctionRecord, v: VersionRecord, arnQualifier?: string): Record<string, unknown> {
    return configurationOf(fn, v, arnQualifier, this.opts.runtimeWarnings?.(fn.name));
  }

  constructor(private readonly opts: LambdaApiOptions) {
    const r = (method: string, path: string, handler: Handler) =>
      this.routes.push({ method, pattern: new RegExp(`^${path}/?$`), handler });
    // Invoke first: it is the call made most, and no other route's pattern matches its paths.
    r('POST', `/2015-03-31/functions/${FN}/invocations`, (c) => this.invoke(c));
    r('POST', `/2021-11-15/functions/${FN}/response-streaming-invocations`, async (c) => {
      const { fn, qualifier } = this.fn(c);
      await handleInvokeWithResponseStream(this.store, this.opts.invoker, this.opts.codeWatcher, fn, qualifier, c.req, c.res, c.body);
      return undefined;
    });
    r('GET', '/2015-03-31/functions', (c) => this.listFunctions(c));
    r('POST', '/2015-03-31/functions', (c) => this.createFunction(c));
    r('GET', `/2015-03-31/functions/${FN}`, (c) => this.getFunction(c));
    r('DELETE', `/2015-03-31/functions/${FN}`, (c) => this.deleteFunction(c));
    r('GET', `/2015-03-31/functions/${FN}/configuration`, (c) => this.getConfiguration(c));
    r('PUT', `/2015-03-31/functions/${FN}/configuration`, (c) => this.updateConfiguration(c));
    r('PUT', `/2015-03-31/functions/${FN}/code`, (c) => this.updateCode(c));
    r('POST', `/2015-03-31/functions/${FN}/versions`, (c) => this.publishVersion(c));
    r('GET', `/2015-03-31/functions/${FN}/versions`, (c) => this.listVersions(c));
    r('POST', `/2015-03-31/functions/${FN}/aliases`, (c) => this.createAlias(c));
    r('GET', `/2015-03-31/functions/${FN}/aliases`, (c) => this.listAliases(c));
    r('GET', `/2015-03-31/functions/${FN}/aliases/${FN}`, (c) => this.getAlias(c));
    r('PUT', `/2015-03-31/functions/${FN}/aliases/${FN}`, (c) => this.updateAlias(c));
    r('DELETE', `/2015-03-31/functions/${FN}/aliases/${FN}`, (c) => this.deleteAlias(c));
    r('GET', `/2015-03-31/functions/${FN}/policy`, (c) => this.getPolicy(c));
    r('GET', '/2015-03-31/event-source-mappings', () => ({ status: 200, body: { EventSourceMappings: [] } }));
    r('GET', '/2016-08-19/account-settings', () => this.accountSettings());
    r('PUT', `/2017-10-31/functions/${FN}/concurrency`, (c) => this.putConcurrency(c));
    r('DELETE', `/2017-10-31/functions/${FN}/concurrency`, (c) => this.deleteConcurrency(c));
    r('GET', `/2019-09-30/functions/${FN}/concurrency`, (c) => this.getConcurrency(c));
    r('POST', `/2021-10-31/functions/${FN}/url`, (c) => { const { fn, qualifier } = this.fn(c); return this.opts.urls.create(fn, qualifier, parseJsonBody(c.body)); });
    r('GET', `/2021-10-31/functions/${FN}/url`, (c) => { const { fn, qualifier } = this.fn(c); return this.opts.urls.get(fn, qualifier); });
    r('PUT', `/2021-10-31/functions/${FN}/url`, (c) => { const { fn, qualifier } = this.fn(c); return this.opts.urls.update(fn, qualifier, parseJsonBody(c.body)); });
    r('DELETE', `/2021-10-31/functions/${FN}/url`, (c) => { const { fn, qualifier } = this.fn(c); return this.opts.urls.delete(fn, qualifier); });
    r('GET', `/2021-10-31/functions/${FN}/urls`, (c) => this.opts.urls.list(this.fn(c, false).fn, c.query));
    r('GET', '/2017-03-31/tags/([^/]+)', (c) => this.listTags(c));
    // Asynchronous invocation settings (event invoke configs).
    r('GET', `/2019-09-25/functions/${FN}/event-invoke-config/list`, (c) => this.listEventInvokeConfigs(c));
    r('PUT', `/2019-09-25/functions/${FN}/event-invoke-config`, (c) => this.putEventInvokeConfig(c, 'put'));
    r('POST', `/2019-09-25/functions/${FN}/event-invoke-config`, (c) => this.putEventInvokeConfig(c, 'update'));
    r('GET', `/2019-09-25/functions/${FN}/event-invoke-config`, (c) => this.getEventInvokeConfig(c));
    r('DELETE', `/2019-09-25/functions/${FN}/event-invoke-config`, (c) => this.deleteEventInvokeConfig(c));
  }

  /** True when the path belongs to the Lambda API (a dated API prefix). */
  static owns(path: string): boolean {
    return /^\/20\d\d-\d\d-\d\d\//.test(path);
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer, url: URL): Promise<void> {
    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      const params = m.slice(1).map(decodePathSegment);
      const result = await route.handler({ req, res, body, query: url.searchParams, params });
      if (result) {
        if (result.status === 204 || result.body === undefined) res.writeHead(result.status).end();
        else sendJson(res, result.status, result.body);
      }
      return;
    }
    throw new ApiError(404, 'ResourceNotFoundException',
      `The Local Lambda does not implement ${req.method} ${url.pathname}.`);
  }

  /** Waits for the Event invocations running now. */
  async drain(): Promise<void> {
    await this.opts.asyncEvents.drain();
  }

  // --- code download links ------------------------------------------------------------

  /** Binds a link to the function, the version, the exact code (its SHA-256) and the moment it stops working. */
  private linkToken(name: string, version: string, codeSha256: string, expires: number): string {
    return createHmac('sha256', this.opts.linkSecret).update(`${name}\n${version}\n${codeSha256}\n${expires}`).digest('hex');
  }

  /** The Code.Location GetFunction gives for one version's code. */
  codeLink(name: string, version: string, codeSha256: string, now = Date.now()): string {
    const expires = Math.floor((now + CODE_LINK_LIFETIME_MS) / 1000);
    const query = new URLSearchParams({ code: codeSha256, expires: String(expires), token: this.linkToken(name, version, codeSha256, expires) });
    return `${this.opts.endpoint()}/_local/code/${encodeURIComponent(name)}/${encodeURIComponent(version)}.zip?${query.toString()}`;
  }

  /**
   * Serves `GET /_local/code/{name}/{version}.zip?code=…&expires=…&token=…` — unsigned, so the link
   * itself is signed: it works until it expires, and only while the version still has the code
   * it was issued for.
   */
  serveCode(res: ServerResponse, url: URL, now = Date.now()): boolean {
    const m = /^\/_local\/code\/([^/]+)\/([^/]+)\.zip$/.exec(url.pathname);
    if (!m) return false;
    const [name, version] = [decodePathSegment(m[1]), decodePathSegment(m[2])];
    const codeSha256 = url.searchParams.get('code') ?? '';
    const expiresText = url.searchParams.get('expires') ?? '';
    const expires = /^\d{1,12}$/.test(expiresText) ? Number(expiresText) : NaN;
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    const expected = Buffer.from(Number.isNaN(expires) ? '' : this.linkToken(name, version, codeSha256, expires));
    if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ApiError(403, 'AccessDeniedException', 'The code link is not valid; call GetFunction for a fresh one.');
    }
    if (now > expires * 1000) {
      throw new ApiError(403, 'AccessDeniedException',
        `The code link expired at ${new Date(expires * 1000).toISOString()} (links last 10 minutes); call GetFunction for a fresh one.`);
    }
    const fn = this.opts.store.get(name);
    const record = version === '$LATEST' ? fn.latest : this.opts.store.version(fn, version);
    if (!record) throw notFound(name, version);
    const zip = this.opts.store.zipOf(record.code);
    if ((record.code.live ? sha256Base64(zip) : record.code.sha256) !== codeSha256) {
      throw new ApiError(404, 'ResourceNotFoundException',
        `The code this link was issued for is no longer the code of ${name}:${version} (it was updated since); call GetFunction for a link to the current code.`);
    }
    res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': String(zip.length) }).end(zip);
    return true;
  }

  // --- helpers ------------------------------------------------------------------------

  private get store(): LambdaStore {
    return this.opts.store;
  }

  private fn(c: Ctx, allowQualifier = true): { fn: FunctionRecord; qualifier?: string } {
    const ref = parseFunctionRef(c.params[0], c.query.get('Qualifier') ?? undefined);
    if (ref.qualifier !== undefined && !allowQualifier) {
      throw invalid('This operation does not accept a qualified function name.');
    }
    return { fn: this.store.get(ref.name, ref.qualifier), qualifier: ref.qualifier };
  }

  // --- functions ----------------------------------------------------------------------

  private listFunctions(c: Ctx): Result {
    const all = c.query.get('FunctionVersion') === 'ALL';
    if (c.query.has('FunctionVersion') && !all) throw invalid('FunctionVersion must be ALL when given.');
    const functions = this.store.list();
    if (!all) {
      // Page first, then describe only that page: listing stays cheap with thousands of functions.
      const { page, nextMarker } = paginate(functions, c.query.get('Marker'), c.query.get('MaxItems'), 50);
      return { status: 200, body: { Functions: page.map((fn) => this.configuration(fn, fn.latest)), ...(nextMarker ? { NextMarker: nextMarker } : {}) } };
    }
    const items = functions.flatMap((fn) => [this.configuration(fn, fn.latest), ...fn.versions.map((v) => this.configuration(fn, v))]);
    const { page, nextMarker } = paginate(items, c.query.get('Marker'), c.query.get('MaxItems'), 50);
    return { status: 200, body: { Functions: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) } };
  }

  private createFunction(c: Ctx): Result {
    const body = parseJsonBody(c.body);
    const name = validateFunctionName(body.FunctionName);
    const settings = readSettings(body);
    if (!settings.runtime) throw invalid('Runtime is required for a function packaged as a .zip file.');
    if (!settings.handler) throw invalid('Handler is required for a function packaged as a .zip file.');
    if (!settings.role) throw invalid('Role is required: give an IAM role ARN (it is recorded, not enforced).');
    if (body.PackageType !== undefined && body.PackageType !== 'Zip') {
      throw invalid('Only PackageType Zip is available on the Local Lambda.');
    }
    if (this.store.find(name)) {
      throw new ApiError(409, 'ResourceConflictException', `Function already exist: ${name}`);
    }
    if (body.Code !== undefined && !isPlainMap(body.Code)) throw wrongType('Code', 'an object with ZipFile', body.Code);
    const tags = validateTags(body.Tags);
    const zip = readZipFile(body.Code?.ZipFile);
    const code = this.store.storeZip(name, zip);
    const full: FunctionSettings = { ...DEFAULT_SETTINGS, ...settings } as FunctionSettings;
    const fn = this.store.create(name, 'upload', full, code, { tags });
    let version = fn.latest;
    if (body.Publish === true) version = this.store.publish(fn).version;
    // As on AWS, the answer to CreateFunction says Pending; the Local Lambda has nothing to
    // provision, so the next read already says Active.
    return { status: 201, body: { ...this.configuration(fn, version), State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' } };
  }

  private getFunction(c: Ctx): Result {
    const { fn, qualifier } = this.fn(c);
    const { record, arnQualifier } = this.resolveForRead(fn, qualifier);
    if (record.code.live) record.code = LambdaStore.liveCode(record.code.dir);
    const location = this.codeLink(fn.name, record.version, record.code.sha256);
    return {
      status: 200,
      body: {
        Configuration: this.configuration(fn, record, arnQualifier),
        Code: { RepositoryType: 'S3', Location: location },
        ...(fn.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } } : {}),
        ...(Object.keys(fn.tags).length ? { Tags: { ...fn.tags } } : {}),
      },
    };
  }

  /** For reads, an alias resolves to its primary version (no weighted pick). */
  private resolveForRead(fn: FunctionRecord, qualifier?: string) {
    if (qualifier !== undefined && qualifier !== '$LATEST' && !/^[0-9]+$/.test(qualifier)) {
      const alias = fn.aliases.find((a) => a.name === qualifier);
      if (!alias) throw notFound(fn.name, qualifier);
      return { ...resolveQualifier(this.store, fn, alias.functionVersion), arnQualifier: qualifier };
    }
    return resolveQualifier(this.store, fn, qualifier);
  }

  private getConfiguration(c: Ctx): Result {
    const { fn, qualifier } = this.fn(c);
    const { record, arnQualifier } = this.resolveForRead(fn, qualifier);
    return { status: 200, body: this.configuration(fn, record, arnQualifier) };
  }

  private updateConfiguration(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    const body = parseJsonBody(c.body);
    const revisionId = readRevisionId(body);
    const patch = readSettings(body);
    this.store.updateSettings(fn, patch, revisionId);
    return { status: 200, body: this.inProgress(fn) };
  }

  /**
   * The answer to an update: LastUpdateStatus InProgress, as AWS answers. The update then
   * completes at once, and its completion gives $LATEST a revision of its own (on AWS the
   * revision changes on the call and again when the update ends), so a client must read the
   * function again before its next guarded update.
   */
  private inProgress(fn: FunctionRecord): Record<string, unknown> {
    const answer = { ...this.configuration(fn, fn.latest), LastUpdateStatus: 'InProgress' };
    this.store.completeUpdate(fn);
    return answer;
  }

  private updateCode(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    const body = parseJsonBody(c.body);
    const revisionId = readRevisionId(body);
    // UpdateFunctionCode is where AWS takes Architectures (UpdateFunctionConfiguration has none).
    const { architectures } = readSettings({ Architectures: body.Architectures });
    this.store.checkRevision(fn, revisionId); // before storing any code
    const code = this.store.storeZip(fn.name, readZipFile(body.ZipFile));
    this.store.updateCode(fn, code, revisionId, architectures);
    if (fn.source === 'template') fn.source = 'upload';
    if (body.Publish === true) {
      const { version } = this.store.publish(fn);
      return { status: 200, body: this.configuration(fn, version) };
    }
    return { status: 200, body: this.inProgress(fn) };
  }

  private deleteFunction(c: Ctx): Result {
    const { fn, qualifier } = this.fn(c);
    this.store.deleteFunction(fn, qualifier);
    if (qualifier === undefined) this.opts.urls.forget(fn.name);
    return { status: 204 };
  }

  // --- versions -----------------------------------------------------------------------

  private publishVersion(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    const body = parseJsonBody(c.body);
    const description = optionalString(body.Description, 'Description', 256);
    const { version } = this.store.publish(fn, { description, revisionId: readRevisionId(body), codeSha256: body.CodeSha256 });
    return { status: 201, body: this.configuration(fn, version) };
  }

  private listVersions(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    const items = [fn.latest, ...fn.versions].map((v) => this.configuration(fn, v));
    const { page, nextMarker } = paginate(items, c.query.get('Marker'), c.query.get('MaxItems'), 50);
    return { status: 200, body: { Versions: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) } };
  }

  // --- aliases ------------------------------------------------------------------------

  private createAlias(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    const body = parseJsonBody(c.body);
    const name = validateAliasName(body.Name);
    if (typeof body.FunctionVersion !== 'string' || !/^(\$LATEST|[0-9]+)$/.test(body.FunctionVersion)) {
      throw invalid(`FunctionVersion must be $LATEST or a version number (got ${String(body.FunctionVersion)}).`);
    }
    const description = optionalString(body.Description, 'Description', 256) ?? '';
    const alias = this.store.createAlias(fn, name, body.FunctionVersion, description, body.RoutingConfig);
    return { status: 201, body: aliasOf(fn, alias) };
  }

  private getAlias(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    return { status: 200, body: aliasOf(fn, this.store.alias(fn, c.params[1])) };
  }

  private updateAlias(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    const body = parseJsonBody(c.body);
    if (body.FunctionVersion !== undefined &&
        (typeof body.FunctionVersion !== 'string' || !/^(\$LATEST|[0-9]+)$/.test(body.FunctionVersion))) {
      throw invalid(`FunctionVersion must be $LATEST or a version number (got ${String(body.FunctionVersion)}).`);
    }
    const alias = this.store.updateAlias(fn, c.params[1], {
      functionVersion: body.FunctionVersion as string | undefined,
      description: optionalString(body.Description, 'Description', 256),
      routing: body.RoutingConfig,
      revisionId: readRevisionId(body),
    });
    return { status: 200, body: aliasOf(fn, alias) };
  }

  private deleteAlias(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    this.store.deleteAlias(fn, c.params[1]);
    this.opts.urls.forget(fn.name, c.params[1]);
    return { status: 204 };
  }

  private listAliases(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    const version = c.query.get('FunctionVersion');
    const aliases = fn.aliases
      .filter((a) => version === null || a.functionVersion === version)
      .map((a) => aliasOf(fn, a));
    const { page, nextMarker } = paginate(aliases, c.query.get('Marker'), c.query.get('MaxItems'), 50);
    return { status: 200, body: { Aliases: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) } };
  }

  // --- invoke -------------------------------------------------------------------------

  private async invoke(c: Ctx): Promise<Result> {
    const { fn, qualifier } = this.fn(c);
    await handleInvoke(this.store, this.opts.invoker, this.opts.codeWatcher, fn, qualifier, c.req, c.res, c.body,
      (requestId) => this.opts.asyncEvents.enqueue(fn, qualifier, c.body, requestId));
    return undefined;
  }

  // --- event invoke configs -----------------------------------------------------------

  private putEventInvokeConfig(c: Ctx, mode: 'put' | 'update'): Result {
    const { fn, qualifier } = this.fn(c);
    const target = configQualifier(this.store, fn, qualifier);
    const patch = readConfigBody(parseJsonBody(c.body));
    const existing = this.store.eventInvokeConfig(fn, target);
    if (mode === 'update' && !existing) throw noConfig(fn, target);
    const config = this.store.putEventInvokeConfig(fn, applyConfigPatch(target, mode === 'update' ? existing : undefined, patch));
    return { status: 200, body: eventInvokeConfigOf(fn, config) };
  }

  private getEventInvokeConfig(c: Ctx): Result {
    const { fn, qualifier } = this.fn(c);
    const target = configQualifier(this.store, fn, qualifier);
    const config = this.store.eventInvokeConfig(fn, target);
    if (!config) throw noConfig(fn, target);
    return { status: 200, body: eventInvokeConfigOf(fn, config) };
  }

  private deleteEventInvokeConfig(c: Ctx): Result {
    const { fn, qualifier } = this.fn(c);
    const target = configQualifier(this.store, fn, qualifier);
    if (!this.store.eventInvokeConfig(fn, target)) throw noConfig(fn, target);
    this.store.deleteEventInvokeConfig(fn, target);
    return { status: 204 };
  }

  private listEventInvokeConfigs(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    const items = (fn.eventInvokeConfigs ?? []).map((config) => eventInvokeConfigOf(fn, config));
    const { page, nextMarker } = paginate(items, c.query.get('Marker'), listMaxItems(c.query.get('MaxItems')), 50);
    return { status: 200, body: { FunctionEventInvokeConfigs: page, ...(nextMarker ? { NextMarker: nextMarker } : {}) } };
  }

  // --- account, concurrency, odds and ends --------------------------------------------

  private accountSettings(): Result {
    const fns = this.store.list();
    const total = fns.reduce((sum, f) => sum + f.latest.code.size + f.versions.reduce((s, v) => s + v.code.size, 0), 0);
    return {
      status: 200,
      body: {
        AccountLimit: {
          TotalCodeSize: 80530636800,
          CodeSizeUnzipped: 262144000,
          CodeSizeZipped: 52428800,
          ConcurrentExecutions: this.opts.maxConcurrency,
          UnreservedConcurrentExecutions: this.opts.maxConcurrency - this.store.totalReserved(),
        },
        AccountUsage: { TotalCodeSize: total, FunctionCount: fns.length },
      },
    };
  }

  private putConcurrency(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    const body = parseJsonBody(c.body);
    const n = intInRange(body.ReservedConcurrentExecutions, 'reservedConcurrentExecutions', 0, this.opts.maxConcurrency);
    if (this.store.totalReserved(fn.name) + n > this.opts.maxConcurrency) {
      throw invalid(`Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution ` +
        `below its minimum value of [0] (the Local Lambda runs at most ${this.opts.maxConcurrency} at once; ` +
        `${this.store.totalReserved(fn.name)} already reserved).`);
    }
    this.store.setConcurrency(fn, n);
    return { status: 200, body: { ReservedConcurrentExecutions: n } };
  }

  private getConcurrency(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    return { status: 200, body: fn.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: fn.reservedConcurrency } : {} };
  }

  private deleteConcurrency(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    this.store.setConcurrency(fn, undefined);
    return { status: 204 };
  }

  private getPolicy(c: Ctx): Result {
    const { fn, qualifier } = this.fn(c);
    throw new ApiError(404, 'ResourceNotFoundException',
      `The resource you requested does not exist. (No policy is attached to ${functionArn(fn.name, qualifier)})`);
  }

  private listTags(c: Ctx): Result {
    const { fn } = this.fn(c, false);
    return { status: 200, body: { Tags: { ...fn.tags } } };
  }
}
