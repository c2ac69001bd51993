import * as vscode from 'vscode';
import { toFunctionTarget } from '../../workbench/target';
import type { WorkbenchContext } from '../../workbench/context';
import { registerCommand } from '../../workbench/commands';
import { Commands } from '../../workbench/ids';
import { pickFunction } from '../../workbench/pickers';

/** "Edit Environment Variables…": the function panel on its Configuration tab. */
export function registerConfigurationCommands(ctx: WorkbenchContext): void {
  registerCommand(ctx, Commands.editEnvironmentVariables, async (arg?: unknown) => {
    const target = toFunctionTarget(arg) ?? (await pickFunction(ctx, 'Edit Environment Variables'));
    if (!target) return undefined;
    return await vscode.commands.executeCommand(Commands.openFunctionPanel, target, 'configuration');
  });
}
