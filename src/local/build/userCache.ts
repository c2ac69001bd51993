import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The per-user folder for what the Local Lambda fetches once and reuses across projects: build
 * tools and the libraries Lambda's runtimes provide. `LAMBDA_WORKBENCH_CACHE` moves it.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAMBDA_WORKBENCH_CACHE) return path.resolve(env.LAMBDA_WORKBENCH_CACHE);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'lambda-workbench');
}
