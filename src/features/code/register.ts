import * as vscode from 'vscode';
import type { CodeActions } from './actions';
import { CodeLinks } from './links';
import type { Workbench } from '../../workbench/context';
import { registerCommand } from '../../workbench/commands';
import { Commands, type CommandId } from '../../workbench/ids';

/**
 * Code commands (download, link, deploy) and the code status-bar item. Only the folder links are
 * read at activation; the code itself (zip, status bar) loads on the first command, or when an
 * editor shows a file of a linked folder.
 */
export function registerCode(ctx: Workbench): void {
  const links = new CodeLinks(ctx.extension.workspaceState);
  let actions: Promise<CodeActions> | undefined;
  const load = (): Promise<CodeActions> =>
    (actions ??= import('./actions.js').then(({ CodeActions }) => {
      const created = new CodeActions(ctx, links);
      ctx.extension.subscriptions.push(created);
      return created;
    }));

  const register = (id: CommandId, run: (code: CodeActions, ...args: unknown[]) => Promise<unknown>) =>
    registerCommand(ctx, id, async (...args: unknown[]) => run(await load(), ...args));
  register(Commands.downloadCode, (code, target, folder) => code.download(target, folder));
  register(Commands.deployCode, (code, arg) => code.deploy(arg, true));
  register(Commands.quickDeploy, (code, arg) => code.deploy(arg, false));
  register(Commands.linkFolder, (code, arg, folder) => code.link(arg, folder));
  register(Commands.unlinkFolder, (code, arg) => code.unlink(arg));
  register(Commands.toggleDeployOnSave, (code, arg) => code.toggleDeployOnSave(arg));

  const showStatusIfLinked = (editor: vscode.TextEditor | undefined) => {
    const uri = editor?.document.uri;
    if (uri?.scheme === 'file' && links.forPath(uri.fsPath)) void load().then((code) => code.ensureStatusBar());
  };
  const linksChanged = links.onDidChange(() => showStatusIfLinked(vscode.window.activeTextEditor));
  ctx.extension.subscriptions.push(
    links,
    { dispose: () => linksChanged.dispose() },
    vscode.window.onDidChangeActiveTextEditor(showStatusIfLinked),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const link = doc.uri.scheme === 'file' ? links.forPath(doc.uri.fsPath) : undefined;
      if (link?.deployOnSave) void load().then((code) => code.onSaved(link));
    }),
  );
  showStatusIfLinked(vscode.window.activeTextEditor);
}
