/** The log commands' flows (pickers, the log group list), loaded on first use. */
import * as vscode from 'vscode';
import type { LogGroupSummary } from '../../aws/logs';
import { errorMessage } from '../../shared/errors';
import type { ConnectionPlace } from '../../workbench/connections';
import type { Workbench } from '../../workbench/context';
import { pickPlace, pickRegion } from '../../workbench/pickers';
import { toPlace } from '../../workbench/target';
import type { LogGroupPanels, LogGroupTarget } from './logGroupPanel';

function isLogGroupTarget(value: unknown): value is LogGroupTarget {
  const v = value as Partial<LogGroupTarget> | null;
  return typeof v === 'object' && v !== null && typeof v.connectionId === 'string' && typeof v.region === 'string'
    && typeof v.logGroup === 'string' && v.logGroup.length > 0 && typeof v.connectionLabel === 'string'
    && (v.connectionKind === 'local' || v.connectionKind === 'profile' || v.connectionKind === 'custom');
}

/** The connection and region a tree node lies in, completed by asking; or both asked for. */
async function placeFor(ws: Workbench, arg: unknown): Promise<ConnectionPlace | undefined> {
  const place = toPlace(arg);
  if (!place) return pickPlace(ws, 'Tail Log Group');
  if (place.region) return { ...place, region: place.region };
  const spec = (await ws.connections.resolve({ ...place, region: 'us-east-1' })).spec;
  const region = await pickRegion(ws, spec, 'Tail Log Group');
  return region ? { ...place, region } : undefined;
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
async function pickLogGroup(ws: Workbench, place: ConnectionPlace): Promise<string | undefined> {
  const api = await (await ws.connections.resolve(place)).logs();
  type Item = vscode.QuickPickItem & { group?: string };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = `Tail Log Group · ${place.connectionLabel} · ${place.region}`;
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
        quickPick.items = [{ label: `$(error) ${errorMessage(error)}` }];
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
  }
}

/** Opens (or reveals) the panel tailing a log group; without a target, asks for connection, region and group. */
export async function tailLogGroup(ws: Workbench, panels: () => Promise<LogGroupPanels>, arg?: unknown): Promise<LogGroupTarget | undefined> {
  let target: LogGroupTarget | undefined;
  if (isLogGroupTarget(arg)) {
    target = arg;
  } else {
    const place = await placeFor(ws, arg);
    if (!place) return undefined;
    const group = await pickLogGroup(ws, place);
    if (!group) return undefined;
    target = { ...place, logGroup: group };
  }
  (await panels()).open(target);
  return target;
}
