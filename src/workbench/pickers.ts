import * as vscode from 'vscode';
import type { ConnectionSpec } from '../aws/connections';
import type { FunctionConfiguration } from '../aws/lambda';
import { errorMessage } from '../shared/errors';
import { describeFunction, LATEST_OPTION, qualifierOptions, type QualifierOption } from '../shared/format';
import type { FunctionTarget } from '../shared/target';
import type { ConnectionPlace } from './connections';
import type { Workbench } from './context';

/**
 * The quick picks every feature asks with: which connection, which region, which function, which
 * version or alias. Each resolves with undefined when the person cancels.
 */

/** "Load more" is followed at most this many times in one pick, so an endpoint that never stops paging cannot hang it. */
const MAX_PAGES = 20;
const PAGE_SIZE = 50;

interface Item<T> extends vscode.QuickPickItem {
  value?: T;
}

const connectionIcon = (spec: ConnectionSpec) => (spec.kind === 'local' ? 'vm' : spec.kind === 'custom' ? 'plug' : 'cloud');

export function placeOf(spec: ConnectionSpec, region: string): ConnectionPlace {
  return { connectionId: spec.id, connectionLabel: spec.label, connectionKind: spec.kind, region };
}

/** Answers one round of a quick pick: the accepted item, or undefined when it was hidden. */
function answer<T extends vscode.QuickPickItem>(input: vscode.QuickPick<T>): Promise<T | undefined> {
  return new Promise((resolve) => {
    const listeners = [input.onDidAccept(() => finish(input.selectedItems[0])), input.onDidHide(() => finish(undefined))];
    function finish(value: T | undefined): void {
      for (const l of listeners) l.dispose();
      resolve(value);
    }
  });
}

export interface PickConnectionOptions {
  title: string;
  placeHolder?: string;
  /** Items offered above the connections (e.g. "the Local Lambda's template function"). */
  extra?: Item<string>[];
}

/** A connection, or one of the `extra` items' values; skips asking when there is only one. */
export async function pickConnection(ws: Workbench, options: PickConnectionOptions): Promise<ConnectionSpec | string | undefined> {
  const { connections } = await ws.connections.list();
  if (connections.length === 0 && !options.extra?.length) {
    throw new Error('There is no connection to choose from. Configure an AWS profile or enable the Local Lambda.');
  }
  if (connections.length === 1 && !options.extra?.length) return connections[0];
  const items: Item<ConnectionSpec | string>[] = [...(options.extra ?? [])];
  if (options.extra?.length && connections.length) items.push({ label: 'Connections', kind: vscode.QuickPickItemKind.Separator });
  for (const spec of connections) {
    items.push({ label: `$(${connectionIcon(spec)}) ${spec.label}`, description: spec.endpoint ?? (spec.profile?.sso ? 'SSO' : undefined), value: spec });
  }
  const picked = await vscode.window.showQuickPick(items, { title: options.title, placeHolder: options.placeHolder ?? 'Which connection?', matchOnDescription: true, ignoreFocusOut: true });
  return picked?.value;
}

/** A region of the connection (AWS profiles list the configured regions); skips asking when there is one. */
export async function pickRegion(ws: Workbench, spec: ConnectionSpec, title: string): Promise<string | undefined> {
  const regions = ws.connections.regions(spec);
  if (regions.length <= 1) return regions[0];
  const picked = await vscode.window.showQuickPick(regions.map((label) => ({ label })), { title, placeHolder: 'Which region?', ignoreFocusOut: true });
  return picked?.label;
}

/** A connection and region, asked for in turn. */
export async function pickPlace(ws: Workbench, title: string): Promise<ConnectionPlace | undefined> {
  const spec = await pickConnection(ws, { title });
  if (!spec || typeof spec === 'string') return undefined;
  const region = await pickRegion(ws, spec, title);
  return region ? placeOf(spec, region) : undefined;
}

export interface PickedFunction {
  target: FunctionTarget;
  /** The function's Handler setting, as the listing says it. */
  handler?: string;
}

/** Ranks names that contain the suggested name first (deployed names often add a stack prefix). */
function relevance(name: string, suggested: string | undefined): number {
  if (!suggested) return 1;
  const a = name.toLowerCase();
  const b = suggested.toLowerCase();
  return a === b ? 0 : a.includes(b) ? 1 : 2;
}

