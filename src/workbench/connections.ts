import { customConnection, idleLocalConnection, LOCAL_CONNECTION_ID, localConnection, profileConnection, type ConnectionKind, type ConnectionSpec } from '../aws/connections';
import { WorkbenchError } from '../aws/errors';
import type { LambdaApi } from '../aws/lambda';
import type { LogsApi } from '../aws/logs';
import type { MetricsApi } from '../aws/cloudwatch';
import type { ProfileInfo } from '../aws/profiles';
import { errorMessage } from '../shared/errors';
import { Emitter } from '../shared/events';
import { Disposable, type IDisposable } from '../shared/lifecycle';
import type { LocalLambdaSource } from './localLambda/host';

/** The connection settings (`lambdaWorkbench.*`) the service reads. */
export interface ConnectionSettings {
  /** Regions listed under each AWS profile. */
  regions: string[];
  /** Raw entries of lambdaWorkbench.customEndpoints (validated here). */
  customEndpoints: unknown[];
  localEnabled: boolean;
}

export interface ConnectionsDeps {
  settings: () => ConnectionSettings;
  listProfiles: () => Promise<ProfileInfo[]>;
  local: LocalLambdaSource;
}

/** Where something lives: a connection and one of its regions, as commands and panels pass it around. */
export interface ConnectionPlace {
  connectionId: string;
  connectionLabel: string;
  connectionKind: ConnectionKind;
  region: string;
}

/** A connection setting that could not be used, shown instead of the connection. */
export interface ConnectionProblem {
  message: string;
  detail?: string;
  /** Index in lambdaWorkbench.customEndpoints, when the problem is an entry there. */
  settingIndex?: number;
}

export interface ConnectionListing {
  connections: ConnectionSpec[];
  problems: ConnectionProblem[];
}

/**
 * One connection's lifetime: the SDK wrappers made for it and anything a feature registers.
 * It ends when the connection is refreshed or removed, or, for the Local Lambda, when its process
 * stops or restarts (a new process has a new endpoint and credentials).
 */
export class ConnectionScope extends Disposable {
  private readonly lambdas = new Map<string, Promise<LambdaApi>>();
  private readonly logsApis = new Map<string, Promise<LogsApi>>();
  private readonly metricsApis = new Map<string, Promise<MetricsApi>>();

  constructor(readonly spec: ConnectionSpec) {
    super();
  }

  /** Lambda operations in one region (one SDK client per connection and region); loaded on first use. */
  lambda(region: string): Promise<LambdaApi> {
    let api = this.lambdas.get(region);
    if (!api) {
      api = import('../aws/lambda.js').then(({ LambdaApi }) => this._register(new LambdaApi(this.spec, region)));
      this.lambdas.set(region, api);
    }
    return api;
  }

  /** CloudWatch Logs operations in one region; the SDK is loaded on first use. */
  logs(region: string): Promise<LogsApi> {
    let api = this.logsApis.get(region);
    if (!api) {
      api = import('../aws/logs.js').then(({ LogsApi }) => this._register(new LogsApi(this.spec, region)));
      this.logsApis.set(region, api);
    }
    return api;
  }

  /** CloudWatch metric reads in one region; the SDK is loaded on first use. */
  metrics(region: string): Promise<MetricsApi> {
    let api = this.metricsApis.get(region);
    if (!api) {
      api = import('../aws/cloudwatch.js').then(({ MetricsApi }) => this._register(new MetricsApi(this.spec, region)));
      this.metricsApis.set(region, api);
    }
    return api;
  }

  /** Ties something to this connection's lifetime. */
  own<T extends IDisposable>(value: T): T {
    return this._register(value);
  }
}

/** A connection ready to use for one place. */
export interface ResolvedConnection {
  spec: ConnectionSpec;
  scope: ConnectionScope;
  region: string;
  lambda: LambdaApi;
  logs(): Promise<LogsApi>;
  metrics(): Promise<MetricsApi>;
}

/**
 * Every connection of the window (the Local Lambda, AWS profiles, custom endpoints) and the one
 * way to reach one: `resolve(place)` starts the Local Lambda or reads the config files when
 * needed, and says clearly why a connection cannot be used.
 */
