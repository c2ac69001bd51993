import { customConnection, LOCAL_CONNECTION_ID, localConnection, profileConnection, type ConnectionSpec } from '../../aws/connections';
import { CredentialsError, WorkbenchError } from '../../aws/errors';
import { LambdaApi } from '../../aws/lambda';
import type { LocalLambdaSource } from '../../workbench/localLambda/host';
import type { ProfileInfo } from '../../aws/profiles';
import { Emitter } from '../../shared/events';
import { Disposable, type IDisposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import { FunctionPager } from './pager';
import {
  AliasesNode,
  AliasNode,
  ConnectionNode,
  ErrorNode,
  ExplorerNode,
  FunctionNode,
  LoadMoreNode,
  MessageNode,
  RegionNode,
  SignedOutNode,
  VersionNode,
  VersionsNode,
} from './nodes';

export interface ExplorerSettings {
  /** Regions shown under each AWS profile. */
  regions: string[];
  /** Raw entries of lambdaWorkbench.customEndpoints (validated here). */
  customEndpoints: unknown[];
  localEnabled: boolean;
  pageSize: number;
}

export interface ExplorerModelDeps {
  settings: () => ExplorerSettings;
  listProfiles: () => Promise<ProfileInfo[]>;
  local: LocalLambdaSource;
  log: Logger;
}

/** Per-connection state: its SDK wrappers and loaded function pages (one lifetime per connection). */
class ConnectionState implements IDisposable {
  readonly apis = new Map<string, LambdaApi>();
  readonly pagers = new Map<string, FunctionPager>();

  constructor(readonly spec: ConnectionSpec) {}

  api(region: string): LambdaApi {
    let api = this.apis.get(region);
    if (!api) {
      api = new LambdaApi(this.spec, region);
      this.apis.set(region, api);
    }
    return api;
  }

  dispose(): void {
    for (const api of this.apis.values()) api.dispose();
    this.apis.clear();
    this.pagers.clear();
  }
}

function errorNode(parent: ExplorerNode | undefined, error: unknown): ErrorNode {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0];
  return new ErrorNode(parent, firstLine, message);
}

/**
 * The data behind the Lambda tree: which connections exist, their regions, paged function
 * lists, filters. Knows nothing about VS Code; the tree provider renders what this returns.
 */
export class ExplorerModel extends Disposable {
  private readonly changed = this._register(new Emitter<ExplorerNode | undefined>());
  /** Fires with the node whose children changed, or undefined for the whole tree. */
  readonly onDidChange = this.changed.event;

  private readonly connections = new Map<string, ConnectionState>();
  private readonly filters = new Map<string, string>();
  private readonly connectionNodes = new Map<string, ConnectionNode>();
  /** The Versions and Aliases nodes last shown per function id, so a change can refresh just them. */
  private readonly functionChildren = new Map<string, ExplorerNode[]>();
  /** Specs of AWS and custom connections, by id (the local one is built from the running process). */
  private readonly specs = new Map<string, ConnectionSpec>();

  constructor(private readonly deps: ExplorerModelDeps) {
    super();
    this._register(
      deps.local.onDidChangeState(() => {
        // A new Local Lambda process has a new endpoint and credentials.
        this.dropConnection(LOCAL_CONNECTION_ID);
        this.changed.fire(undefined);
      }),
    );
  }

  getFilter(connectionId: string): string | undefined {
    return this.filters.get(connectionId);
  }

  /** Sets (or with an empty text clears) the name filter of a connection and reloads its regions. */
  setFilter(connectionId: string, text: string | undefined): void {
    const trimmed = text?.trim();
    if (trimmed) this.filters.set(connectionId, trimmed);
    else this.filters.delete(connectionId);
    this.connections.get(connectionId)?.pagers.clear();
    this.changed.fire(undefined);
  }

  /**
   * The Lambda operations of one connection and region, shared with the tree (one SDK client per
   * connection and region). Undefined when the connection is gone or, for Local, not running.
   */
  lambdaApi(connectionId: string, region: string): LambdaApi | undefined {
    return this.stateFor(connectionId)?.api(region);
  }

  /** How a connection is reached (endpoint, credentials), for clients other than Lambda's. */
  connectionSpec(connectionId: string): ConnectionSpec | undefined {
    return this.stateFor(connectionId)?.spec;
  }