/** A function of one connection and region, page by page, with "Load more" while there are more. */
export async function pickFunctionIn(ws: Workbench, place: ConnectionPlace, title: string, suggestedName?: string): Promise<PickedFunction | undefined> {
  const { lambda } = await ws.connections.resolve(place);
  const input = vscode.window.createQuickPick<Item<FunctionConfiguration | 'more'>>();
  input.title = title;
  input.placeholder = `Function in ${place.connectionLabel} · ${place.region}`;
  input.matchOnDescription = true;
  input.ignoreFocusOut = true;
  input.busy = true;
  input.show();
  const functions: FunctionConfiguration[] = [];
  let marker: string | undefined;
  const loadPage = async () => {
    input.busy = true;
    const page = await lambda.listFunctionsPage(marker, PAGE_SIZE);
    functions.push(...page.functions);
    marker = page.nextMarker;
    const sorted = [...functions].sort((x, y) => relevance(x.FunctionName ?? '', suggestedName) - relevance(y.FunctionName ?? '', suggestedName) || (x.FunctionName ?? '').localeCompare(y.FunctionName ?? ''));
    const items: Item<FunctionConfiguration | 'more'>[] = sorted.map((f) => ({
      label: f.FunctionName ?? '(unnamed)',
      description: describeFunction({ runtime: f.Runtime, memorySize: f.MemorySize, lastModified: f.LastModified, packageType: f.PackageType }),
      detail: f.Handler ? `Handler ${f.Handler}` : undefined,
      value: f,
    }));
    if (marker) items.push({ label: '$(ellipsis) Load more functions', value: 'more', alwaysShow: true });
    if (items.length === 0) items.push({ label: 'No functions in this region', alwaysShow: true });
    input.items = items;
    input.busy = false;
  };
  try {
    await loadPage();
    for (let pages = 0; pages <= MAX_PAGES; pages++) {
      const chosen = (await answer(input))?.value;
      if (!chosen) return undefined;
      if (chosen !== 'more') {
        const target: FunctionTarget = { ...place, functionName: chosen.FunctionName ?? '', ...(chosen.FunctionArn ? { functionArn: chosen.FunctionArn } : {}) };
        return { target, handler: chosen.Handler };
      }
      await loadPage();
    }
    return undefined;
  } catch (error) {
    throw new Error(`Could not list the functions of ${place.connectionLabel} (${place.region}): ${errorMessage(error)}`, { cause: error });
  } finally {
    input.dispose();
  }
}

/** A function of any connection and region: connection, region, then function. */
export async function pickFunction(ws: Workbench, title: string): Promise<FunctionTarget | undefined> {
  const place = await pickPlace(ws, title);
  return place ? (await pickFunctionIn(ws, place, title))?.target : undefined;
}

/** `$LATEST`, an alias or a version of the function; the list fills in while the person looks. */
export async function pickQualifier(ws: Workbench, target: FunctionTarget, title: string): Promise<string | undefined> {
  const quickPick = vscode.window.createQuickPick<Item<string>>();
  quickPick.title = title;
  quickPick.placeholder = 'Qualifier';
  // As the other pickers here: a redraw elsewhere (the tree, the panel) must not close it.
  quickPick.ignoreFocusOut = true;
  const asItem = (o: QualifierOption): Item<string> => ({ label: o.value, description: o.description, value: o.value });
  quickPick.items = [asItem(LATEST_OPTION)];
  quickPick.busy = true;
  quickPick.show();
  try {
    void ws.connections.resolve(target)
      .then(({ lambda }) => lambda.listQualifiers(target.functionName))
      .then(({ versions, aliases }) => {
        const options = qualifierOptions(versions, aliases);
        const items: Item<string>[] = [];
        for (const kind of ['latest', 'alias', 'version'] as const) {
          const group = options.filter((o) => o.kind === kind);
          if (group.length && kind !== 'latest') items.push({ label: kind === 'alias' ? 'Aliases' : 'Versions', kind: vscode.QuickPickItemKind.Separator });
          items.push(...group.map(asItem));
        }
        quickPick.items = items;
      })
      .catch((error: unknown) => {
        quickPick.items = [...quickPick.items, { label: 'Versions and aliases could not be listed', detail: errorMessage(error) }];
      })
      .finally(() => (quickPick.busy = false));
    for (;;) {
      const picked = await answer(quickPick);
      if (!picked) return undefined;
      if (picked.value) return picked.value;
    }
  } finally {
    quickPick.dispose();
  }
}
