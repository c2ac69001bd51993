import type { WorkbenchContext } from '../../workbench/context';
import { lazyCommands } from '../../workbench/commands';
import { Commands } from '../../workbench/ids';

export function registerInvokeCommands(ctx: WorkbenchContext): void {
  const register = lazyCommands(ctx, () => import('./commands.js'));
  register(Commands.invokeFunction, (f, arg) => f.invokeFunction(ctx, arg));
  register(Commands.invokeAgain, (f) => f.invokeAgain(ctx));
  register(Commands.newSampleEvent, (f, arg) => f.newSampleEvent(ctx, arg));
}
