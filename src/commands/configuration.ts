import * as vscode from 'vscode';
import { toFunctionTarget } from '../panels/function/target';
import type { WorkbenchContext } from './context';
import { registerCommand } from './command';
import { Commands } from './ids';
import { pickFunction } from './pickFunction';

/** "Edit Environment Variables…": the function panel on its Configuration tab. */
export function registerConfigurationCommands(ctx: WorkbenchContext): void {
  registerCommand(ctx, Commands.editEnvironmentVariables, async (arg?: unknown) => {
    const target = toFunctionTarget(arg) ?? (await pickFunction(ctx, 'Edit Environment Variables'));
    if (!target) return undefined;
    return await vscode.commands.executeCommand(Commands.openFunctionPanel, target, 'configuration');
  });
}
