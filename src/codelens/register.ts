import * as vscode from 'vscode';
import { registerCodeLensCommands } from '../commands/codeLens';
import type { WorkbenchContext } from '../commands/context';
import { Commands } from '../commands/ids';
import { readSettings, SECTION } from '../util/configuration';
import { TemplateHandlerIndex, TEMPLATE_NAMES } from './handlerIndex';
import { HandlerMappings } from './handlerMappings';
import { CODELENS_SELECTOR, HandlerCodeLensProvider } from './provider';

export const CODELENS_SETTING = 'codeLens.enabled';

/**
 * Registers the handler CodeLens and its commands. Cheap at activation: nothing is read until a
 * JavaScript, TypeScript or Python file asks for lenses; templates are then read once and
 * watched.
 */
export function registerCodeLens(ctx: WorkbenchContext): void {
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
    vscode.languages.registerCodeLensProvider(CODELENS_SELECTOR, provider),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.local.folder`)) index.invalidate();
      if (e.affectsConfiguration(`${SECTION}.${CODELENS_SETTING}`) || e.affectsConfiguration(`${SECTION}.local`)) provider.refresh();
    }),
  );
  registerCodeLensCommands(ctx, { provider, mappings });
}
