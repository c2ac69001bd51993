import type * as vscode from 'vscode';
import type { LocalLambdaInfo } from './workbench/localLambda/process';
import type { Explorer } from './features/explorer/register';
import type { ExplorerNode, LoadMoreNode } from './features/explorer/nodes';
import type { FunctionPanels } from './features/functionPanel/panel';
import type { FunctionTarget, TabId } from './shared/target';
import type { Workbench } from './workbench/context';
import type { ShownBuildUpdate } from './workbench/localLambda/buildProgress';

/** What the extension returns from activate(), used by integration tests to walk the tree and drive panels. */
export interface WorkbenchApi {
  explorer: {
    getChildren(node?: ExplorerNode): Promise<ExplorerNode[]>;
    loadMore(node: LoadMoreNode): Promise<void>;
    setFilter(connectionId: string, text: string | undefined): Promise<void>;
    refresh(node?: ExplorerNode): Promise<void>;
    /** The TreeItem VS Code shows for a node (one the tree has listed). */
    getTreeItem(node: ExplorerNode): vscode.TreeItem;
  };
  /** Starts the Local Lambda if needed and says where it listens. */
  localEndpoint(): Promise<Pick<LocalLambdaInfo, 'endpoint' | 'region' | 'credentials'>>;
  /** What the build progress showed so far (progress messages, failures), oldest first. */
  localBuilds(): ShownBuildUpdate[];
  /** Function panels: open one, and talk to a tab's controller exactly as its webview does. */
  functionPanel: {
    open(target: FunctionTarget | ExplorerNode, tab?: TabId): Promise<FunctionTarget | undefined>;
    /** Resolves with the tab's reply; rejects with its error reply's message. */
    request(target: FunctionTarget, tab: TabId, type: string, payload?: unknown): Promise<unknown>;
    /** The panel's webview has loaded and completed the ready handshake. */
    isReady(target: FunctionTarget): Promise<boolean>;
  };
}

export interface TestApiParts {
  ws: Workbench;
  explorer: Explorer;
  functionPanels: { panels(): Promise<FunctionPanels>; open(arg?: unknown, tab?: TabId): Promise<FunctionTarget | undefined> };
}

export function testApi({ ws, explorer, functionPanels }: TestApiParts): WorkbenchApi {
  const loadedProvider = () => {
    if (!explorer.loaded) throw new Error('The tree has listed nothing yet');
    return explorer.loaded.provider;
  };
  return {
    explorer: {
      getChildren: async (node) => (await explorer.parts()).model.getChildren(node),
      loadMore: async (node) => (await explorer.parts()).model.loadMore(node),
      setFilter: async (id, text) => (await explorer.parts()).model.setFilter(id, text),
      refresh: async (node) => (await explorer.parts()).model.refresh(node),
      getTreeItem: (node) => loadedProvider().getTreeItem(node),
    },
    localEndpoint: async () => {
      const { endpoint, region, credentials } = await ws.local.ensureStarted();
      return { endpoint, region, credentials };
    },
    localBuilds: () => [...ws.buildProgress.shown],
    functionPanel: {
      open: (target, tab) => functionPanels.open(target, tab),
      request: async (target, tab, type, payload) => {
        const panel = (await functionPanels.panels()).find(target);
        if (!panel) throw new Error(`No function panel is open for ${target.functionName}`);
        const answer = await panel.dispatch({ channel: tab, kind: 'request', id: 0, type, payload });
        if (answer?.kind === 'error') throw new Error(answer.message);
        return answer?.kind === 'reply' ? answer.payload : undefined;
      },
      isReady: async (target) => (await functionPanels.panels()).find(target)?.isReady ?? false,
    },
  };
}
