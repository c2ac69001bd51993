import * as vscode from 'vscode';
import { lazyCommands } from '../../workbench/commands';
import type { Workbench } from '../../workbench/context';
import { Commands } from '../../workbench/ids';
import { PLAN_SCHEME, PlanDocuments } from './planDocuments';

/**
 * "Deploy to…" and "Deploy Template…". At activation only the commands and the plan documents'
 * scheme are registered; the planner, the packaging and the SDKs load on the first deploy.
 */
export function registerDeploy(ws: Workbench): void {
  const documents = ws.own(new PlanDocuments());
  ws.own(vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, documents));
  const register = lazyCommands(ws, async () => new (await import('./commands.js')).DeployActions(ws, documents));
  register(Commands.deployFunction, (actions, arg, options) => actions.deployFunction(arg, options));
  register(Commands.deployTemplate, (actions, arg, options) => actions.deployTemplate(arg, options));
}
