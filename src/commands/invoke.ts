import type { WorkbenchContext } from './context';
import { lazyCommands } from './command';
import { Commands } from './ids';

export function registerInvokeCommands(ctx: WorkbenchContext): void {
  const register = lazyCommands(ctx, () => import('./invokeFlows.js'));
  register(Commands.invokeFunction, (f, arg) => f.invokeFunction(ctx, arg));
  register(Commands.invokeAgain, (f) => f.invokeAgain(ctx));
  register(Commands.newSampleEvent, (f, arg) => f.newSampleEvent(ctx, arg));
}