  /** Connection ids currently shown, for pickers. */
  listConnectionNodes(): ConnectionNode[] {
    return [...this.connectionNodes.values()];
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    try {
      if (!node) return await this.rootChildren();
      switch (node.kind) {
        case 'connection':
          return await this.connectionChildren(node as ConnectionNode);
        case 'region':
          return await this.regionChildren(node as RegionNode);
        case 'function': {
          const children = [new VersionsNode(node as FunctionNode), new AliasesNode(node as FunctionNode)];
          this.functionChildren.set(node.id, children);
          return children;
        }
        case 'versions':
          return await this.versionChildren(node as VersionsNode);
        case 'aliases':
          return await this.aliasChildren(node as AliasesNode);
        default:
          return [];
      }
    } catch (error) {
      this.deps.log.error(`Loading ${node?.label ?? 'connections'} failed: ${error instanceof Error ? error.message : String(error)}`);
      return [errorNode(node, error)];
    }
  }

  /** Loads the next page of a region and announces the change. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const pager = this.pagerFor(node.region);
    if (pager) await pager.loadNext();
    this.changed.fire(node.region);
  }

  /** Forgets cached data below a node (or everything) and re-renders it. */
  refresh(node?: ExplorerNode): void {
    if (!node) {
      for (const id of [...this.connections.keys()]) this.dropConnection(id);
      this.deps.local.resetFailure();
      this.changed.fire(undefined);
      return;
    }
    if (node instanceof ConnectionNode) {
      this.dropConnection(node.connectionId);
      if (node.connectionKind === 'local') this.deps.local.resetFailure();
    } else if (node instanceof RegionNode) {
      this.connections.get(node.connection.connectionId)?.pagers.delete(node.region);
    }
    this.changed.fire(node);
  }

  /** Re-lists the versions and aliases of one function, e.g. after publishing or changing an alias. */
  refreshFunction(connectionId: string, region: string, functionName: string): void {
    for (const node of this.functionChildren.get(`conn/${connectionId}/${region}/fn/${functionName}`) ?? []) this.changed.fire(node);
  }

  private dropConnection(id: string): void {
    this.connections.get(id)?.dispose();
    this.connections.delete(id);
  }

  private async rootChildren(): Promise<ExplorerNode[]> {
    const settings = this.deps.settings();
    const nodes: ExplorerNode[] = [];
    this.connectionNodes.clear();
    this.specs.clear();
    const add = (id: string, kind: ConnectionSpec['kind'], label: string, running = false) => {
      const node = new ConnectionNode(id, kind, label, running, this.filters.has(id));
      this.connectionNodes.set(id, node);
      this.describeConnection(node);
      nodes.push(node);
    };

    if (settings.localEnabled) add(LOCAL_CONNECTION_ID, 'local', 'Local Lambda', this.deps.local.state === 'running');

    try {
      for (const profile of await this.deps.listProfiles()) {
        const spec = profileConnection(profile);
        this.specs.set(spec.id, spec);
        add(spec.id, 'profile', spec.label);
      }
    } catch (error) {
      nodes.push(new ErrorNode(undefined, `Could not read the AWS config files: ${error instanceof Error ? error.message : String(error)}`));
    }

    for (const [index, entry] of settings.customEndpoints.entries()) {
      const spec = customConnection(entry);
      if ('invalid' in spec) {
        nodes.push(new ErrorNode(undefined, spec.invalid, `lambdaWorkbench.customEndpoints[${index}]: ${spec.invalid}`, index));
        continue;
      }
      if (this.specs.has(spec.id)) {
        nodes.push(new ErrorNode(undefined, `Two custom endpoints are named "${spec.label}"; names must differ.`, undefined, index));
        continue;
      }
      this.specs.set(spec.id, spec);
      add(spec.id, 'custom', spec.label);
    }
    return nodes;
  }

  private describeConnection(node: ConnectionNode): void {
    const filter = this.filters.get(node.connectionId);
    const parts: string[] = [];
    if (node.connectionKind === 'local') {
      const local = this.deps.local;
      parts.push(local.state === 'running' ? (local.info?.endpoint ?? '') : local.state === 'starting' ? 'starting…' : local.state === 'failed' ? 'failed' : 'not started');
      node.tooltip = local.state === 'failed' ? (local.error ?? 'Local Lambda failed') : 'The embedded Local Lambda, serving the functions of the workspace folder';
    } else {
      const spec = this.specs.get(node.connectionId);
      if (spec?.endpoint) parts.push(spec.endpoint);
      else if (spec?.profile?.sso) parts.push('SSO');
      node.tooltip = spec?.endpoint ? `Custom endpoint ${spec.endpoint}` : `AWS profile ${node.label}`;
    }
    if (filter) parts.push(`filter: "${filter}"`);
    node.description = parts.filter(Boolean).join(' · ') || undefined;
  }

