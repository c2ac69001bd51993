import * as vscode from 'vscode';
import { registerCommand } from '../../workbench/commands';
import type { Workbench } from '../../workbench/context';
import { Commands, DebugTypes } from '../../workbench/ids';

/**
 * Debugging on the Local Lambda, as VS Code sees it at activation: the "Debug Locally" command,
 * the `lambda-workbench` launch configuration (resolved by launchConfig.ts, loaded on first use),
 * and the descriptor that connects a Python debug session to debugpy in the function's runtime.
 */
export function registerDebug(ws: Workbench): void {
  registerCommand(ws, Commands.debugFunction, (arg?: unknown) =>
    vscode.commands.executeCommand(Commands.invokeFunction, arg, arg === undefined ? { debug: true } : { form: true, debug: true }));

  ws.own(vscode.debug.registerDebugAdapterDescriptorFactory(DebugTypes.python, {
    createDebugAdapterDescriptor(session) {
      const connect = (session.configuration as { connect?: { host?: unknown; port?: unknown } }).connect;
      const port = connect?.port;
      // Only the loopback port a Local Lambda runtime announced: never a host from elsewhere.
      if (connect?.host !== '127.0.0.1' || typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port >= 65536) {
        throw new Error('A Lambda Workbench Python session connects to 127.0.0.1 on the port its runtime announced; start it with Debug in the Invoke tab or a lambda-workbench launch configuration.');
      }
      return new vscode.DebugAdapterServer(port, '127.0.0.1');
    },
  }));

  let provider: Promise<vscode.DebugConfigurationProvider> | undefined;
  const load = () => (provider ??= import('./launchConfig.js').then((m) => m.launchConfigurationProvider(ws)));
  ws.own(vscode.debug.registerDebugConfigurationProvider(DebugTypes.launch, {
    provideDebugConfigurations: async (folder, token) => (await load()).provideDebugConfigurations?.(folder, token),
    resolveDebugConfiguration: async (folder, config, token) => (await load()).resolveDebugConfiguration?.(folder, config, token),
  }));
}
