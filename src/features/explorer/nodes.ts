import type { AliasConfiguration, FunctionConfiguration } from '../../aws/lambda';
import type { ConnectionKind } from '../../aws/connections';
import { describeAlias, describeFunction, runtimeIconId } from '../../shared/format';
import { escapeMarkdown, functionTooltip, markdownCode } from './tooltips';
import type { FunctionTarget } from '../../shared/target';
import { Commands } from '../../workbench/ids';
import type { TargetCarrier } from '../../workbench/target';
import type { TriggerItem } from './triggers';
import { MANAGE_TRUST_COMMAND, RESTRICTED_LOCAL_MESSAGE } from '../../workbench/trust';

/**
 * Tree nodes as plain data (no VS Code types), so the model can be walked by tests and the
 * provider alone turns them into TreeItems. Each kind has its own contextValue for menus.
 */
export type NodeKind = 'connection' | 'region' | 'function' | 'versions' | 'version' | 'aliases' | 'alias' | 'triggers' | 'trigger'
  | 'loadMore' | 'error' | 'signedOut' | 'message' | 'restricted';

export interface NodeCommand {
  command: string;
  title: string;
  /** Passed after the node itself. */
  args?: unknown[];
}

export abstract class ExplorerNode implements TargetCarrier {
  abstract readonly kind: NodeKind;
  abstract readonly label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** Codicon id. */
  iconId?: string;
  /** Theme color id for the icon. */
  iconColor?: string;
  collapsible = false;
  /** Run on click, with the node as argument. */
  command?: NodeCommand;

  constructor(
    /** Unique among all nodes; also the TreeItem id. */
    readonly id: string,
    readonly parent: ExplorerNode | undefined,
  ) {}

  abstract get contextValue(): string;

  /** The connection (and region) this node lies in, for commands given the node. */
  get place(): TargetCarrier['place'] {
    return this.parent?.place;
  }

  /** The function (and qualifier) this node stands for, if any. */
  get functionTarget(): FunctionTarget | undefined {
    return undefined;
  }
}

export class ConnectionNode extends ExplorerNode {
  readonly kind = 'connection';
  override collapsible = true;

  constructor(
    readonly connectionId: string,
    readonly connectionKind: ConnectionKind,
    readonly label: string,
    readonly running: boolean,
    readonly filtered: boolean,
  ) {
    super(`conn/${connectionId}`, undefined);
    this.iconId = connectionKind === 'local' ? 'vm' : connectionKind === 'custom' ? 'plug' : 'cloud';
  }

  override get place(): TargetCarrier['place'] {
    return { connectionId: this.connectionId, connectionLabel: this.label, connectionKind: this.connectionKind };
  }

  get contextValue(): string {
    const running = this.connectionKind === 'local' && this.running ? '-running' : '';
    return `connection-${this.connectionKind}${running}${this.filtered ? '-filtered' : ''}`;
  }
}

export class RegionNode extends ExplorerNode {
  readonly kind = 'region';
  override collapsible = true;
  override iconId = 'globe';

  constructor(
    readonly connection: ConnectionNode,
    readonly region: string,
  ) {
    super(`${connection.id}/${region}`, connection);
  }

  get label(): string {
    return this.region;
  }

  override get place(): TargetCarrier['place'] {
    return { ...this.connection.place!, region: this.region };
  }

  get contextValue(): string {
    return `region-${this.connection.connectionKind}${this.connection.filtered ? '-filtered' : ''}`;
  }
}

/**
 * A click (or Enter) on a function, version or alias opens its panel as the Explorer opens a
 * file: focus stays in the tree, so the arrow keys go on to the next row.
 */
const OPEN_PANEL: NodeCommand = { command: Commands.openFunctionPanel, title: 'Open Function Panel', args: [undefined, { preserveFocus: true }] };

export class FunctionNode extends ExplorerNode {
  readonly kind = 'function';
  override collapsible = true;
  readonly label: string;

  constructor(
    readonly region: RegionNode,
    readonly config: FunctionConfiguration,
    now: Date = new Date(),
    /** A workspace folder is linked to it. */
    public linked = false,
  ) {
    const name = config.FunctionName ?? '(unnamed)';
    super(`${region.id}/fn/${name}`, region);
    this.label = name;
    this.description = describeFunction({ runtime: config.Runtime, memorySize: config.MemorySize, lastModified: config.LastModified, packageType: config.PackageType }, now);
    this.tooltip = functionTooltip(config);
    this.iconId = runtimeIconId(config.Runtime);
    // Something about how it runs is worth a look (e.g. an older local interpreter): the icon says so, the tooltip says what.
    if (config.StateReason) this.iconColor = 'problemsWarningIcon.foreground';
    this.command = OPEN_PANEL;
  }

