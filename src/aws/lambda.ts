import { sleep } from '../shared/lifecycle';
import type { AliasConfiguration, FunctionConfiguration, GetFunctionResponse, LambdaClient } from '@aws-sdk/client-lambda';
import type {
  CreateFunctionCommandInput,
  EventSourceMappingConfiguration,
  FunctionEventInvokeConfig,
  FunctionUrlConfig,
  GetAccountSettingsResponse,
  GetFunctionUrlConfigResponse,
  ProvisionedConcurrencyConfigListItem,
  UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import { isConflictError } from '../shared/errors';
import { redactEnvValues } from '../shared/lambda/environment';
import type { ScheduleEntry } from '../shared/schedule';
import { createLambdaClient } from './clients';
import { invokeError, sendInvoke, type InvokeRequest, type InvokeResponse } from './invoke';
import type { ConnectionSpec } from './connections';
import { NetworkError, toWorkbenchError, WorkbenchError, type ErrorContext } from './errors';

export type { AliasConfiguration, FunctionConfiguration };

export interface FunctionPage {
  functions: FunctionConfiguration[];
  /** Absent on the last page. */
  nextMarker?: string;
}

/** Lambda caps ListFunctions and ListVersionsByFunction at 50 items a page. */
export const MAX_PAGE_SIZE = 50;
/** Upper bound on pages walked for versions/aliases, so a misbehaving endpoint can't loop forever. */
const MAX_PAGES = 200;

/** Lambda refused an update because the function changed since its RevisionId was read (HTTP 412). */
export class RevisionConflictError extends WorkbenchError {
  constructor(functionName: string, cause?: unknown) {
    super('service', `${functionName} was changed by someone else since it was read (its RevisionId no longer matches). Nothing was overwritten.`, cause);
    this.name = 'RevisionConflictError';
  }
}

/** UpdateAlias refused: the alias changed since its RevisionId was read (HTTP 412). Nothing was overwritten. */
export class AliasConflictError extends RevisionConflictError {
  constructor(
    readonly functionName: string,
    readonly aliasName: string,
    cause?: unknown,
  ) {
    super(`Alias ${aliasName} of ${functionName}`, cause);
    this.name = 'AliasConflictError';
  }
}

/** CreateAlias refused: an alias of that name exists (HTTP 409). */
export class AliasExistsError extends WorkbenchError {
  constructor(functionName: string, aliasName: string, cause?: unknown) {
    super('service', `${functionName} already has an alias named ${aliasName}. Choose another name, or edit that alias.`, cause);
    this.name = 'AliasExistsError';
  }
}

/** Routing fields of CreateAlias/UpdateAlias; `AdditionalVersionWeights: {}` clears the split. */
export interface AliasRoutingFields {
  FunctionVersion: string;
  RoutingConfig: { AdditionalVersionWeights: Record<string, number> };
}

/** An update finished with LastUpdateStatus Failed; `reason` is Lambda's LastUpdateStatusReason. */
export class FunctionUpdateFailedError extends WorkbenchError {
  constructor(
    functionName: string,
    readonly reason: string | undefined,
    readonly reasonCode: string | undefined,
  ) {
    super('service', `The update of ${functionName} failed${reasonCode ? ` (${reasonCode})` : ''}: ${reason ?? 'Lambda gave no reason.'}`);
    this.name = 'FunctionUpdateFailedError';
  }
}

export interface WaitOptions {
  /** Give up after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Time between polls (default 1 s). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Typed Lambda operations for one connection and region; every error is a WorkbenchError. */
export class LambdaApi {
  private client?: Promise<LambdaClient>;
  private readonly errorContext: ErrorContext;

  constructor(
    readonly spec: ConnectionSpec,
    readonly region: string,
  ) {
    this.errorContext = { profile: spec.profile?.name, sso: spec.profile?.sso, endpoint: spec.endpoint, region };
  }

  private async call<T>(run: (client: LambdaClient, sdk: typeof import('@aws-sdk/client-lambda')) => Promise<T>): Promise<T> {
    try {
      this.client ??= createLambdaClient(this.spec, this.region).catch((error: unknown) => {
        this.client = undefined; // let the next call try again
        throw error;
      });
      const [client, sdk] = await Promise.all([this.client, import('@aws-sdk/client-lambda')]);
      return await run(client, sdk);
    } catch (error) {
      throw toWorkbenchError(error, this.errorContext);
    }
  }

  /** Resolves the connection's credentials; throws a CredentialsError when they are missing or expired. */
  async checkCredentials(): Promise<void> {
    await this.call(async (client) => {
      await client.config.credentials();
    });
  }

  listFunctionsPage(marker: string | undefined, maxItems: number): Promise<FunctionPage> {
    const pageSize = Math.min(Math.max(1, Math.floor(maxItems)), MAX_PAGE_SIZE);
    return this.call(async (client, sdk) => {
      const out = await client.send(new sdk.ListFunctionsCommand({ Marker: marker, MaxItems: pageSize }));
      return { functions: out.Functions ?? [], nextMarker: out.NextMarker || undefined };
    });
  }

  /** All versions, `$LATEST` first as Lambda lists them. */
  listVersions(functionName: string): Promise<FunctionConfiguration[]> {
    return this.call(async (client, sdk) => {
      const versions: FunctionConfiguration[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(new sdk.ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker, MaxItems: MAX_PAGE_SIZE }));
        versions.push(...(out.Versions ?? []));
        marker = out.NextMarker || undefined;
        if (!marker) break;
      }
      return versions;
    });
  }

  listAliases(functionName: string): Promise<AliasConfiguration[]> {
    return this.call(async (client, sdk) => {
      const aliases: AliasConfiguration[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(new sdk.ListAliasesCommand({ FunctionName: functionName, Marker: marker, MaxItems: MAX_PAGE_SIZE }));
        aliases.push(...(out.Aliases ?? []));
        marker = out.NextMarker || undefined;
        if (!marker) break;
      }
      return aliases;
    });
  }

  getFunction(functionName: string, qualifier?: string): Promise<GetFunctionResponse> {
    return this.call((client, sdk) => client.send(new sdk.GetFunctionCommand({ FunctionName: functionName, Qualifier: qualifier })));
  }

  getFunctionConfiguration(functionName: string, qualifier?: string): Promise<FunctionConfiguration> {
    return this.call((client, sdk) => client.send(new sdk.GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: qualifier })));
  }

  /**
   * Replaces `$LATEST`'s code with a zip. With `revisionId`, Lambda refuses the update when the
   * function changed since that revision was read: a RevisionConflictError, nothing overwritten.
   */
  updateFunctionCode(functionName: string, zip: Uint8Array, revisionId?: string, architectures?: Array<'x86_64' | 'arm64'>): Promise<FunctionConfiguration> {
    return this.call(async (client, sdk) => {
      try {
        return await client.send(new sdk.UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zip, RevisionId: revisionId, Architectures: architectures }));
      } catch (error) {
        if ((error as { name?: string }).name === 'PreconditionFailedException') throw new RevisionConflictError(functionName, error);
        throw error;
      }
    });
  }

  /**
   * Polls `$LATEST` until LastUpdateStatus leaves InProgress. Resolves with the configuration
   * when Successful; throws FunctionUpdateFailedError with Lambda's reason when Failed.
   */
  async waitForUpdate(functionName: string, options: WaitOptions = {}): Promise<FunctionConfiguration> {
    const { timeoutMs = 5 * 60_000, intervalMs = 1000, signal } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const config = await this.getFunctionConfiguration(functionName);
      if (config.LastUpdateStatus === 'Failed') {
        throw new FunctionUpdateFailedError(functionName, config.LastUpdateStatusReason, config.LastUpdateStatusReasonCode);
      }
      if (config.LastUpdateStatus !== 'InProgress') return config;
      if (Date.now() + intervalMs > deadline) {
        throw new WorkbenchError('service', `${functionName} was still updating after ${Math.round(timeoutMs / 1000)} s; check it again later.`);
      }
      await sleep(intervalMs, signal);
    }
  }

  /**
   * Creates a function from a zip (CreateFunction). Lambda's own errors pass through as
   * WorkbenchErrors; a name already taken is a FunctionExistsError.
   */
  createFunction(input: CreateFunctionInput): Promise<FunctionConfiguration> {
    return this.call(async (client, sdk) => {
      try {
        return await client.send(new sdk.CreateFunctionCommand({ ...input, PackageType: 'Zip' }));
      } catch (error) {
        if (isConflictError(error) && /exist/i.test((error as Error).message ?? '')) throw new FunctionExistsError(input.FunctionName, error);
        const vars = input.Environment?.Variables;
        if (!vars) throw error;
        const mapped = toWorkbenchError(error, this.errorContext);
        // Without the cause: the SDK error's message may hold the values.
        throw new WorkbenchError(mapped.kind, redactEnvValues(mapped.message, vars));
      }
    });
  }

  /**
   * Polls until State leaves Pending (a new function becomes Active). Resolves with the
   * configuration when Active; throws a WorkbenchError with Lambda's reason when Failed.
   */
  async waitForActive(functionName: string, options: WaitOptions = {}): Promise<FunctionConfiguration> {
    const { timeoutMs = 5 * 60_000, intervalMs = 1000, signal } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const config = await this.getFunctionConfiguration(functionName);
      if (config.State === 'Failed') {
        throw new WorkbenchError('service', `${functionName} could not be made ready${config.StateReasonCode ? ` (${config.StateReasonCode})` : ''}: ${config.StateReason ?? 'Lambda gave no reason.'}`);
      }
      if (config.State !== 'Pending') return config;
      if (Date.now() + intervalMs > deadline) {
        throw new WorkbenchError('service', `${functionName} was still Pending after ${Math.round(timeoutMs / 1000)} s; check it again later.`);
      }
      await sleep(intervalMs, signal);
    }
  }

  // --- configuration -------------------------------------------------------------------

  /**
   * Changes `$LATEST`'s settings in one UpdateFunctionConfiguration. With `revisionId`, Lambda
   * refuses when the function changed since that revision was read: a RevisionConflictError.
   * Error messages never carry environment values (Lambda quotes them when over the 4 KB limit).
   */
  updateFunctionConfiguration(functionName: string, patch: ConfigurationPatch, revisionId?: string): Promise<FunctionConfiguration> {
    return this.call(async (client, sdk) => {
      try {
        return await client.send(new sdk.UpdateFunctionConfigurationCommand({ ...patch, FunctionName: functionName, RevisionId: revisionId }));
      } catch (error) {
        if ((error as { name?: string }).name === 'PreconditionFailedException') throw new RevisionConflictError(functionName, error);
        const vars = patch.Environment?.Variables;
        if (!vars) throw error;
        const mapped = toWorkbenchError(error, this.errorContext);
        // Without the cause: the SDK error's message may hold the values.
        throw new WorkbenchError(mapped.kind, redactEnvValues(mapped.message, vars));
      }
    });
  }

  /** The function's reserved concurrency; undefined when it uses the unreserved pool. */
  getFunctionConcurrency(functionName: string): Promise<number | undefined> {
    return this.call(async (client, sdk) => (await client.send(new sdk.GetFunctionConcurrencyCommand({ FunctionName: functionName }))).ReservedConcurrentExecutions);
  }

  putFunctionConcurrency(functionName: string, reserved: number): Promise<void> {
    return this.call(async (client, sdk) => {
      await client.send(new sdk.PutFunctionConcurrencyCommand({ FunctionName: functionName, ReservedConcurrentExecutions: reserved }));
    });
  }

  deleteFunctionConcurrency(functionName: string): Promise<void> {
    return this.call(async (client, sdk) => {
      await client.send(new sdk.DeleteFunctionConcurrencyCommand({ FunctionName: functionName }));
    });
  }

  getAccountSettings(): Promise<GetAccountSettingsResponse> {
    return this.call((client, sdk) => client.send(new sdk.GetAccountSettingsCommand({})));
  }

  /** The function URL's configuration; undefined when the function has none. */
  getFunctionUrlConfig(functionName: string, qualifier?: string): Promise<GetFunctionUrlConfigResponse | undefined> {
    return absentIfNotFound(this.call((client, sdk) => client.send(new sdk.GetFunctionUrlConfigCommand({ FunctionName: functionName, Qualifier: qualifier }))));
  }

  /** Every function URL of the function ($LATEST's and its aliases'); empty when it has none. */
  async listFunctionUrlConfigs(functionName: string): Promise<FunctionUrlConfig[]> {
    const out = await absentIfNotFound(this.call(async (client, sdk) => {
      const configs: FunctionUrlConfig[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await client.send(new sdk.ListFunctionUrlConfigsCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 }));
        configs.push(...(answer.FunctionUrlConfigs ?? []));
        marker = answer.NextMarker || undefined;
        if (!marker) break;
      }
      return configs;
    }));
    return out ?? [];
  }

  /** How asynchronous invocations are retried and where their outcomes go; undefined when nothing is configured. */
  getFunctionEventInvokeConfig(functionName: string, qualifier?: string): Promise<FunctionEventInvokeConfig | undefined> {
    return absentIfNotFound(this.call((client, sdk) => client.send(new sdk.GetFunctionEventInvokeConfigCommand({ FunctionName: functionName, Qualifier: qualifier }))));
  }

  /**
   * SigV4 headers (service `lambda`, this connection's region and credentials) for a request to
   * one of its function URLs with AuthType AWS_IAM. The signer loads with the first signed request.
   */
  signFunctionUrlRequest(request: { url: URL; method: string; headers: Record<string, string>; body?: string }): Promise<Record<string, string>> {
    return this.call(async (client) => {
      const { SignatureV4 } = await import('@smithy/signature-v4');
      const signer = new SignatureV4({ credentials: client.config.credentials, region: this.region, service: 'lambda', sha256: client.config.sha256 });
      const query: Record<string, string | string[]> = {};
      for (const [key, value] of request.url.searchParams) {
        const had = query[key];
        query[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
      }
      const signed = await signer.sign({
        method: request.method,
        protocol: request.url.protocol,
        hostname: request.url.hostname,
        port: request.url.port ? Number(request.url.port) : undefined,
        path: request.url.pathname,
        query,
        headers: { ...request.headers, host: request.url.host },
        body: request.body,
      });
      return signed.headers;
    });
  }

  /**
   * A signed call to one of the Local Lambda's own operations (`/_local/...`), for a Local Lambda
   * connection only; the answer's JSON, or a WorkbenchError with the server's message.
   */
  private localCall<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown, timeoutMs = 15_000): Promise<T> {
    return this.call(async () => {
      if (this.spec.kind !== 'local' || !this.spec.endpoint) throw new WorkbenchError('localLambda', 'This works on the Local Lambda only.');
      const url = new URL(path, this.spec.endpoint);
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers = await this.signFunctionUrlRequest({ url, method, headers: text ? { 'content-type': 'application/json' } : {}, body: text });
      const res = await fetch(url, { method, headers, body: text, signal: AbortSignal.timeout(timeoutMs) });
      const answer = await res.text();
      let value: unknown;
      try {
        value = answer ? JSON.parse(answer) : {};
      } catch {
        value = {};
      }
      if (!res.ok) {
        const message = (value as { message?: unknown; Message?: unknown }).message ?? (value as { Message?: unknown }).Message;
        throw new WorkbenchError(res.status === 404 ? 'notFound' : 'localLambda', typeof message === 'string' ? message : `The Local Lambda answered ${res.status}.`);
      }
      return value as T;
    });
  }

  /** Where the Local Lambda serves its templates' API routes, and which of them run `functionName`. */
  async localApiRoutes(functionName: string): Promise<{ endpoint: string; routes: Array<{ method: string; path: string }> } | undefined> {
    const status = await this.localCall<{ apiEndpoint?: unknown; apiRoutes?: unknown }>('GET', '/_local/status');
    if (typeof status.apiEndpoint !== 'string' || !Array.isArray(status.apiRoutes)) return undefined;
    const routes = (status.apiRoutes as Array<Record<string, unknown>>)
      .filter((r) => r?.functionName === functionName && typeof r.method === 'string' && typeof r.path === 'string')
      .map((r) => ({ method: String(r.method), path: String(r.path) }));
    return routes.length ? { endpoint: status.apiEndpoint, routes } : undefined;
  }

  /**
   * What the Local Lambda's build step makes of a template function for a deploy: the folder of
   * its esbuild bundle and the handler there, or undefined (with why) when its folder is packaged
   * as it is.
   */
  async localPackage(functionName: string): Promise<{ folder: string; handler: string } | { reason: string }> {
    const out = await this.localCall<{ Built?: unknown; Folder?: unknown; Handler?: unknown; Reason?: unknown }>('POST', `/_local/package?function=${encodeURIComponent(functionName)}`, undefined, 180_000);
    if (out.Built === true && typeof out.Folder === 'string' && typeof out.Handler === 'string') return { folder: out.Folder, handler: out.Handler };
    return { reason: typeof out.Reason === 'string' ? out.Reason : 'The Local Lambda did not build it.' };
  }

  /** The Local Lambda's schedules of one function (its template's Schedule and ScheduleV2 events). */
  async localSchedules(functionName: string): Promise<ScheduleEntry[]> {
    const out = await this.localCall<{ Schedules?: ScheduleEntry[] }>('GET', `/_local/schedules?function=${encodeURIComponent(functionName)}`);
    return Array.isArray(out.Schedules) ? out.Schedules : [];
  }

  /** Turns a Local Lambda schedule's firing on or off. */
  setLocalScheduleFiring(id: string, firing: boolean): Promise<ScheduleEntry> {
    return this.localCall('PUT', `/_local/schedules/${encodeURIComponent(id)}`, { Firing: firing });
  }

  /** Sends a Local Lambda schedule's event now. */
  fireLocalSchedule(id: string): Promise<ScheduleEntry> {
    return this.localCall('POST', `/_local/schedules/${encodeURIComponent(id)}/fire`);
  }

  /** The resource-based policy document (JSON text); undefined when none is attached. */
  async getPolicy(functionName: string, qualifier?: string): Promise<string | undefined> {
    const out = await absentIfNotFound(this.call((client, sdk) => client.send(new sdk.GetPolicyCommand({ FunctionName: functionName, Qualifier: qualifier }))));
    return out?.Policy;
  }

  /** Event source mappings (triggers such as SQS, Kinesis, DynamoDB streams) of a function. */
  listEventSourceMappings(functionName: string): Promise<EventSourceMappingConfiguration[]> {
    return this.call(async (client, sdk) => {
      const mappings: EventSourceMappingConfiguration[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(new sdk.ListEventSourceMappingsCommand({ FunctionName: functionName, Marker: marker, MaxItems: 100 }));
        mappings.push(...(out.EventSourceMappings ?? []));
        marker = out.NextMarker || undefined;
        if (!marker) break;
      }
      return mappings;
    });
  }

  /** Provisioned concurrency of the function's versions and aliases; empty when there is none (or the endpoint lacks the API). */
  async listProvisionedConcurrency(functionName: string): Promise<ProvisionedConcurrencyConfigListItem[]> {
    const out = await absentIfNotFound(
      this.call((client, sdk) => client.send(new sdk.ListProvisionedConcurrencyConfigsCommand({ FunctionName: functionName, MaxItems: 50 }))),
    );
    return out?.ProvisionedConcurrencyConfigs ?? [];
  }

  /** Invokes the function (see aws/invoke.ts); a cancelled call rejects with InvocationCancelledError. */
  invoke(request: InvokeRequest): Promise<InvokeResponse> {
    return this.call((client, sdk) => sendInvoke(client, sdk, request)).catch((error: unknown) => {
      throw invokeError(error, request, this.errorContext);
    });
  }

  /** Published versions (without $LATEST) and aliases, for qualifier pickers. */
  async listQualifiers(functionName: string): Promise<{ versions: string[]; aliases: AliasConfiguration[] }> {
    const [versions, aliases] = await Promise.all([this.listVersions(functionName), this.listAliases(functionName)]);
    return { versions: versions.map((v) => v.Version ?? '').filter((v) => v && v !== '$LATEST'), aliases };
  }

  // --- versions and aliases ---------------------------------------------------------------

  /**
   * Publishes `$LATEST` as a new version. With `revisionId` or `codeSha256`, Lambda refuses when
   * `$LATEST` changed since they were read (RevisionConflictError). Unchanged code and
   * configuration give back the existing latest version.
   */
  publishVersion(functionName: string, options: { description?: string; revisionId?: string; codeSha256?: string } = {}): Promise<FunctionConfiguration> {
    return this.call(async (client, sdk) => {
      try {
        return await client.send(new sdk.PublishVersionCommand({
          FunctionName: functionName,
          Description: options.description || undefined,
          RevisionId: options.revisionId,
          CodeSha256: options.codeSha256,
        }));
      } catch (error) {
        if ((error as { name?: string }).name === 'PreconditionFailedException') throw new RevisionConflictError(functionName, error);
        throw error;
      }
    });
  }

  getAlias(functionName: string, aliasName: string): Promise<AliasConfiguration> {
    return this.call((client, sdk) => client.send(new sdk.GetAliasCommand({ FunctionName: functionName, Name: aliasName })));
  }

  createAlias(functionName: string, aliasName: string, routing: AliasRoutingFields, description?: string): Promise<AliasConfiguration> {
    return this.call(async (client, sdk) => {
      try {
        return await client.send(new sdk.CreateAliasCommand({ FunctionName: functionName, Name: aliasName, Description: description, ...routing }));
      } catch (error) {
        // A conflict that says an update is in progress is not about the name; it keeps its own message.
        if (isConflictError(error) && !/in progress|state/i.test((error as { message?: string }).message ?? '')) {
          throw new AliasExistsError(functionName, aliasName, error);
        }
        throw error;
      }
    });
  }

  /**
   * Changes an alias in one call. With `revisionId` (pass the one read with the alias), Lambda
   * refuses when the alias changed meanwhile: an AliasConflictError, nothing overwritten.
   */
  updateAlias(
    functionName: string,
    aliasName: string,
    change: { routing?: AliasRoutingFields; description?: string; revisionId?: string },
  ): Promise<AliasConfiguration> {
    return this.call(async (client, sdk) => {
      try {
        return await client.send(new sdk.UpdateAliasCommand({
          FunctionName: functionName,
          Name: aliasName,
          Description: change.description,
          RevisionId: change.revisionId,
          ...change.routing,
        }));
      } catch (error) {
        if ((error as { name?: string }).name === 'PreconditionFailedException') throw new AliasConflictError(functionName, aliasName, error);
        throw error;
      }
    });
  }

  deleteAlias(functionName: string, aliasName: string): Promise<void> {
    return this.call(async (client, sdk) => {
      await client.send(new sdk.DeleteAliasCommand({ FunctionName: functionName, Name: aliasName }));
    });
  }

  dispose(): void {
    void this.client?.then((c) => c.destroy()).catch(() => undefined);
    this.client = undefined;
  }
}

