import * as vscode from 'vscode';
import { lazyCommands } from '../../workbench/commands';
import type { Workbench } from '../../workbench/context';
import { Commands } from '../../workbench/ids';
import { CODELENS_SELECTOR } from './languages';

/**
 * Registers the handler CodeLens and its commands. Only this stand-in is part of activation:
 * the provider, the template index and the handler matching load on the first lens request.
 */
export function registerCodeLens(ctx: Workbench): void {
  const changed = new vscode.EventEmitter<void>();
  let services: Promise<import('./setup').CodeLensServices> | undefined;
  const load = () => (services ??= import('./setup.js').then(({ setupCodeLens }) => setupCodeLens(ctx, () => changed.fire())));

  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses: async (document, token) => (await load()).provider.provideCodeLenses(document, token),
    resolveCodeLens: async (lens, token) => (await load()).provider.resolveCodeLens(lens as never, token),
  };
  ctx.extension.subscriptions.push(changed, vscode.languages.registerCodeLensProvider(CODELENS_SELECTOR, provider));

  const register = lazyCommands(ctx, async () => ({ services: await load(), commands: await import('./commands.js') }));
  register(Commands.invokeHandler, ({ services, commands }, arg) => commands.invokeHandler(ctx, services, arg));
  register(Commands.forgetHandlerFunction, ({ services, commands }) => commands.forgetHandlerFunction(services));
}
