import type { ConnectionSpec } from '../../aws/connections';
import { CredentialsError, WorkbenchError } from '../../aws/errors';
import type { LambdaApi } from '../../aws/lambda';
import { errorMessage } from '../../shared/errors';
import { Emitter } from '../../shared/events';
import { Disposable } from '../../shared/lifecycle';
import type { Logger } from '../../shared/logger';
import type { Connections } from '../../workbench/connections';
import type { LocalLambdaState } from '../../workbench/localLambda/host';
import { Commands } from '../../workbench/ids';
import { RESTRICTED_LOCAL_MESSAGE } from '../../workbench/trust';
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
  RestrictedNode,
  RegionNode,
  SignedOutNode,
  TriggerNode,
  TriggersNode,
  VersionNode,
  VersionsNode,
} from './nodes';
import { settleRead, triggerItems, type TriggerReads } from './triggers';
import type { SamEvent } from '../../shared/sam/events';
import { escapeMarkdown, markdownCode } from './tooltips';
import { formatErrorRate, formatDurationMs, HealthLines, type HealthMetricsSource, type HealthSubject } from './health';

/** The Local Lambda node's description in each state but running (which shows the endpoint). */
const LOCAL_STATE_DESCRIPTION: Partial<Record<LocalLambdaState, string>> = {
  starting: 'starting…', failed: 'failed', stopped: 'not started', restricted: 'Restricted Mode',
};

export interface ExplorerModelDeps {
  connections: Connections;
  /** Functions per page. */
  pageSize: () => number;
  log: Logger;
  /** Whether a workspace folder is linked to the function (its menu then offers deploy, unlink…). */
  isLinked?: (connectionId: string, region: string, functionName: string) => boolean;
  /**
   * The events the SAM template declares for a Local Lambda function, read as the Local Lambda
   * reads its templates; undefined when no template defines the function.
   */
  templateEvents?: (functionName: string) => Promise<SamEvent[] | undefined>;
  /** The health line's settings; without them the tree shows no health line. */
  health?: HealthLineSettings;
  /** Overrides how the health line reads metrics (tests); by default the connection's CloudWatch facade. */
  healthMetrics?: (connectionId: string, region: string) => Promise<HealthMetricsSource> | undefined;
}

export interface HealthLineSettings {
  enabled(): boolean;
  /** Connection ids marked large by hand. */
  largeConnections(): readonly string[];
  /** A connection also counts as large once a region of it lists this many functions. */
  largeThreshold(): number;
}

/** What the provider adds to a function or alias row: the line, and a note for the tooltip. */
export interface NodeHealth {
  line?: string;
  note?: string;
}