  private stateFor(connectionId: string): ConnectionState | undefined {
    let state = this.connections.get(connectionId);
    if (state) return state;
    let spec: ConnectionSpec | undefined;
    if (connectionId === LOCAL_CONNECTION_ID) {
      const info = this.deps.local.info;
      if (this.deps.local.state !== 'running' || !info) return undefined;
      spec = localConnection(info.endpoint, info.region, info.credentials);
    } else {
      spec = this.specs.get(connectionId);
    }
    if (!spec) return undefined;
    state = new ConnectionState(spec);
    this.connections.set(connectionId, state);
    return state;
  }

  private async connectionChildren(node: ConnectionNode): Promise<ExplorerNode[]> {
    if (node.connectionKind === 'local') {
      const local = this.deps.local;
      if (local.state === 'failed') return [new ErrorNode(node, (local.error ?? 'Local Lambda failed').split('\n')[0], local.error)];
      if (local.state !== 'running') {
        // Start in the background; the state change re-renders this node.
        local.ensureStarted().catch(() => undefined);
        return [new MessageNode(node, 'Starting…', 'loading~spin')];
      }
    }
    const state = this.stateFor(node.connectionId);
    if (!state) return [new MessageNode(node, 'This connection is no longer configured.')];

    if (state.spec.kind === 'profile') {
      const regions = this.deps.settings().regions;
      const shown = regions.length > 0 ? regions : [state.spec.profile?.region ?? 'us-east-1'];
      try {
        await state.api(shown[0]).checkCredentials();
      } catch (error) {
        if (error instanceof CredentialsError) return [new SignedOutNode(node, node, error.message, error.fixCommand)];
        throw error;
      }
      return shown.map((region) => this.regionNode(node, region));
    }
    return [this.regionNode(node, state.spec.region ?? 'us-east-1')];
  }

  private regionNode(connection: ConnectionNode, region: string): RegionNode {
    const node = new RegionNode(connection, region);
    const filter = this.filters.get(connection.connectionId);
    if (filter) node.description = `filter: "${filter}"`;
    return node;
  }

  private pagerFor(region: RegionNode): FunctionPager | undefined {
    const state = this.stateFor(region.connection.connectionId);
    if (!state) return undefined;
    let pager = state.pagers.get(region.region);
    if (!pager) {
      const api = state.api(region.region);
      pager = new FunctionPager((marker, max) => api.listFunctionsPage(marker, max), this.deps.settings().pageSize, this.filters.get(region.connection.connectionId));
      state.pagers.set(region.region, pager);
    }
    return pager;
  }

  private async regionChildren(region: RegionNode): Promise<ExplorerNode[]> {
    const filter = this.filters.get(region.connection.connectionId);
    const pager = this.pagerFor(region);
    if (!pager) return [new MessageNode(region, 'Not connected. Refresh to try again.')];
    if (!pager.hasStarted) await pager.loadNext();

    const nodes: ExplorerNode[] = pager.items.map((fn) => new FunctionNode(region, fn));
    if (pager.error) {
      this.deps.log.error(`Listing functions in ${region.region} of ${region.connection.label} failed: ${pager.error.message}`);
      const err = new ErrorNode(region, pager.error.message.split('\n')[0], pager.error.message);
      if (pager.error instanceof CredentialsError) return [...nodes, new SignedOutNode(region, region.connection, pager.error.message, pager.error.fixCommand)];
      nodes.push(err);
    }
    if (pager.hasMore) nodes.push(new LoadMoreNode(region, pager.items.length));
    if (nodes.length === 0) nodes.push(new MessageNode(region, filter ? `No functions match "${filter}"` : 'No functions'));
    return nodes;
  }

  private apiFor(fn: FunctionNode): LambdaApi {
    const state = this.stateFor(fn.region.connection.connectionId);
    if (!state) throw new WorkbenchError('service', 'Not connected. Refresh to try again.');
    return state.api(fn.region.region);
  }

  private async versionChildren(node: VersionsNode): Promise<ExplorerNode[]> {
    const versions = await this.apiFor(node.fn).listVersions(node.fn.functionName);
    return versions.map((v) => new VersionNode(node, v));
  }

  private async aliasChildren(node: AliasesNode): Promise<ExplorerNode[]> {
    const aliases = await this.apiFor(node.fn).listAliases(node.fn.functionName);
    if (aliases.length === 0) return [new MessageNode(node, 'No aliases')];
    return aliases.map((a) => new AliasNode(node, a));
  }

  override dispose(): void {
    for (const id of [...this.connections.keys()]) this.dropConnection(id);
    super.dispose();
  }
}
