import * as vscode from 'vscode';
import { LOCAL_CONNECTION_ID } from '../../aws/connections';
import type { WorkbenchContext } from '../../workbench/context';
import type { FunctionTarget } from '../../shared/target';
import { toFunctionTarget } from '../../workbench/target';
import type { ExplorerModel } from '../explorer/model';
import { ConnectionNode, FunctionNode, LoadMoreNode, RegionNode, type ExplorerNode } from '../explorer/nodes';

/** The Local Lambda always answers as account 123456789012 in us-east-1. */
const LOCAL_REGION = 'us-east-1';
/** "Load more" is followed at most this many times in one pick. */
const MAX_PAGES = 20;

export function localTarget(functionName: string): FunctionTarget {
  return { connectionId: LOCAL_CONNECTION_ID, connectionLabel: 'Local Lambda', connectionKind: 'local', region: LOCAL_REGION, functionName, qualifier: '$LATEST' };
}

export interface PickedFunction {
  target: FunctionTarget;
  /** The function's Handler setting, when the listing says it. */
  handler?: string;
}

/** A tree level that failed to load says why, so the picker can tell the person. */
function failure(nodes: ExplorerNode[]): string | undefined {
  const problem = nodes.find((n) => n.kind === 'error' || n.kind === 'signedOut' || n.kind === 'message');
  return problem ? `${problem.label}${problem.description ? ` — ${problem.description}` : ''}` : undefined;
}

interface Item<T> extends vscode.QuickPickItem {
  value?: T;
}

async function pickOne<T>(title: string, placeHolder: string, items: Item<T>[]): Promise<Item<T> | undefined> {
  return vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, ignoreFocusOut: true });
}

/** Ranks names that contain the template's function name first (deployed names often add a stack prefix). */
function relevance(name: string, suggested: string | undefined): number {
  if (!suggested) return 1;
  const a = name.toLowerCase();
  const b = suggested.toLowerCase();
  return a === b ? 0 : a.includes(b) ? 1 : 2;
}

async function pickFromRegion(model: ExplorerModel, region: RegionNode, title: string, suggested: string | undefined): Promise<PickedFunction | undefined> {
  const input = vscode.window.createQuickPick<Item<FunctionNode | 'more'>>();
  input.title = title;
  input.placeholder = `Function in ${region.connection.label} (${region.region})`;
  input.matchOnDescription = true;
  input.ignoreFocusOut = true;
  input.busy = true;
  input.show();
  try {
    const load = async (): Promise<void> => {
      const children = await model.getChildren(region);
      const functions = children.filter((n): n is FunctionNode => n instanceof FunctionNode);
      const problem = functions.length === 0 ? failure(children) : undefined;
      if (problem) throw new Error(`Could not list functions of ${region.connection.label} (${region.region}): ${problem}`);
      functions.sort((x, y) => relevance(x.functionName, suggested) - relevance(y.functionName, suggested) || x.functionName.localeCompare(y.functionName));
      const items: Item<FunctionNode | 'more'>[] = functions.map((f) => ({ label: f.functionName, description: f.description, detail: f.config.Handler ? `Handler ${f.config.Handler}` : undefined, value: f }));
      if (children.some((n) => n instanceof LoadMoreNode)) items.push({ label: '$(ellipsis) Load more functions', value: 'more', alwaysShow: true });
      if (items.length === 0) items.push({ label: 'No functions in this region', alwaysShow: true });
      input.items = items;
      input.busy = false;
    };
    await load();
    for (let pages = 0; pages <= MAX_PAGES; pages++) {
      const chosen = await new Promise<Item<FunctionNode | 'more'> | undefined>((resolve) => {
        // One answer per round; the listeners go with it.
        const listeners = [input.onDidAccept(() => finish(input.selectedItems[0])), input.onDidHide(() => finish(undefined))];
        function finish(value: Item<FunctionNode | 'more'> | undefined): void {
          for (const l of listeners) l.dispose();
          resolve(value);
        }
      });
      if (!chosen?.value) return undefined;
      if (chosen.value !== 'more') return { target: toFunctionTarget(chosen.value)!, handler: chosen.value.config.Handler };
      const more = (await model.getChildren(region)).find((n): n is LoadMoreNode => n instanceof LoadMoreNode);
      if (!more) return undefined;
      input.busy = true;
      await model.loadMore(more);
      await load();
    }
    return undefined;
  } finally {
    input.dispose();
  }
}

/**
 * Asks which function a handler belongs to: the Local Lambda's template function (offered
 * first when there is one), or a function of any connection and region in the tree.
 */
export async function pickHandlerFunction(ctx: WorkbenchContext, options: { title: string; localFunction?: string; suggestedName?: string }): Promise<PickedFunction | undefined> {
  const { model } = ctx;
  const roots = await model.getChildren();
  const connections = roots.filter((n): n is ConnectionNode => n instanceof ConnectionNode);
  const items: Item<ConnectionNode | 'local'>[] = [];
  if (options.localFunction) {
    items.push({ label: `$(vm) ${options.localFunction}`, description: 'Local Lambda — the function from the template', value: 'local' });
    items.push({ label: 'Deployed functions', kind: vscode.QuickPickItemKind.Separator });
  }
  for (const c of connections) items.push({ label: `$(${c.iconId ?? 'cloud'}) ${c.label}`, description: c.description, value: c });
  if (items.length === 0) throw new Error('There is no connection to choose a function from. Configure an AWS profile or enable the Local Lambda.');
  const connection = await pickOne(options.title, 'Which connection runs this handler?', items);
  if (!connection?.value) return undefined;
  if (connection.value === 'local') return { target: localTarget(options.localFunction!) };
  if (connection.value.connectionKind === 'local') await ctx.local.ensureStarted();

  const children = await model.getChildren(connection.value);
  const regions = children.filter((n): n is RegionNode => n instanceof RegionNode);
  if (regions.length === 0) throw new Error(`Could not list regions of ${connection.value.label}: ${failure(children) ?? 'none are configured'}`);
  let region = regions[0];
  if (regions.length > 1) {
    const picked = await pickOne(options.title, 'Which region?', regions.map((r) => ({ label: r.region, value: r })));
    if (!picked?.value) return undefined;
    region = picked.value;
  }
  return pickFromRegion(model, region, options.title, options.suggestedName);
}