function errorNode(parent: ExplorerNode | undefined, error: unknown): ErrorNode {
  const message = errorMessage(error);
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

  /** Loaded function pages per connection and region; they end with the connection's lifetime. */
  private readonly pagers = new Map<string, Map<string, FunctionPager>>();
  private readonly filters = new Map<string, string>();
  private readonly connectionNodes = new Map<string, ConnectionNode>();
  /** The Versions, Aliases and Triggers nodes last shown per function id, so a change can refresh just them. */
  private readonly functionChildren = new Map<string, ExplorerNode[]>();
  /**
   * Children read below a function (its Versions, Aliases and Triggers rows, an alias's Triggers),
   * kept per node object until that node or one above it is refreshed or the function changes.
   * VS Code reads a row's children again whenever the row is drawn anew — when its health line
   * arrives, say — and without this each such redraw would call ListVersions, ListAliases and the
   * trigger reads again and redraw every row under it.
   */
  private readonly kept = new Map<string, { parent: ExplorerNode; children: ExplorerNode[] }>();
  /** The function nodes last shown per region, to re-render one whose links changed. */
  private readonly functionNodes = new Map<string, FunctionNode[]>();
  /** Connections as last listed, by id. */
  private readonly specs = new Map<string, ConnectionSpec>();
  private readonly health?: HealthLines;
  /** The function and alias nodes last rendered with a health line, by id: the ones to re-render when it arrives. */
  private readonly healthShown = new Map<string, ExplorerNode>();
  /** Most functions listed in one region, per connection (whether it counts as large). */
  private readonly listedCounts = new Map<string, number>();

  constructor(private readonly deps: ExplorerModelDeps) {
    super();
    this._register(
      deps.connections.onDidChange((connectionId) => {
        // A connection's lifetime ended (refresh, or a new Local Lambda process): its pages go with it.
        if (connectionId === undefined) this.pagers.clear();
        else this.pagers.delete(connectionId);
        this.forgetHealth(connectionId);
        this.forgetKept(connectionId === undefined ? undefined : `conn/${connectionId}`);
        this.changed.fire(undefined);
      }),
    );
    if (deps.health) {
      const metrics = deps.healthMetrics ?? ((connectionId: string, region: string) => this.deps.connections.scope(connectionId)?.metrics(region));
      const health = new HealthLines({
        metrics,
        log: deps.log,
        onDidUpdate: (ids) => {
          for (const id of ids) {
            const node = this.healthShown.get(id);
            if (node) this.changed.fire(node);
          }
        },
      });
      this.health = health;
      this._register({ dispose: () => health.dispose() });
    }
  }

  /**
   * The health line of a function or alias row, read in the background the first time a row is
   * rendered (and again once the cached one is older than the TTL); undefined for other rows and
   * when the line is off.
   */
  healthOf(node: ExplorerNode): NodeHealth | undefined {
    const settings = this.deps.health;
    if (!this.health || !settings?.enabled()) return undefined;
    const subject = healthSubject(node);
    if (!subject) return undefined;
    if (this.isLarge(subject.connectionId)) {
      this.healthShown.delete(subject.id);
      return { note: 'Health line off: this connection is marked large (setting `lambdaWorkbench.tree.healthLine.largeConnections` or `largeConnectionThreshold`).' };
    }
    const off = this.health.offIn(subject.connectionId, subject.region);
    if (off) return { note: `Health line off: ${escapeMarkdown(off.reason)}` };
    this.healthShown.set(subject.id, node);
    const line = this.health.lineFor(subject);
    const stats = this.health.statsFor(subject.id);
    if (!line || !stats) return {};
    const note = stats.invocations > 0
      ? `Last hour: ${stats.invocations} invocation${stats.invocations === 1 ? '' : 's'}, ${stats.errors} error${stats.errors === 1 ? '' : 's'} (${formatErrorRate(stats.errors, stats.invocations)})${stats.p99Ms !== undefined ? `, p99 ${formatDurationMs(stats.p99Ms)}` : ''}`
      : 'Last hour: no invocations';
    return { line, note };
  }

  /** A connection is large when marked so by hand or once a region of it lists the threshold's number of functions. */
  isLarge(connectionId: string): boolean {
    const settings = this.deps.health;
    if (!settings) return false;
    if (settings.largeConnections().includes(connectionId)) return true;
    return (this.listedCounts.get(connectionId) ?? 0) >= settings.largeThreshold();
  }

  /** The health line's settings changed: rows shown re-render (and read their line if it is now on). */
  healthSettingsChanged(): void {
    this.changed.fire(undefined);
  }

  private forgetHealth(connectionId?: string): void {
    this.health?.clear(connectionId);
    if (connectionId === undefined) {
      this.healthShown.clear();
      this.listedCounts.clear();
      return;
    }
    this.listedCounts.delete(connectionId);
    for (const id of [...this.healthShown.keys()]) if (id.startsWith(`conn/${connectionId}/`)) this.healthShown.delete(id);
  }

  private get local() {
    return this.deps.connections.local;
  }

  getFilter(connectionId: string): string | undefined {
    return this.filters.get(connectionId);
  }

  /** Sets (or with an empty text clears) the name filter of a connection and reloads its regions. */
  setFilter(connectionId: string, text: string | undefined): void {
    const trimmed = text?.trim();
    if (trimmed) this.filters.set(connectionId, trimmed);
    else this.filters.delete(connectionId);
    this.pagers.delete(connectionId);
    this.changed.fire(undefined);
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
        case 'function':
          return await this.keptChildren(node, async () => {
            const fn = node as FunctionNode;
            const children = [new VersionsNode(fn), new AliasesNode(fn), new TriggersNode(fn, fn)];
            this.functionChildren.set(node.id, children);
            return children;
          });
        case 'versions':
          return await this.keptChildren(node, () => this.versionChildren(node as VersionsNode));
        case 'aliases':
          return await this.keptChildren(node, () => this.aliasChildren(node as AliasesNode));
        case 'alias':
          return await this.keptChildren(node, async () => {
            const alias = node as AliasNode;
            return [new TriggersNode(alias, alias.aliases.fn, alias.label)];
          });
        case 'triggers':
          return await this.keptChildren(node, () => this.triggerChildren(node as TriggersNode));
        default:
          return [];
      }
    } catch (error) {
      this.deps.log.error(`Loading ${node?.label ?? 'connections'} failed: ${errorMessage(error)}`);
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
    this.forgetKept(node?.id);
    if (!node) {
      this.local.resetFailure();
      this.forgetHealth();
      this.deps.connections.reset();
      return;
    }
    if (node instanceof ConnectionNode) {
      if (node.connectionKind === 'local') this.local.resetFailure();
      this.deps.connections.reset(node.connectionId);
    } else if (node instanceof RegionNode) {
      this.pagers.get(node.connection.connectionId)?.delete(node.region);
    }
    const connectionId = node.place?.connectionId;
    if (connectionId) this.health?.clear(connectionId);
    this.changed.fire(node);
  }

  /** Re-renders the functions whose folder links changed (their menus depend on them). */
  refreshLinks(): void {
    for (const nodes of this.functionNodes.values()) {
      for (const node of nodes) {
        const linked = Boolean(this.deps.isLinked?.(node.region.connection.connectionId, node.region.region, node.functionName));
        if (linked !== node.linked) {
          node.linked = linked;
          this.changed.fire(node);
        }
      }
    }
  }

  /** Re-lists the versions and aliases of one function, e.g. after publishing or changing an alias. */
  refreshFunction(connectionId: string, region: string, functionName: string): void {
    const id = `conn/${connectionId}/${region}/fn/${functionName}`;
    for (const node of this.functionChildren.get(id) ?? []) {
      this.forgetKept(node.id);
      this.changed.fire(node);
    }
  }

  /** A node's children as kept for this very node object, or read now and kept (a read that throws is not kept). */
  private async keptChildren(node: ExplorerNode, read: () => Promise<ExplorerNode[]>): Promise<ExplorerNode[]> {
    const entry = this.kept.get(node.id);
    if (entry?.parent === node) return entry.children;
    const children = await read();
    this.kept.set(node.id, { parent: node, children });
    return children;
  }

  /** Forgets the children kept for the node `id` and everything below it (everything without an id). */
  private forgetKept(id?: string): void {
    if (id === undefined) {
      this.kept.clear();
      return;
    }
    for (const key of [...this.kept.keys()]) if (key === id || key.startsWith(`${id}/`)) this.kept.delete(key);
  }

  private async rootChildren(): Promise<ExplorerNode[]> {
    const { connections, problems } = await this.deps.connections.list();
    const nodes: ExplorerNode[] = [];
    this.connectionNodes.clear();
    this.specs.clear();
    for (const spec of connections) {
      const node = new ConnectionNode(spec.id, spec.kind, spec.label, spec.kind === 'local' && this.local.state === 'running', this.filters.has(spec.id));
      this.specs.set(spec.id, spec);
      this.connectionNodes.set(spec.id, node);
      this.describeConnection(node);
      nodes.push(node);
    }
    for (const problem of problems) nodes.push(new ErrorNode(undefined, problem.message, problem.detail, problem.settingIndex));
    return nodes;
  }

  private describeConnection(node: ConnectionNode): void {
    const filter = this.filters.get(node.connectionId);
    const parts: string[] = [];
    if (node.connectionKind === 'local') {
      const local = this.local;
      parts.push(local.stoppedByUser ? 'stopped' : LOCAL_STATE_DESCRIPTION[local.state] ?? local.info?.endpoint ?? '');
      node.tooltip = local.state === 'failed' ? escapeMarkdown(local.error ?? 'Local Lambda failed')
        : local.state === 'restricted' ? `${escapeMarkdown(RESTRICTED_LOCAL_MESSAGE)}. The AWS connections work as usual.`
          : 'The embedded Local Lambda, serving the functions of the workspace folder';
    } else {
      const spec = this.specs.get(node.connectionId);
      if (spec?.endpoint) parts.push(spec.endpoint);
      else if (spec?.profile?.sso) parts.push('SSO');
      node.tooltip = spec?.endpoint ? `Custom endpoint ${markdownCode(spec.endpoint)}` : `AWS profile ${escapeMarkdown(node.label)}`;
    }
    if (filter) parts.push(`filter: "${filter}"`);
    node.description = parts.filter(Boolean).join(' · ') || undefined;
  }

  private async connectionChildren(node: ConnectionNode): Promise<ExplorerNode[]> {
    if (node.connectionKind === 'local') {
      const local = this.local;
      if (local.state === 'failed') return [new ErrorNode(node, (local.error ?? 'Local Lambda failed').split('\n')[0], local.error)];
      if (local.state === 'restricted') return [new RestrictedNode(node)];
      // Stopped by the person: showing the node must not start it again.
      if (local.stoppedByUser) return [new MessageNode(node, 'Stopped — click to start', 'debug-stop', { command: Commands.startLocal, title: 'Start Local Lambda' })];
      if (local.state !== 'running') {
        // Start in the background; the state change re-renders this node.
        local.ensureStarted().catch(() => undefined);
        return [new MessageNode(node, 'Starting…', 'loading~spin')];
      }
    }
    const scope = this.deps.connections.scope(node.connectionId);
    if (!scope) return [new MessageNode(node, 'This connection is no longer configured.')];
    const shown = this.deps.connections.regions(scope.spec);
    if (scope.spec.kind === 'profile') {
      try {
        await (await scope.lambda(shown[0])).checkCredentials();
      } catch (error) {
        if (error instanceof CredentialsError) return [new SignedOutNode(node, node, error.message, error.fixCommand)];
        throw error;
      }
    }
    return shown.map((region) => this.regionNode(node, region));
  }

  private regionNode(connection: ConnectionNode, region: string): RegionNode {
    const node = new RegionNode(connection, region);
    const filter = this.filters.get(connection.connectionId);
    if (filter) node.description = `filter: "${filter}"`;
    return node;
  }

  private pagerFor(region: RegionNode): FunctionPager | undefined {
    const id = region.connection.connectionId;
    const scope = this.deps.connections.scope(id);
    if (!scope) return undefined;
    let pagers = this.pagers.get(id);
    if (!pagers) this.pagers.set(id, (pagers = new Map()));
    let pager = pagers.get(region.region);
    if (!pager) {
      const api = scope.lambda(region.region);
      pager = new FunctionPager(async (marker, max) => (await api).listFunctionsPage(marker, max), this.deps.pageSize(), this.filters.get(id));
      pagers.set(region.region, pager);
    }
    return pager;
  }

  private async regionChildren(region: RegionNode): Promise<ExplorerNode[]> {
    const filter = this.filters.get(region.connection.connectionId);
    const pager = this.pagerFor(region);
    if (!pager) return [new MessageNode(region, 'Not connected. Refresh to try again.')];
    if (!pager.hasStarted) await pager.loadNext();

    const linked = (name: string | undefined) => Boolean(name && this.deps.isLinked?.(region.connection.connectionId, region.region, name));
    const nodes: ExplorerNode[] = pager.items.map((fn) => new FunctionNode(region, fn, new Date(), linked(fn.FunctionName)));
    const connectionId = region.connection.connectionId;
    this.listedCounts.set(connectionId, Math.max(this.listedCounts.get(connectionId) ?? 0, pager.items.length));
    this.functionNodes.set(region.id, nodes.filter((n): n is FunctionNode => n instanceof FunctionNode));
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

  /** The API of a function's connection and region. */
  apiForFunction(fn: FunctionNode): Promise<LambdaApi> {
    return this.apiFor(fn);
  }

  private apiFor(fn: FunctionNode): Promise<LambdaApi> {
    const scope = this.deps.connections.scope(fn.region.connection.connectionId);
    if (!scope) return Promise.reject(new WorkbenchError('service', 'Not connected. Refresh to try again.'));
    return scope.lambda(fn.region.region);
  }

  private async versionChildren(node: VersionsNode): Promise<ExplorerNode[]> {
    const versions = await (await this.apiFor(node.fn)).listVersions(node.fn.functionName);
    return versions.map((v) => new VersionNode(node, v));
  }

  private async aliasChildren(node: AliasesNode): Promise<ExplorerNode[]> {
    const aliases = await (await this.apiFor(node.fn)).listAliases(node.fn.functionName);
    if (aliases.length === 0) return [new MessageNode(node, 'No aliases')];
    return aliases.map((a) => new AliasNode(node, a));
  }

  /**
   * Every read made at once and settled on its own, so a call that fails (or is not allowed)
   * shows as its own row and the others still show what they found.
   */
  private async triggerChildren(node: TriggersNode): Promise<ExplorerNode[]> {
    const api = await this.apiFor(node.fn);
    const name = node.fn.functionName;
    const qualifier = node.qualifier;
    const local = node.fn.region.connection.connectionKind === 'local';
    const templateEvents = local && !qualifier ? this.deps.templateEvents : undefined;
    const [url, async, mappings, policy, events, schedules] = await Promise.all([
      settleRead(api.getFunctionUrlConfig(name, qualifier)),
      settleRead(api.getFunctionEventInvokeConfig(name, qualifier)),
      settleRead(api.listEventSourceMappings(qualifier ? `${name}:${qualifier}` : name)),
      // The Local Lambda keeps no resource-based policies; AWS (and AWS-like endpoints) do.
      local ? undefined : settleRead(api.getPolicy(name, qualifier)),
      templateEvents ? settleRead(templateEvents(name)) : undefined,
      local && !qualifier ? settleRead(api.localSchedules(name)) : undefined,
    ]);
    const reads: TriggerReads = { url, async, mappings, policy };
    if (schedules && !(schedules.ok && schedules.value.length === 0)) reads.schedules = schedules;
    if (events && !(events.ok && events.value === undefined)) reads.templateEvents = events as TriggerReads['templateEvents'];
    for (const [read, outcome] of Object.entries(reads)) {
      if (outcome && !outcome.ok) this.deps.log.warn(`Reading ${read} of ${name}${qualifier ? `:${qualifier}` : ''} failed: ${errorMessage(outcome.error)}`);
    }
    return triggerItems(reads).map((item) => new TriggerNode(node, item));
  }

}

/** What a function or alias row's health line is read for. */
function healthSubject(node: ExplorerNode): HealthSubject | undefined {
  if (node instanceof FunctionNode) {
    return { id: node.id, connectionId: node.region.connection.connectionId, region: node.region.region, functionName: node.functionName };
  }
  if (node instanceof AliasNode) {
    const fn = node.aliases.fn;
    return { id: node.id, connectionId: fn.region.connection.connectionId, region: fn.region.region, functionName: fn.functionName, alias: node.label };
  }
  return undefined;
}