  get functionName(): string {
    return this.label;
  }
  get arn(): string | undefined {
    return this.config.FunctionArn;
  }
  get contextValue(): string {
    return `function-${this.region.connection.connectionKind}${this.linked ? '-linked' : ''}`;
  }

  override get functionTarget(): FunctionTarget {
    const connection = this.region.connection;
    return {
      connectionId: connection.connectionId,
      connectionLabel: connection.label,
      connectionKind: connection.connectionKind,
      region: this.region.region,
      functionName: this.functionName,
      ...(this.arn ? { functionArn: this.arn } : {}),
    };
  }
}

export class VersionsNode extends ExplorerNode {
  readonly kind = 'versions';
  readonly label = 'Versions';
  override collapsible = true;
  override iconId = 'versions';
  readonly contextValue = 'versions';

  constructor(readonly fn: FunctionNode) {
    super(`${fn.id}/versions`, fn);
  }
}

export class VersionNode extends ExplorerNode {
  readonly kind = 'version';
  readonly label: string;
  readonly contextValue = 'version';
  override iconId = 'tag';

  constructor(
    readonly versions: VersionsNode,
    readonly config: FunctionConfiguration,
  ) {
    const version = config.Version ?? '?';
    super(`${versions.id}/${version}`, versions);
    this.label = version;
    this.description = config.Description || undefined;
    this.tooltip = functionTooltip(config);
    this.command = OPEN_PANEL;
  }

  get arn(): string | undefined {
    return this.config.FunctionArn;
  }

  override get functionTarget(): FunctionTarget {
    return { ...this.versions.fn.functionTarget, qualifier: this.label };
  }
}

export class AliasesNode extends ExplorerNode {
  readonly kind = 'aliases';
  readonly label = 'Aliases';
  override collapsible = true;
  override iconId = 'symbol-reference';
  readonly contextValue = 'aliases';

  constructor(readonly fn: FunctionNode) {
    super(`${fn.id}/aliases`, fn);
  }
}

export class AliasNode extends ExplorerNode {
  readonly kind = 'alias';
  readonly label: string;
  readonly contextValue = 'alias';
  override iconId = 'link';
  /** Holds the alias's Triggers (its URL, async settings, mappings and permissions are its own). */
  override collapsible = true;

  constructor(
    readonly aliases: AliasesNode,
    readonly config: AliasConfiguration,
  ) {
    const name = config.Name ?? '?';
    super(`${aliases.id}/${name}`, aliases);
    this.label = name;
    this.description = describeAlias({ functionVersion: config.FunctionVersion, additionalVersionWeights: config.RoutingConfig?.AdditionalVersionWeights });
    this.tooltip = [
      `**${escapeMarkdown(name)}** ${escapeMarkdown(this.description)}`,
      config.Description ? escapeMarkdown(config.Description) : undefined,
      config.AliasArn ? `ARN: ${markdownCode(config.AliasArn)}` : undefined,
    ].filter(Boolean).join('  \n');
    this.command = OPEN_PANEL;
  }

  get arn(): string | undefined {
    return this.config.AliasArn;
  }

  override get functionTarget(): FunctionTarget {
    return { ...this.aliases.fn.functionTarget, qualifier: this.label };
  }
}

/** What calls a function (unqualified, i.e. $LATEST) or one of its aliases; loads when expanded. */
export class TriggersNode extends ExplorerNode {
  readonly kind = 'triggers';
  readonly label = 'Triggers';
  override collapsible = true;
  override iconId = 'zap';
  readonly contextValue = 'triggers';

  constructor(
    parent: FunctionNode | AliasNode,
    readonly fn: FunctionNode,
    /** The alias the reads are qualified by; undefined for the function itself. */
    readonly qualifier?: string,
  ) {
    super(`${parent.id}/triggers`, parent);
    this.tooltip = qualifier
      ? `What invokes alias ${markdownCode(qualifier)}: its function URL, asynchronous invocation settings, event source mappings and permitted services`
      : 'What invokes the function: its function URL, asynchronous invocation settings, event source mappings, permitted services and template events';
  }

