import { onDidChangeAliases } from './events';
import type { WorkbenchContext } from '../../workbench/context';
import { lazyCommands } from '../../workbench/commands';
import { Commands } from '../../workbench/ids';

/** Must equal ROLLOUT_KEY_PREFIX in rollout/store.ts; repeated so activation does not load the rollout code. */
const ROLLOUT_KEY_PREFIX = 'lambdaWorkbench.rollout.';

/**
 * Version, alias and rollout commands. Their code loads on first use; at activation only the
 * saved rollout records are glanced at, to offer resuming one that VS Code was closed on.
 */
export function registerAliasCommands(ctx: WorkbenchContext): void {
  const register = lazyCommands(ctx, () => import('./actions.js').then(({ AliasActions }) => new AliasActions(ctx)));
  const options = <T>(value: unknown): T | undefined => (typeof value === 'object' && value !== null ? (value as T) : undefined);

  register(Commands.publishVersion, (a, arg, opts) => a.publishVersion(arg, options(opts)));
  register(Commands.createAlias, (a, arg, opts) => a.createAlias(arg, options(opts)));
  register(Commands.editAlias, (a, arg) => a.editAlias(arg));
  register(Commands.shiftTraffic, (a, arg, opts) => a.shiftTraffic(arg, options(opts)));
  register(Commands.promoteAlias, (a, arg) => a.promote(arg));
  register(Commands.rollBackAlias, (a, arg) => a.rollBack(arg));
  register(Commands.deleteAlias, (a, arg) => a.deleteAlias(arg));
  register(Commands.startRollout, (a, arg, opts) => a.startRollout(arg, options(opts)));
  register(Commands.pauseRollout, (a, id) => a.pauseRollout(id));
  register(Commands.resumeRollout, (a, id) => a.resumeRollout(id));
  register(Commands.stopRollout, (a, id, mode) => a.stopRollout(id, mode));

  // Every change to versions or aliases re-lists them in the tree, so alias descriptions show the live weights.
  const subscription = onDidChangeAliases((fn) => ctx.model.refreshFunction(fn.connectionId, fn.region, fn.functionName));
  ctx.extension.subscriptions.push({ dispose: () => subscription.dispose() });

  const state = ctx.extension.globalState;
  const unfinished = state.keys().some((key) => {
    if (!key.startsWith(ROLLOUT_KEY_PREFIX)) return false;
    const status = state.get<{ status?: unknown }>(key)?.status;
    return status === 'running' || status === 'paused';
  });
  if (unfinished) {
    const timer = setTimeout(() => {
      void import('./rolloutManager.js')
        .then(({ rolloutManager }) => rolloutManager(ctx).offerInterrupted())
        .catch((error: unknown) => ctx.showError(error, 'Interrupted rollout'));
    }, 2000);
    ctx.extension.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
}
