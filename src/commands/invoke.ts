import * as vscode from 'vscode';
import type { WorkbenchContext } from './context';
import { Commands, type CommandId } from './ids';

type Flows = typeof import('./invokeFlows');
let flows: Promise<Flows> | undefined;
const load = (): Promise<Flows> => (flows ??= import('./invokeFlows.js'));

function register(ctx: WorkbenchContext, id: CommandId, run: (f: Flows, ...args: unknown[]) => Promise<unknown>): void {
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(await load(), ...args);
      } catch (error) {
        await ctx.showError(error);
        return undefined;
      }
    }),
  );
}

export function registerInvokeCommands(ctx: WorkbenchContext): void {
  register(ctx, Commands.invokeFunction, (f, arg) => f.invokeFunction(ctx, arg));
  register(ctx, Commands.invokeAgain, (f) => f.invokeAgain(ctx));
  register(ctx, Commands.newSampleEvent, (f, arg) => f.newSampleEvent(ctx, arg));
}
