import * as vscode from 'vscode';
import type { LogGroupSummary } from '../../aws/logs';
import type { LogGroupPanels, LogGroupTarget } from './logGroupPanel';
import { ConnectionNode, RegionNode, type ExplorerNode } from '../explorer/nodes';
import type { WorkbenchContext } from '../../workbench/context';
import { openFunctionPanel } from '../functionPanel/register';
import { registerCommand } from '../../workbench/commands';
import { Commands } from '../../workbench/ids';

/** The panel code is loaded on first use, not at activation. */
const managers = new WeakMap<WorkbenchContext, Promise<LogGroupPanels>>();

function logGroupPanels(ctx: WorkbenchContext): Promise<LogGroupPanels> {
  let manager = managers.get(ctx);
  if (!manager) {
    manager = import('./logGroupPanel.js').then(({ LogGroupPanels }) => {
      const panels = new LogGroupPanels(ctx);
      ctx.extension.subscriptions.push(panels);
      return panels;
    });
    managers.set(ctx, manager);
  }
  return manager;
}

function isLogGroupTarget(value: unknown): value is LogGroupTarget {
  const v = value as Partial<LogGroupTarget> | null;
  return typeof v === 'object' && v !== null && typeof v.connectionId === 'string' && typeof v.region === 'string'
    && typeof v.logGroup === 'string' && v.logGroup.length > 0 && typeof v.connectionLabel === 'string'
    && (v.connectionKind === 'local' || v.connectionKind === 'profile' || v.connectionKind === 'custom');
}

async function pickOne<T extends ExplorerNode>(nodes: T[], placeHolder: string): Promise<T | undefined> {
  if (nodes.length <= 1) return nodes[0];
  const picked = await vscode.window.showQuickPick(nodes.map((node) => ({ label: node.label, description: node.description, node })), { placeHolder, title: 'Tail Log Group' });
  return picked?.node;
}

/** The connection and region a node belongs to, or the ones the person picks. */
async function pickRegion(ctx: WorkbenchContext, node: ExplorerNode | undefined): Promise<RegionNode | undefined> {
  for (let n = node; n; n = n.parent) if (n instanceof RegionNode) return n;
  let connection: ConnectionNode | undefined;
  for (let n = node; n; n = n.parent) if (n instanceof ConnectionNode) connection = n;
  if (!connection) {
    const connections = (await ctx.model.getChildren()).filter((n): n is ConnectionNode => n instanceof ConnectionNode);
    if (connections.length === 0) throw new Error('There is no connection to tail logs from. Add an AWS profile or enable the Local Lambda.');
    connection = await pickOne(connections, 'Which connection?');
    if (!connection) return undefined;
  }
  if (connection.connectionKind === 'local') await ctx.local.ensureStarted();
  const children = await ctx.model.getChildren(connection);
  const regions = children.filter((n): n is RegionNode => n instanceof RegionNode);
  if (regions.length === 0) throw new Error(`${connection.label}: ${children[0]?.label ?? 'no regions'}`);
  return pickOne(regions, 'Which region?');
}

function describeGroup(g: LogGroupSummary): string | undefined {
  const parts: string[] = [];
  if (g.storedBytes !== undefined) parts.push(g.storedBytes >= 1_048_576 ? `${(g.storedBytes / 1_048_576).toFixed(1)} MB` : `${Math.ceil(g.storedBytes / 1024)} KB`);
  if (g.creationTime) parts.push(`created ${new Date(g.creationTime).toLocaleDateString()}`);
  return parts.join(' · ') || undefined;
}

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/**
 * A quick pick over DescribeLogGroups. Loads the first 1,000 groups; when there are more,
 * typing asks the service for groups starting with the text. A name typed that is not listed
 * can still be tailed (a function's group appears with its first invocation).
 */
async function pickLogGroup(ctx: WorkbenchContext, region: RegionNode): Promise<string | undefined> {
  const connection = region.connection;
  const spec = ctx.model.connectionSpec(connection.connectionId);
  if (!spec) throw new Error(`Not connected to ${connection.label}. Refresh the Connections view, then try again.`);
  const { LogsApi } = await import('../../aws/logs.js');
  const api = new LogsApi(spec, region.region);
  type Item = vscode.QuickPickItem & { group?: string };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = `Tail Log Group · ${connection.label} · ${region.region}`;
  quickPick.placeholder = 'Log group name, e.g. /aws/lambda/my-function';
  quickPick.matchOnDescription = true;
  quickPick.busy = true;
  let listed: LogGroupSummary[] = [];
  let more = false;
  let query = 0;
  const render = () => {
    const value = quickPick.value.trim();
    const items: Item[] = listed.map((g) => ({ label: g.name, description: describeGroup(g), group: g.name }));
    if (value && GROUP_NAME.test(value) && !listed.some((g) => g.name === value)) {
      items.push({ label: value, description: 'tail this name (the group may not exist yet)', group: value, alwaysShow: true });
    }
    quickPick.items = items;
  };
  const load = async (prefix?: string) => {
    const id = ++query;
    quickPick.busy = true;
    try {
      const page = await api.describeLogGroups(prefix, 1000);
      if (id !== query) return;
      listed = page.groups;
      if (!prefix) more = page.more;
      render();
    } catch (error) {
      if (id === query) {
        quickPick.items = [{ label: `$(error) ${error instanceof Error ? error.message : String(error)}` }];
      }
    } finally {
      if (id === query) quickPick.busy = false;
    }
  };
  let debounce: NodeJS.Timeout | undefined;
  quickPick.onDidChangeValue((value) => {
    render();
    if (!more) return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void load(value.trim() || undefined), 300);
  });
  quickPick.show();
  void load();
  try {
    return await new Promise<string | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]?.group));
      quickPick.onDidHide(() => resolve(undefined));
    });
  } finally {
    clearTimeout(debounce);
    quickPick.dispose();
    api.dispose();
  }
}

/** Opens (or reveals) the panel tailing a log group; without a target, asks for connection, region and group. */
export async function tailLogGroup(ctx: WorkbenchContext, arg?: unknown): Promise<LogGroupTarget | undefined> {
  let target: LogGroupTarget | undefined;
  if (isLogGroupTarget(arg)) {
    target = arg;
  } else {
    const region = await pickRegion(ctx, arg as ExplorerNode | undefined);
    if (!region) return undefined;
    const group = await pickLogGroup(ctx, region);
    if (!group) return undefined;
    const c = region.connection;
    target = { connectionId: c.connectionId, connectionLabel: c.label, connectionKind: c.connectionKind, region: region.region, logGroup: group };
  }
  (await logGroupPanels(ctx)).open(target);
  return target;
}

export function registerLogsCommands(ctx: WorkbenchContext): void {
  registerCommand(ctx, Commands.tailLogGroup, (arg: unknown) => tailLogGroup(ctx, arg));
  // A function, version or alias node (or a FunctionTarget): its panel on the Logs tab; nothing given asks for a function.
  registerCommand(ctx, Commands.tailLogs, (node: unknown) => openFunctionPanel(ctx, node, 'logs'));
}
