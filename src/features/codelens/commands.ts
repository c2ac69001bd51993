import * as path from 'node:path';
import * as vscode from 'vscode';
import { localTarget, pickHandlerFunction } from './pickFunction';
import type { HandlerLensArgs } from './provider';
import type { FunctionTarget } from '../../shared/target';
import type { CodeLensServices } from './setup';
import { fileLanguage, findHandlerDefinition, parseHandler } from '../../shared/handlers';
import { readSettings } from '../../workbench/config';
import type { Workbench } from '../../workbench/context';
import { Commands } from '../../workbench/ids';
import { requireTrust } from '../../workbench/trust';

function isHandlerLensArgs(value: unknown): value is HandlerLensArgs {
  const v = value as Partial<HandlerLensArgs> | null;
  return typeof v === 'object' && v !== null && typeof v.file === 'string' && typeof v.exportName === 'string' && (v.tab === 'invoke' || v.tab === 'logs');
}

function activeHandlerFile(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.uri.scheme !== 'file' || !fileLanguage(document.uri.fsPath)) {
    void vscode.window.showInformationMessage('Open a JavaScript, TypeScript or Python file that holds a Lambda handler first.');
    return undefined;
  }
  return document;
}

/** "Invoke Handler in This File…" from the palette: the handler nearest above the cursor, or ask for the function. */
async function argsFromEditor(ctx: Workbench, services: CodeLensServices): Promise<HandlerLensArgs | undefined> {
  const document = activeHandlerFile();
  if (!document) return undefined;
  const file = document.uri.toString();
  const handlers = await services.provider.findHandlers(document);
  if (handlers.length > 0) {
    const cursor = vscode.window.activeTextEditor?.selection.active.line ?? 0;
    const chosen = [...handlers].reverse().find((h) => h.line <= cursor) ?? handlers[0];
    return { file, exportName: chosen.exportName, functionName: chosen.templateFunctions[0], tab: 'invoke' };
  }

  // Not a template handler and nothing remembered: ask, and learn the export from the function's Handler.
  const picked = await pickHandlerFunction(ctx, { title: `Which function runs ${path.basename(document.uri.fsPath)}?` });
  if (!picked) return undefined;
  const language = fileLanguage(document.uri.fsPath)!;
  const exportName = (picked.handler && parseHandler(picked.handler, language)?.exportName) || 'handler';
  if (findHandlerDefinition(document.getText(), exportName, language)) {
    await services.mappings.set({ file, exportName, target: picked.target });
  } else {
    void vscode.window.showWarningMessage(
      `${picked.target.functionName}'s handler is "${picked.handler ?? exportName}", but this file defines no "${exportName}" to show a lens on. Invoking it anyway.`,
    );
  }
  await vscode.commands.executeCommand(Commands.openFunctionPanel, picked.target, 'invoke');
  return undefined;
}

export async function invokeHandler(ctx: Workbench, services: CodeLensServices, arg?: unknown): Promise<void> {
  const args = isHandlerLensArgs(arg) ? arg : await argsFromEditor(ctx, services);
  if (!args) return;
  if (args.local) {
    if (!args.functionName) return;
    requireTrust(ctx.isTrusted, args.debug ? 'Debugging a handler locally' : 'Invoking a handler locally');
    // The Local Lambda runs the file from disk: save it so the call sees what is on screen.
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.file);
    if (document?.isDirty) await document.save();
    await openTab(localTarget(args.functionName), 'invoke', args.debug === true);
    return;
  }
  let mapping = services.mappings.get(args.file, args.exportName);
  if (!mapping && args.functionName && (await onlyTheLocalLambda(ctx))) {
    // The template maps the handler and there is nowhere else it could run: no question to ask.
    await openTab(localTarget(args.functionName), args.tab);
    return;
  }
  if (!mapping) {
    const fileName = path.basename(vscode.Uri.parse(args.file).fsPath);
    const picked = await pickHandlerFunction(ctx, {
      title: `Which function runs ${args.exportName} in ${fileName}?`,
      localFunction: readSettings().localEnabled && ctx.isTrusted ? args.functionName : undefined,
      suggestedName: args.functionName,
    });
    if (!picked) return;
    mapping = { file: args.file, exportName: args.exportName, target: picked.target };
    await services.mappings.set(mapping);
  }
  await openTab(mapping.target, args.tab);
}

/** Invoke runs what the function's Invoke tab holds, at once (under the debugger with `debug`); Logs opens its Logs tab. */
async function openTab(target: FunctionTarget, tab: HandlerLensArgs['tab'], debug = false): Promise<void> {
  if (tab === 'invoke') await vscode.commands.executeCommand(Commands.invokeFunction, target, debug ? { form: true, debug } : { form: true });
  else await vscode.commands.executeCommand(Commands.openFunctionPanel, target, tab);
}

/** The Local Lambda (on, and the folder trusted) is the only connection configured. */
async function onlyTheLocalLambda(ctx: Workbench): Promise<boolean> {
  if (!ctx.isTrusted || !readSettings().localEnabled) return false;
  const { connections } = await ctx.connections.list();
  return connections.length > 0 && connections.every((c) => c.kind === 'local');
}

/** Forgets the function remembered for the active handler file. */
export async function forgetHandlerFunction(services: CodeLensServices): Promise<void> {
  const document = activeHandlerFile();
  if (!document) return;
  const count = await services.mappings.forget(document.uri.toString());
  const name = path.basename(document.uri.fsPath);
  void vscode.window.showInformationMessage(
    count ? `${name}: the next Invoke asks again which function runs its handler.` : `${name} has no remembered function.`,
  );
}