/**
 * Downloads a function's code from GetFunction's Code.Location (a presigned S3 URL on AWS, a
 * signed link on the Local Lambda), refusing more than `maxBytes`.
 */
export async function downloadCode(location: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
  const host = (() => {
    try {
      return new URL(location).host;
    } catch {
      throw new WorkbenchError('service', 'Lambda gave no usable download link for the code.');
    }
  })();
  let response: Response;
  try {
    response = await fetch(location, { signal, redirect: 'follow' });
  } catch (error) {
    if (signal?.aborted) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new NetworkError(`Cannot download the code from ${host}: ${cause?.message ?? (error as Error).message}`, error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const hint = response.status === 403 ? ' (the link may have expired; try again)' : '';
    throw new WorkbenchError('service', `Downloading the code from ${host} failed: HTTP ${response.status}${hint}.`);
  }
  const tooLarge = () => new WorkbenchError('service', `The code package is larger than ${Math.round(maxBytes / 1024 / 1024)} MB; it was not downloaded.`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The settings UpdateFunctionConfiguration changes here. */
export type ConfigurationPatch = Pick<
  UpdateFunctionConfigurationCommandInput,
  'MemorySize' | 'Timeout' | 'EphemeralStorage' | 'Description' | 'Environment' | 'Runtime' | 'Handler' | 'Layers' | 'Role'
>;

/** What CreateFunction is given here: a zip package. */
export type CreateFunctionInput = Pick<
  CreateFunctionCommandInput,
  'FunctionName' | 'Runtime' | 'Handler' | 'Role' | 'MemorySize' | 'Timeout' | 'EphemeralStorage' | 'Description' | 'Environment' | 'Layers' | 'Architectures' | 'Tags'
> & { FunctionName: string; Code: { ZipFile: Uint8Array } };

/** CreateFunction refused: a function of that name exists (HTTP 409). */
export class FunctionExistsError extends WorkbenchError {
  constructor(readonly functionName: string, cause?: unknown) {
    super('service', `A function named ${functionName} already exists there. Nothing was created.`, cause);
    this.name = 'FunctionExistsError';
  }
}

export type { EventSourceMappingConfiguration, FunctionEventInvokeConfig, GetFunctionUrlConfigResponse, ProvisionedConcurrencyConfigListItem };

/** A read whose "not found" means "there is none". */
async function absentIfNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof WorkbenchError && error.kind === 'notFound') return undefined;
    throw error;
  }
}
