import * as vscode from 'vscode';
import type { CodeLensServices } from './commands';
import type { WorkbenchContext } from '../../workbench/context';
import { Commands } from '../../workbench/ids';
import { readSettings, SECTION } from '../../workbench/config';
import { TemplateHandlerIndex, TEMPLATE_NAMES } from './handlerIndex';
import { HandlerMappings } from './handlerMappings';
import { HandlerCodeLensProvider } from './provider';
import { CODELENS_SETTING } from './register';

/**
 * Builds the handler CodeLens services on the first lens request or lens command: the template
 * index, the remembered mappings, the provider and the template watcher.
 */
export function setupCodeLens(ctx: WorkbenchContext, onDidChange: () => void): CodeLensServices {
  const subscriptions = ctx.extension.subscriptions;
  const index = new TemplateHandlerIndex((file, message) => ctx.log.warn(`CodeLens: cannot read ${file}: ${message}`));
  const mappings = new HandlerMappings(ctx.extension.workspaceState);
  let watcher: { folder: string; disposable: vscode.Disposable } | undefined;

  const provider = new HandlerCodeLensProvider({
    index,
    mappings,
    commandId: Commands.invokeHandler,
    enabled: () => vscode.workspace.getConfiguration(SECTION).get<boolean>(CODELENS_SETTING) !== false,
    localEnabled: () => readSettings().localEnabled,
    folder: () => {
      const folder = readSettings().localFolder;
      if (folder && watcher?.folder !== folder) watchTemplates(folder);
      return folder;
    },
  });

  /** Template edits (in the folder or one level below, as the Local Lambda reads them) refresh the lenses. */
  function watchTemplates(folder: string): void {
    watcher?.disposable.dispose();
    const pattern = new vscode.RelativePattern(folder, `{,*/}{${TEMPLATE_NAMES.join(',')}}`);
    const fsWatcher = vscode.workspace.createFileSystemWatcher(pattern);
    const changed = () => {
      index.invalidate(folder);
      provider.refresh();
    };
    watcher = { folder, disposable: vscode.Disposable.from(fsWatcher, fsWatcher.onDidChange(changed), fsWatcher.onDidCreate(changed), fsWatcher.onDidDelete(changed)) };
  }

  subscriptions.push(
    provider,
    mappings,
    { dispose: () => watcher?.disposable.dispose() },
    provider.onDidChangeCodeLenses(onDidChange),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.local.folder`)) index.invalidate();
      if (e.affectsConfiguration(`${SECTION}.${CODELENS_SETTING}`) || e.affectsConfiguration(`${SECTION}.local`)) provider.refresh();
    }),
  );
  return { provider, mappings };
}
