import * as vscode from 'vscode';
import type { FunctionTarget } from '../shared/target';
import { toFunctionTarget } from './target';
import { ConnectionNode, FunctionNode, LoadMoreNode, RegionNode, type ExplorerNode } from '../features/explorer/nodes';
import type { WorkbenchContext } from './context';

/** Bounded so an endpoint that never stops paging cannot hang the picker. */
const MAX_PAGES = 20;

async function pickOne<T extends ExplorerNode>(nodes: T[], placeHolder: string, title: string): Promise<T | undefined> {
  if (nodes.length <= 1) return nodes[0];
  const picked = await vscode.window.showQuickPick(
    nodes.map((node) => ({ label: node.label, description: node.description, node })),
    { placeHolder, title, matchOnDescription: true },
  );
  return picked?.node;
}

/**
 * Asks for a function through quick picks: connection, region, then function (all pages of
 * the region, as the tree lists them). Undefined when the person cancels.
 */
export async function pickFunction(ctx: WorkbenchContext, title: string): Promise<FunctionTarget | undefined> {
  const { model } = ctx;
  const connections = (await model.getChildren()).filter((n): n is ConnectionNode => n instanceof ConnectionNode);
  if (connections.length === 0) throw new Error('There is no connection to pick a function from. Add an AWS profile or enable the Local Lambda.');
  const connection = await pickOne(connections, 'Which connection?', title);
  if (!connection) return undefined;
  if (connection.connectionKind === 'local') await ctx.local.ensureStarted();

  const regionChildren = await model.getChildren(connection);
  const regions = regionChildren.filter((n): n is RegionNode => n instanceof RegionNode);
  if (regions.length === 0) throw new Error(`${connection.label}: ${regionChildren[0]?.label ?? 'no regions'}`);
  const region = await pickOne(regions, 'Which region?', title);
  if (!region) return undefined;

  const quickPick = vscode.window.createQuickPick<vscode.QuickPickItem & { node?: FunctionNode }>();
  quickPick.title = title;
  quickPick.placeholder = `Function in ${connection.label} · ${region.label}`;
  quickPick.matchOnDescription = true;
  quickPick.busy = true;
  quickPick.show();
  try {
    const loading = (async () => {
      let nodes = await model.getChildren(region);
      for (let page = 0; page < MAX_PAGES; page++) {
        const more = nodes.find((n): n is LoadMoreNode => n instanceof LoadMoreNode);
        if (!more) break;
        await model.loadMore(more);
        nodes = await model.getChildren(region);
      }
      const functions = nodes.filter((n): n is FunctionNode => n instanceof FunctionNode);
      quickPick.items = functions.length
        ? functions.map((node) => ({ label: node.label, description: node.description, node }))
        : [{ label: nodes[0]?.label ?? 'No functions' }];
      quickPick.busy = false;
    })();
    const chosen = await new Promise<FunctionNode | undefined>((resolve, reject) => {
      loading.catch(reject);
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]?.node));
      quickPick.onDidHide(() => resolve(undefined));
    });
    return chosen ? toFunctionTarget(chosen) : undefined;
  } finally {
    quickPick.dispose();
  }
}
