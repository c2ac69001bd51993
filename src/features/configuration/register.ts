import * as vscode from 'vscode';
import { registerCommand } from '../../workbench/commands';
import type { Workbench } from '../../workbench/context';
import { Commands } from '../../workbench/ids';
import { toFunctionTarget } from '../../workbench/target';

/** "Edit Environment Variables…": the function panel on its Configuration tab. */
export function registerConfiguration(ws: Workbench): void {
  registerCommand(ws, Commands.editEnvironmentVariables, async (arg?: unknown) => {
    const target = toFunctionTarget(arg) ?? (await (await import('../../workbench/pickers.js')).pickFunction(ws, 'Edit Environment Variables'));
    if (!target) return undefined;
    return await vscode.commands.executeCommand(Commands.openFunctionPanel, target, 'configuration');
  });
}
