import * as vscode from 'vscode';
import { lazyCommands, registerCommand } from '../../workbench/commands';
import type { Workbench } from '../../workbench/context';
import { Commands, EXPLORER_VIEW_ID } from '../../workbench/ids';
import { Disposable } from '../../shared/lifecycle';
import { EXPLORER_COMMANDS } from './commandIds';
import type { ExplorerParts } from './explorer';
import type { ExplorerNode } from './nodes';

/** What the tree feature gives the composition root (and through it, the integration tests). */
export interface Explorer {
  /** The tree's model and rendering; loads them on first use. */
  parts(): Promise<ExplorerParts>;
  /** The same once loaded: the tree has shown something or one of its commands has run. */
  readonly loaded: ExplorerParts | undefined;
}

/**
 * Stands in for the tree's provider at activation. VS Code asks for the root's children once the
 * view is shown, after activation; that first question loads the model, and every node it hands
 * out comes from the loaded provider, so the later questions go straight to it.
 */
class TreeShell extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ExplorerNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private provider?: vscode.TreeDataProvider<ExplorerNode>;

  constructor(private readonly load: () => Promise<ExplorerParts>) {
    super();
  }

  attach(provider: ExplorerParts['provider']): void {
    this.provider = provider;
    this._register(provider.onDidChangeTreeData((node) => this.changed.fire(node ?? undefined)));
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    const { provider } = await this.load();
    return provider.getChildren(node);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    if (!this.provider) throw new Error('The tree was asked for an item before it listed any');
    return this.provider.getTreeItem(node) as vscode.TreeItem;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }
}

/**
 * The Connections tree: the view and its commands are registered at activation; the model, the
 * nodes and the commands' code load when the view first shows or a command first runs.
 */
export function registerExplorer(ws: Workbench): Explorer {
  const { local, log } = ws;
  let loading: Promise<ExplorerParts> | undefined;
  let loaded: ExplorerParts | undefined;
  const parts = (): Promise<ExplorerParts> =>
    (loading ??= import('./explorer.js')
      .then(({ createExplorer }) => {
        loaded = createExplorer(ws);
        shell.attach(loaded.provider);
        return loaded;
      })
      .catch((error: unknown) => {
        loading = undefined; // the next question tries again
        throw error;
      }));
  const shell = ws.own(new TreeShell(parts));
  ws.own(vscode.window.createTreeView(EXPLORER_VIEW_ID, { treeDataProvider: shell, showCollapseAll: true }));

  const register = lazyCommands(ws, parts);
  for (const id of EXPLORER_COMMANDS) {
    register(id, (p, ...args) => (p.commands[id] as (...a: unknown[]) => unknown)(...args));
  }

  registerCommand(ws, Commands.showLog, () => log.show());
  const withLocalProgress = (title: string, run: () => Promise<unknown>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, run);
  registerCommand(ws, Commands.startLocal, () => withLocalProgress('Starting Local Lambda…', () => local.startByUser()));
  registerCommand(ws, Commands.stopLocal, () => local.stop({ byUser: true }));
  registerCommand(ws, Commands.restartLocal, () => withLocalProgress('Restarting Local Lambda…', () => local.restart()));

  return {
    parts,
    get loaded() {
      return loaded;
    },
  };
}
