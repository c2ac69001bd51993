import type { Workbench } from '../../workbench/context';
import { lazyCommands } from '../../workbench/commands';
import { Commands } from '../../workbench/ids';

/** The invoke commands; their flows load on first use. */
export function registerInvoke(ws: Workbench): void {
  const register = lazyCommands(ws, () => import('./commands.js'));
  register(Commands.invokeFunction, (f, arg, options) => f.invokeFunction(ws, arg, options));
  register(Commands.invokeAgain, (f) => f.invokeAgain(ws));
  register(Commands.newSampleEvent, (f, arg) => f.newSampleEvent(ws, arg));
}
