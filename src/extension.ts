import type * as vscode from 'vscode';
import { registerCode } from './features/code/register';
import { registerCodeLens } from './features/codelens/register';
import { registerConfiguration } from './features/configuration/register';
import { registerDebug } from './features/debug/register';
import { registerDeploy } from './features/deploy/register';
import { registerExplorer } from './features/explorer/register';
import { registerFunctionPanel } from './features/functionPanel/register';
import { registerInvoke } from './features/invoke/register';
import { registerLogs } from './features/logs/register';
import { registerTraffic } from './features/traffic/register';
import { testApi, type WorkbenchApi } from './testApi';
import { Workbench } from './workbench/context';

/** Builds the workbench and lets each feature register what VS Code sees at activation. */
export function activate(extension: vscode.ExtensionContext): WorkbenchApi {
  const ws = new Workbench(extension);
  extension.subscriptions.push(ws);
  const explorer = registerExplorer(ws);
  const functionPanels = registerFunctionPanel(ws);
  registerInvoke(ws);
  registerDebug(ws);
  registerLogs(ws);
  registerConfiguration(ws);
  registerTraffic(ws);
  registerCode(ws);
  registerCodeLens(ws);
  registerDeploy(ws);
  ws.log.info('Lambda Workbench activated.');
  return testApi({ ws, explorer, functionPanels });
}

export function deactivate(): void {
  // Everything is disposed through the extension context's subscriptions.
}
