import * as vscode from 'vscode';
import { Disposable } from '../../shared/lifecycle';
import type { ExplorerModel } from './model';
import type { ExplorerNode } from './nodes';

/** Renders the ExplorerModel's nodes as VS Code tree items. */
export class ExplorerProvider extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ExplorerNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly model: ExplorerModel) {
    super();
    this._register(model.onDidChange((node) => this.changed.fire(node)));
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    const health = this.model.healthOf(node);
    item.description = health?.line ? [node.description, health.line].filter(Boolean).join(' · ') : node.description;
    item.contextValue = node.contextValue;
    const tooltip = health?.note ? [node.tooltip, health.note].filter(Boolean).join('  \n') : node.tooltip;
    if (tooltip) item.tooltip = tooltipMarkdown(tooltip);
    if (node.iconId) item.iconPath = new vscode.ThemeIcon(node.iconId, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    if (node.command) item.command = { command: node.command.command, title: node.command.title, arguments: [node, ...(node.command.args ?? [])] };
    return item;
  }

  getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    return this.model.getChildren(node);
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }
}

/**
 * A node's tooltip (Markdown whose endpoint and user text the nodes escaped): theme icons on, and
 * stated explicitly so no later default can change it, no HTML and no command links.
 */
function tooltipMarkdown(value: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(value, true);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}
