import * as vscode from 'vscode';
import type { CodeActions } from './actions';
import type { Workbench } from '../../workbench/context';
import { registerCommand } from '../../workbench/commands';
import { Commands, type CommandId } from '../../workbench/ids';
import { requireTrust } from '../../workbench/trust';

/**
 * Code commands (download, link, deploy) and the code status-bar item. Only the folder links are
 * read at activation; the code itself (zip, status bar) loads on the first command, or when an
 * editor shows a file of a linked folder.
 */
export function registerCode(ctx: Workbench): void {
  const links = ctx.codeLinks;
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
  // Deploying uploads a folder's code to run on a function: not from a folder that is not trusted.
  const trusted = <T>(what: string, run: () => Promise<T>): Promise<T> => {
    requireTrust(ctx.isTrusted, what);
    return run();
  };
  register(Commands.deployCode, (code, arg) => trusted('Deploying a folder', () => code.deploy(arg, true)));
  register(Commands.quickDeploy, (code, arg) => trusted('Quick Deploy', () => code.deploy(arg, false)));
  register(Commands.linkFolder, (code, arg, folder) => code.link(arg, folder));
  register(Commands.unlinkFolder, (code, arg) => code.unlink(arg));
  register(Commands.toggleDeployOnSave, (code, arg) => trusted('Deploy on save', () => code.toggleDeployOnSave(arg)));

  const showStatusIfLinked = (editor: vscode.TextEditor | undefined) => {
    const uri = editor?.document.uri;
    if (uri?.scheme === 'file' && links.forPath(uri.fsPath)) void load().then((code) => code.ensureStatusBar());
  };
  const linksChanged = links.onDidChange(() => showStatusIfLinked(vscode.window.activeTextEditor));
  ctx.extension.subscriptions.push(
    { dispose: () => linksChanged.dispose() },
    vscode.window.onDidChangeActiveTextEditor(showStatusIfLinked),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const link = doc.uri.scheme === 'file' ? links.forPath(doc.uri.fsPath) : undefined;
      if (!link?.deployOnSave) return;
      if (!ctx.isTrusted) {
        ctx.log.warn(`Not deploying ${link.folder} on save: Restricted Mode (trust this folder to deploy on save).`);
        return;
      }
      void load().then((code) => code.onSaved(link));
    }),
  );
  showStatusIfLinked(vscode.window.activeTextEditor);
}