  override get functionTarget(): FunctionTarget {
    return { ...this.fn.functionTarget, ...(this.qualifier ? { qualifier: this.qualifier } : {}) };
  }
}

/** One trigger row (a URL, a mapping, a permitted service, a template event, "No triggers"…). */
export class TriggerNode extends ExplorerNode {
  readonly kind = 'trigger';
  readonly label: string;

  constructor(
    readonly triggers: TriggersNode,
    readonly item: TriggerItem,
  ) {
    super(`${triggers.id}/${item.key}`, triggers);
    this.label = item.label;
    this.description = item.description;
    this.tooltip = item.tooltip;
    this.iconId = item.iconId;
    if (item.kind === 'needsPermission') this.iconColor = 'problemsWarningIcon.foreground';
    if (item.kind === 'failed') this.iconColor = 'problemsWarningIcon.foreground';
  }

  /** `trigger-<kind>`; a schedule adds whether it fires: `trigger-schedule-on` / `trigger-schedule-off`. */
  get contextValue(): string {
    const schedule = this.item.schedule;
    return `trigger-${this.item.kind}${schedule ? (schedule.firing ? '-on' : '-off') : ''}`;
  }

  override get functionTarget(): FunctionTarget {
    return this.triggers.functionTarget;
  }
}

export class LoadMoreNode extends ExplorerNode {
  readonly kind = 'loadMore';
  readonly label = 'Load more…';
  readonly contextValue = 'loadMore';
  override iconId = 'ellipsis';

  constructor(readonly region: RegionNode, loadedCount: number) {
    super(`${region.id}/loadMore`, region);
    this.description = `${loadedCount} shown`;
    this.command = { command: Commands.loadMore, title: 'Load More' };
  }
}

export class ErrorNode extends ExplorerNode {
  readonly kind = 'error';
  readonly contextValue = 'error';
  override iconId = 'error';
  override iconColor = 'errorForeground';

  constructor(
    parent: ExplorerNode | undefined,
    readonly label: string,
    readonly detail?: string,
    /** Tells apart several errors under one parent. */
    discriminator: string | number = '',
  ) {
    super(`${parent?.id ?? 'root'}/error/${discriminator}/${label}`, parent);
    this.tooltip = escapeMarkdown(detail ?? label);
    this.command = { command: Commands.showLog, title: 'Show Log' };
  }
}

export class SignedOutNode extends ExplorerNode {
  readonly kind = 'signedOut';
  readonly label = 'Signed out — click for how to sign in';
  readonly contextValue = 'signedOut';
  override iconId = 'key';
  override iconColor = 'problemsWarningIcon.foreground';

  constructor(
    parent: ConnectionNode | RegionNode,
    readonly connection: ConnectionNode,
    readonly message: string,
    readonly fixCommand: string | undefined,
  ) {
    super(`${parent.id}/signedOut`, parent);
    this.description = message;
    this.tooltip = escapeMarkdown(message);
    this.command = { command: Commands.signInHint, title: 'How to Sign In' };
  }
}

/** In Restricted Mode, in place of the Local Lambda's functions: a way to trust the folder. */
export class RestrictedNode extends ExplorerNode {
  readonly kind = 'restricted';
  readonly contextValue = 'restricted';
  // The connection's description already says "Restricted Mode"; the row says what to do.
  readonly label = 'Trust this folder to run its functions';
  override iconId = 'shield';
  override iconColor = 'problemsWarningIcon.foreground';

  constructor(parent: ConnectionNode) {
    super(`${parent.id}/restricted`, parent);
    this.tooltip = `${RESTRICTED_LOCAL_MESSAGE}. Until then the Local Lambda runs nothing of this folder; AWS connections work as usual. Click to manage Workspace Trust.`;
    this.command = { command: MANAGE_TRUST_COMMAND, title: 'Manage Workspace Trust' };
  }
}

export class MessageNode extends ExplorerNode {
  readonly kind = 'message';
  readonly contextValue = 'message';

  constructor(
    parent: ExplorerNode | undefined,
    readonly label: string,
    iconId = 'info',
    command?: NodeCommand,
  ) {
    super(`${parent?.id ?? 'root'}/message/${label}`, parent);
    this.iconId = iconId;
    this.command = command;
  }
}

/** Nodes whose ARN can be copied. */
export type ArnNode = FunctionNode | VersionNode | AliasNode;
export function hasArn(node: ExplorerNode): node is ArnNode {
  return node.kind === 'function' || node.kind === 'version' || node.kind === 'alias';
}