export class Connections extends Disposable {
  private readonly scopes = new Map<string, ConnectionScope>();
  /** Specs of AWS and custom connections by id, from the last listing. */
  private specs = new Map<string, ConnectionSpec>();
  private listed = false;
  private readonly changed = this._register(new Emitter<string | undefined>());
  /** Fires with the id of a connection whose lifetime ended, or undefined when all did. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly deps: ConnectionsDeps) {
    super();
    this._register(
      deps.local.onDidChangeState(() => {
        this.drop(LOCAL_CONNECTION_ID);
        this.changed.fire(LOCAL_CONNECTION_ID);
      }),
    );
  }

  get local(): LocalLambdaSource {
    return this.deps.local;
  }

  /** Reads the profiles and custom endpoints afresh; the Local Lambda comes first when enabled. */
  async list(): Promise<ConnectionListing> {
    const settings = this.deps.settings();
    const connections: ConnectionSpec[] = [];
    const problems: ConnectionProblem[] = [];
    const specs = new Map<string, ConnectionSpec>();
    if (settings.localEnabled) {
      connections.push(this.spec(LOCAL_CONNECTION_ID) ?? idleLocalConnection());
    }
    try {
      for (const profile of await this.deps.listProfiles()) {
        const spec = profileConnection(profile);
        specs.set(spec.id, spec);
        connections.push(spec);
      }
    } catch (error) {
      problems.push({ message: `Could not read the AWS config files: ${errorMessage(error)}` });
    }
    for (const [index, entry] of settings.customEndpoints.entries()) {
      const spec = customConnection(entry);
      if ('invalid' in spec) {
        problems.push({ message: spec.invalid, detail: `lambdaWorkbench.customEndpoints[${index}]: ${spec.invalid}`, settingIndex: index });
      } else if (specs.has(spec.id)) {
        problems.push({ message: `Two custom endpoints are named "${spec.label}"; names must differ.`, settingIndex: index });
      } else {
        specs.set(spec.id, spec);
        connections.push(spec);
      }
    }
    this.specs = specs;
    this.listed = true;
    return { connections, problems };
  }

  /** How a connection is reached right now; undefined when it is unknown or (Local) not running. */
  spec(connectionId: string): ConnectionSpec | undefined {
    if (connectionId !== LOCAL_CONNECTION_ID) return this.specs.get(connectionId);
    const info = this.deps.local.info;
    return this.deps.local.state === 'running' && info ? localConnection(info.endpoint, info.region, info.credentials) : undefined;
  }

  /** The regions a connection offers: the configured list for AWS profiles, the endpoint's own otherwise. */
  regions(spec: ConnectionSpec): string[] {
    if (spec.kind !== 'profile') return [spec.region ?? 'us-east-1'];
    const regions = this.deps.settings().regions;
    return regions.length > 0 ? regions : [spec.profile?.region ?? 'us-east-1'];
  }

  /** The lifetime of a connection as it is now, without starting or reading anything. */
  scope(connectionId: string): ConnectionScope | undefined {
    const existing = this.scopes.get(connectionId);
    if (existing) return existing;
    const spec = this.spec(connectionId);
    if (!spec) return undefined;
    const scope = new ConnectionScope(spec);
    this.scopes.set(connectionId, scope);
    return scope;
  }

  /**
   * The connection of a place, ready to use: the Local Lambda is started when it is not running,
   * the config files are read when the connection is not known yet (e.g. a panel restored before
   * the tree was shown).
   */
  async resolve(place: Pick<ConnectionPlace, 'connectionId' | 'connectionLabel' | 'region'>): Promise<ResolvedConnection> {
    if (place.connectionId === LOCAL_CONNECTION_ID) await this.deps.local.ensureStarted();
    else if (!this.listed || !this.specs.has(place.connectionId)) await this.list();
    const scope = this.scope(place.connectionId);
    if (!scope) {
      throw new WorkbenchError(
        'service',
        place.connectionId === LOCAL_CONNECTION_ID
          ? 'The Local Lambda is not running. Start it from the Connections view, then try again.'
          : `The connection "${place.connectionLabel}" is not configured any more. Check your AWS profiles and lambdaWorkbench.customEndpoints, then refresh the Connections view.`,
      );
    }
    const { region } = place;
    return { spec: scope.spec, scope, region, lambda: await scope.lambda(region), logs: () => scope.logs(region),
      metrics: () => scope.metrics(region) };
  }

  /** Ends one connection's lifetime (or all of them); the next use starts a new one. */
  reset(connectionId?: string): void {
    if (connectionId === undefined) {
      for (const id of [...this.scopes.keys()]) this.drop(id);
      this.listed = false;
    } else {
      this.drop(connectionId);
    }
    this.changed.fire(connectionId);
  }

  private drop(connectionId: string): void {
    this.scopes.get(connectionId)?.dispose();
    this.scopes.delete(connectionId);
  }

  override dispose(): void {
    for (const id of [...this.scopes.keys()]) this.drop(id);
    super.dispose();
  }
}
