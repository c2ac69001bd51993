/**
 * The `lambda-workbench` launch configuration: F5 debugs a Local Lambda function with an event,
 *
 *   { "type": "lambda-workbench", "request": "launch", "name": "Debug hello-node",
 *     "function": "hello-node", "qualifier": "$LATEST",
 *     "event": { "name": "Ada" }            // or "events/ada.json", a file in the workspace
 *     "env": { "LOG_LEVEL": "debug" } }
 *
 * It opens the function's Invoke tab and runs the call there under the debugger, so the result,
 * logs, REPORT and cost show as for any invocation. Without `event`, what the Invoke tab holds runs.
 */
import * as vscode from 'vscode';
import { LOCAL_CONNECTION_ID } from '../../aws/connections';
import { LOCAL_REGION } from '../../shared/lambda/arn';
import type { FunctionTarget } from '../../shared/target';
import type { Workbench } from '../../workbench/context';
import { Commands, DebugTypes } from '../../workbench/ids';
import { LaunchConfigError, readLaunchConfiguration, type LaunchRequest } from './launchRequest';

function localTarget(functionName: string, qualifier: string): FunctionTarget {
  return { connectionId: LOCAL_CONNECTION_ID, connectionLabel: 'Local Lambda', connectionKind: 'local', region: LOCAL_REGION, functionName, qualifier };
}

/** Runs a launch request in the function's Invoke tab, under the debugger. */
export function startLaunch(request: LaunchRequest): Thenable<unknown> {
  const target = localTarget(request.functionName, request.qualifier);
  if (!request.event) return vscode.commands.executeCommand(Commands.invokeFunction, target, { form: true, debug: true, environment: request.environment });
  return vscode.commands.executeCommand(Commands.invokeFunction, target, {
    debug: true,
    environment: request.environment,
    params: { payload: request.event.payload, qualifier: request.qualifier, invocationType: 'RequestResponse', clientContext: '', eventLabel: request.event.label, eventSource: 'custom' },
  });
}

/** The Local Lambda's function names, for a new launch.json (at most the first page). */
async function localFunctionNames(ws: Workbench): Promise<string[]> {
  try {
    const { lambda } = await ws.connections.resolve({ connectionId: LOCAL_CONNECTION_ID, connectionLabel: 'Local Lambda', region: LOCAL_REGION });
    return (await lambda.listFunctionsPage(undefined, 50)).functions.map((f) => f.FunctionName ?? '').filter(Boolean);
  } catch {
    return [];
  }
}

export function launchConfigurationProvider(ws: Workbench): vscode.DebugConfigurationProvider {
  return {
    async provideDebugConfigurations() {
      const names = await localFunctionNames(ws);
      return (names.length ? names : ['my-function']).slice(0, 20).map((name) => ({
        type: DebugTypes.launch, request: 'launch', name: `Debug ${name} (Local Lambda)`, function: name, event: {},
      }));
    },
    async resolveDebugConfiguration(folder, config) {
      // F5 with no launch.json: ask which function, version and event.
      if (!config.type && !config.request && !config.name) {
        void vscode.commands.executeCommand(Commands.debugFunction);
        return undefined;
      }
      try {
        const request = await readLaunchConfiguration(config, folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
        // The call runs in the Invoke tab; the debug session is the one it attaches.
        void Promise.resolve(startLaunch(request)).then(undefined, (error: unknown) => ws.showError(error));
        return undefined;
      } catch (error) {
        if (!(error instanceof LaunchConfigError)) throw error;
        void vscode.window.showErrorMessage(error.message);
        // null: VS Code opens launch.json for the fix.
        return null;
      }
    },
  };
}
