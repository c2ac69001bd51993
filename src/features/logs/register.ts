import * as vscode from 'vscode';
import { lazyCommands, registerCommand } from '../../workbench/commands';
import type { Workbench } from '../../workbench/context';
import { Commands } from '../../workbench/ids';
import { toFunctionTarget } from '../../workbench/target';
import type { LogGroupPanels } from './logGroupPanel';

/** "Tail Log Group…" and "Tail Logs"; their flows and the panel code load on first use. */
export function registerLogs(ws: Workbench): void {
  let manager: Promise<LogGroupPanels> | undefined;
  const panels = () => (manager ??= import('./logGroupPanel.js').then(({ LogGroupPanels }) => ws.own(new LogGroupPanels(ws))));
  const register = lazyCommands(ws, () => import('./commands.js'));
  register(Commands.tailLogGroup, (flows, arg) => flows.tailLogGroup(ws, panels, arg));
  // A function, version or alias (node or FunctionTarget): its panel on the Logs tab; nothing given asks for a function.
  registerCommand(ws, Commands.tailLogs, (arg: unknown) => vscode.commands.executeCommand(Commands.openFunctionPanel, toFunctionTarget(arg), 'logs'));
}
