import * as vscode from 'vscode';
import type { Workbench } from './context';

/**
 * Registers a command whose failures are shown with an "Open Log" action (cancellation is not
 * an error). Every command of the extension goes through here.
 */
export function registerCommand(ws: Workbench, id: string, run: (...args: never[]) => unknown): void {
  ws.own(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await (run as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        await ws.showError(error);
        return undefined;
      }
    }),
  );
}

/**
 * Registers commands whose implementation is loaded on first use, so activation does not pay
 * for it. `load` runs once; each handler receives what it resolved to.
 */
export function lazyCommands<T>(ws: Workbench, load: () => Promise<T>): (id: string, run: (loaded: T, ...args: unknown[]) => unknown) => void {
  let loaded: Promise<T> | undefined;
  const get = (): Promise<T> =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined; // let the next call try again
      throw error;
    }));
  return (id, run) => registerCommand(ws, id, async (...args: unknown[]) => run(await get(), ...args));
}
