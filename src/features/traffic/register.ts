import type { Workbench } from '../../workbench/context';
import { lazyCommands } from '../../workbench/commands';
import { Commands, StorageKeys } from '../../workbench/ids';

/**
 * Version, alias and rollout commands. Their code loads on first use; at activation only the
 * saved rollout records are glanced at, to offer resuming one that VS Code was closed on.
 */
export function registerTraffic(ws: Workbench): void {
  const register = lazyCommands(ws, () => import('./actions.js').then(({ AliasActions }) => new AliasActions(ws)));
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

  const state = ws.extension.globalState;
  const unfinished = state.keys().some((key) => {
    if (!key.startsWith(StorageKeys.rolloutPrefix)) return false;
    const status = state.get<{ status?: unknown }>(key)?.status;
    return status === 'running' || status === 'paused';
  });
  if (unfinished) {
    const timer = setTimeout(() => {
      void import('./rolloutManager.js')
        .then(({ rolloutManager }) => rolloutManager(ws).offerInterrupted())
        .catch((error: unknown) => ws.showError(error, 'Interrupted rollout'));
    }, 2000);
    ws.own({ dispose: () => clearTimeout(timer) });
  }
}
