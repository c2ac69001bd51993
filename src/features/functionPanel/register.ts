import * as vscode from 'vscode';
import { isTabId, type FunctionTarget, type TabId } from '../../shared/target';
import { registerCommand } from '../../workbench/commands';
import type { Workbench } from '../../workbench/context';
import { Commands, ViewTypes } from '../../workbench/ids';
import { provideFunctionPanels } from '../../workbench/panel/functionPanels';
import { toFunctionTarget } from '../../workbench/target';
import type { FunctionPanels } from './panel';

/**
 * The function panel at activation: its command and serializer only. The panel code loads
 * when the first panel opens; other features reach it through the workbench.
 */
export function registerFunctionPanel(ws: Workbench): { panels(): Promise<FunctionPanels>; open(arg?: unknown, tab?: TabId): Promise<FunctionTarget | undefined> } {
  let manager: Promise<FunctionPanels> | undefined;
  const panels = (): Promise<FunctionPanels> =>
    (manager ??= import('./panel.js').then(({ FunctionPanels }) => ws.own(new FunctionPanels(ws))));
  provideFunctionPanels(ws, panels);

  /** Opens (or reveals) the panel of a function given as a tree node or FunctionTarget; asks when none is given. */
  const open = async (arg?: unknown, tab?: TabId, preserveFocus = false): Promise<FunctionTarget | undefined> => {
    const target = toFunctionTarget(arg) ?? (await (await import('../../workbench/pickers.js')).pickFunction(ws, 'Open Function Panel'));
    if (!target) return undefined;
    (await panels()).open(target, tab, { preserveFocus });
    return target;
  };

  // A third argument `{ preserveFocus: true }` (a click on a tree row) keeps the focus where it is.
  registerCommand(ws, Commands.openFunctionPanel, (arg?: unknown, tab?: unknown, options?: unknown) =>
    open(arg, isTabId(tab) ? tab : undefined, (options as { preserveFocus?: unknown } | undefined)?.preserveFocus === true));
  ws.own(
    vscode.window.registerWebviewPanelSerializer(ViewTypes.functionPanel, {
      async deserializeWebviewPanel(panel, state: unknown) {
        (await panels()).restore(panel, state);
      },
    }),
  );
  return { panels, open };
}
