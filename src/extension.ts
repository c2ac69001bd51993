import type * as vscode from 'vscode';
import { WorkbenchContext, type WorkbenchApi } from './workbench/context';
import { registerCommands } from './features/explorer/register';

export function activate(extension: vscode.ExtensionContext): WorkbenchApi {
  const ctx = new WorkbenchContext(extension);
  extension.subscriptions.push(ctx);
  registerCommands(ctx);
  ctx.log.info('Lambda Workbench activated.');
  return ctx.api();
}

export function deactivate(): void {
  // Everything is disposed through the extension context's subscriptions.
}
