import * as vscode from 'vscode';
import type { FunctionPanels } from './panel';
import { isTabId, type FunctionTarget, type TabId } from '../../shared/target';
import { toFunctionTarget } from '../../workbench/target';
import type { WorkbenchContext } from '../../workbench/context';
import { registerCommand } from '../../workbench/commands';
import { Commands } from '../../workbench/ids';
import { pickFunction } from '../../workbench/pickers';

/** Must equal FUNCTION_PANEL_VIEW_TYPE; repeated here so activation does not load the panel code. */
const VIEW_TYPE = 'lambdaWorkbench.functionPanel';

const managers = new WeakMap<WorkbenchContext, Promise<FunctionPanels>>();

/** The window's function panels; the panel code is loaded on first use, not at activation. */
export function functionPanels(ctx: WorkbenchContext): Promise<FunctionPanels> {
  let manager = managers.get(ctx);
  if (!manager) {
    manager = import('./panel.js').then(({ FunctionPanels }) => {
      const panels = new FunctionPanels(ctx);
      ctx.extension.subscriptions.push(panels);
      return panels;
    });
    managers.set(ctx, manager);
  }
  return manager;
}

/** Opens (or reveals) the panel of a function given as a tree node or FunctionTarget; asks when none is given. */
export async function openFunctionPanel(ctx: WorkbenchContext, arg?: unknown, tab?: TabId): Promise<FunctionTarget | undefined> {
  const target = toFunctionTarget(arg) ?? (await pickFunction(ctx, 'Open Function Panel'));
  if (!target) return undefined;
  (await functionPanels(ctx)).open(target, tab);
  return target;
}

export function registerFunctionPanelCommands(ctx: WorkbenchContext): void {
  registerCommand(ctx, Commands.openFunctionPanel, (arg?: unknown, tab?: unknown) => openFunctionPanel(ctx, arg, isTabId(tab) ? tab : undefined));
  ctx.extension.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state: unknown) {
        (await functionPanels(ctx)).restore(panel, state);
      },
    }),
  );
}
