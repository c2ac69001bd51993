import * as vscode from 'vscode';
import { LocalLambdaHost } from './localLambda/host';
import type { LocalLambdaInfo } from './localLambda/process';
import { listProfiles } from '../aws/profiles';
import { readSettings, SECTION } from './config';
import { Disposable } from '../shared/lifecycle';
import { ExplorerModel } from '../features/explorer/model';
import { ExplorerProvider } from '../features/explorer/provider';
import type { ExplorerNode, LoadMoreNode } from '../features/explorer/nodes';
import type { FunctionTarget, TabId } from '../shared/target';
import { functionPanels, openFunctionPanel } from '../features/functionPanel/register';

export const VIEW_ID = 'lambdaWorkbench.explorer';

/** What the extension returns from activate(), used by integration tests to walk the tree. */
export interface WorkbenchApi {
  explorer: {
    getChildren(node?: ExplorerNode): Promise<ExplorerNode[]>;
    loadMore(node: LoadMoreNode): Promise<void>;
    setFilter(connectionId: string, text: string | undefined): void;
    refresh(node?: ExplorerNode): void;
    /** The TreeItem VS Code shows for a node. */
    getTreeItem(node: ExplorerNode): vscode.TreeItem;
  };
  /** Starts the Local Lambda if needed and says where it listens. */
  localEndpoint(): Promise<Pick<LocalLambdaInfo, 'endpoint' | 'region' | 'credentials'>>;
  /** Function panels: open one, and talk to a tab's controller exactly as its webview does. */
  functionPanel: {
    open(target: FunctionTarget | ExplorerNode, tab?: TabId): Promise<FunctionTarget | undefined>;
    /** Resolves with the tab's reply; rejects with its error reply's message. */
    request(target: FunctionTarget, tab: TabId, type: string, payload?: unknown): Promise<unknown>;
    /** The panel's webview has loaded and completed the ready handshake. */
    isReady(target: FunctionTarget): Promise<boolean>;
  };
}

/** The extension's single context: owns everything that lives as long as the extension. */
export class WorkbenchContext extends Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly local: LocalLambdaHost;
  readonly model: ExplorerModel;
  readonly view: vscode.TreeView<ExplorerNode>;
  private readonly provider: ExplorerProvider;

  constructor(readonly extension: vscode.ExtensionContext) {
    super();
    this.log = this._register(vscode.window.createOutputChannel('Lambda Workbench', { log: true }));
    this.local = this._register(
      new LocalLambdaHost({
        extensionPath: extension.extensionPath,
        storagePath: extension.globalStorageUri.fsPath,
        resolveFolder: () => readSettings().localFolder,
        log: this.log,
      }),
    );
    this.model = this._register(new ExplorerModel({ settings: readSettings, listProfiles, local: this.local, log: this.log }));
    this.provider = this._register(new ExplorerProvider(this.model));
    this.view = this._register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true }));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChanged(e)));
  }

  private onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (!e.affectsConfiguration(SECTION)) return;
    const localChanged = e.affectsConfiguration(`${SECTION}.local`);
    if (localChanged && this.local.state !== 'stopped') {
      // A different folder (or disabling it) means the running Local Lambda no longer fits.
      void this.local.stop();
    }
    this.model.refresh();
  }

  /** Shows an error with a button that opens the log; cancellations are not errors. */
  async showError(error: unknown, prefix?: string): Promise<void> {
    if (error instanceof vscode.CancellationError) return;
    const message = error instanceof Error ? error.message : String(error);
    const text = prefix ? `${prefix}: ${message}` : message;
    this.log.error(text);
    const choice = await vscode.window.showErrorMessage(text.split('\n')[0], 'Open Log');
    if (choice === 'Open Log') this.log.show();
  }

  api(): WorkbenchApi {
    return {
      explorer: {
        getChildren: (node) => this.model.getChildren(node),
        loadMore: (node) => this.model.loadMore(node),
        setFilter: (id, text) => this.model.setFilter(id, text),
        refresh: (node) => this.model.refresh(node),
        getTreeItem: (node) => this.provider.getTreeItem(node),
      },
      localEndpoint: async () => {
        const { endpoint, region, credentials } = await this.local.ensureStarted();
        return { endpoint, region, credentials };
      },
      functionPanel: {
        open: (target, tab) => openFunctionPanel(this, target, tab),
        request: async (target, tab, type, payload) => {
          const panel = (await functionPanels(this)).find(target);
          if (!panel) throw new Error(`No function panel is open for ${target.functionName}`);
          const answer = await panel.dispatch({ tab, kind: 'request', id: 0, type, payload });
          if (answer?.kind === 'error') throw new Error(answer.message);
          return answer?.kind === 'reply' ? answer.payload : undefined;
        },
        isReady: async (target) => (await functionPanels(this)).find(target)?.isReady ?? false,
      },
    };
  }
}
