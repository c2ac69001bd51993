import type { LambdaApi } from '../aws/lambda';
import type { TabHost } from './panel/tab';

/**
 * The Lambda operations of a panel's function, waiting for what a fresh window lacks: the Local
 * Lambda process (started on demand) and the list of connections (read when the tree has not
 * been shown yet, e.g. after a panel was restored on reload).
 */
export async function resolveLambda(host: Pick<TabHost, 'target' | 'workbench' | 'lambda'>): Promise<LambdaApi> {
  const { target, workbench } = host;
  if (target.connectionKind === 'local') {
    await workbench.local.ensureStarted();
  } else if (!workbench.model.connectionSpec(target.connectionId)) {
    await workbench.model.getChildren();
  }
  return host.lambda();
}
