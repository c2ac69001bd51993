import * as vscode from 'vscode';
import type { Workbench } from '../../workbench/context';
import { Commands } from '../../workbench/ids';
import { affects, readSettings, SettingKeys } from '../../workbench/config';
import { TEMPLATE_NAMES } from '../../shared/sam/discovery';
import { TemplateHandlerIndex } from './handlerIndex';
import { HandlerMappings } from './handlerMappings';
import { HandlerCodeLensProvider } from './provider';

/** What the lens commands work with, built on the first lens request or lens command. */
export interface CodeLensServices {
  provider: HandlerCodeLensProvider;
  mappings: HandlerMappings;
}

/**
 * Builds the handler CodeLens services on the first lens request or lens command: the template
 * index, the remembered mappings, the provider and the template watcher.
 */
export function setupCodeLens(ctx: Workbench, onDidChange: () => void): CodeLensServices {
  const subscriptions = ctx.extension.subscriptions;
  const index = new TemplateHandlerIndex(
    (file, message) => ctx.log.warn(`CodeLens: cannot read ${file}: ${message}`),
    () => readSettings().localRun.parameterOverrides,
  );
  const mappings = new HandlerMappings(ctx.extension.workspaceState);
  let watcher: { folder: string; disposable: vscode.Disposable } | undefined;

  const provider = new HandlerCodeLensProvider({
    index,
    mappings,
    commandId: Commands.invokeHandler,
    enabled: () => readSettings().codeLensEnabled,
    // In Restricted Mode nothing of the folder runs, so there is nothing to invoke locally.
    localEnabled: () => readSettings().localEnabled && ctx.isTrusted,
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
    ctx.onDidGrantTrust(() => provider.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, SettingKeys.localFolder) || affects(e, SettingKeys.localParameterOverrides)) index.invalidate();
      if (affects(e, SettingKeys.codeLensEnabled) || affects(e, 'local')) provider.refresh();
    }),
  );
  return { provider, mappings };
}
