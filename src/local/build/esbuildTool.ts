import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as Esbuild from 'esbuild';
import { NpmError, runNpm } from './npm';
import { userCacheDir } from './userCache';

/**
 * Finds an esbuild to bundle with: the project's own (its node_modules, walking up), else the
 * Local Lambda's own install, else a per-user tool cache filled once with npm.
 */

export type EsbuildApi = typeof Esbuild;

export interface EsbuildTool {
  api: EsbuildApi;
  version: string;
  /** Where it came from, for the log. */
  origin: 'project' | 'local-lambda' | 'tool-cache';
  /** Its package folder. */
  dir: string;
}

export interface EsbuildToolEvent {
  kind: 'started' | 'finished' | 'failed' | 'output';
  message: string;
  durationMs?: number;
}

export interface FindEsbuildOptions {
  /** The function's folder; its node_modules and those above are tried first. */
  projectDir: string;
  env?: NodeJS.ProcessEnv;
  /** Try the Local Lambda's own install (default true). */
  useOwnInstall?: boolean;
  /** Fetch into the tool cache when nothing else works (default true). */
  allowFetch?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: EsbuildToolEvent) => void;
}

export class EsbuildMissingError extends Error {
  constructor(message: string, readonly command: string) {
    super(message);
    this.name = 'EsbuildMissingError';
  }
}

/** Version range fetched into the tool cache. */
const TOOL_RANGE = 'esbuild@0';

const loaded = new Map<string, Promise<EsbuildTool | undefined>>();

export function esbuildToolDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userCacheDir(env), 'tools', 'esbuild');
}

/** Loads the esbuild that `from` (a file path) would `require`, checking its binary works. */
function tryLoad(from: string, origin: EsbuildTool['origin']): Promise<EsbuildTool | undefined> {
  let main: string;
  try {
    main = createRequire(from).resolve('esbuild');
  } catch {
    return Promise.resolve(undefined);
  }
  let found = loaded.get(main);
  if (!found) {
    found = (async () => {
      try {
        const api = createRequire(from)('esbuild') as EsbuildApi;
        // Its native binary may be missing or built for another platform: a tiny transform tells.
        await api.transform('let x = 1', { loader: 'ts' });
        const dir = path.resolve(path.dirname(main), '..');
        return { api, version: api.version, origin, dir };
      } catch {
        return undefined;
      }
    })();
    loaded.set(main, found);
  }
  return found.then((t) => (t ? { ...t, origin } : undefined));
}

export async function findEsbuild(opts: FindEsbuildOptions): Promise<EsbuildTool> {
  const fromProject = await tryLoad(path.join(path.resolve(opts.projectDir), '__esbuild_lookup__.js'), 'project');
  if (fromProject) return fromProject;
  if (opts.useOwnInstall !== false) {
    const own = await tryLoad(__filename, 'local-lambda');
    if (own) return own;
  }
  const toolDir = esbuildToolDir(opts.env);
  const lookup = path.join(toolDir, '__esbuild_lookup__.js');
  const cached = await tryLoad(lookup, 'tool-cache');
  if (cached) return cached;
  const byHand = `cd ${JSON.stringify(path.resolve(opts.projectDir))} && npm install --save-dev esbuild`;
  if (opts.allowFetch === false) {
    throw new EsbuildMissingError(`esbuild is needed to build this function and was not found. Install it in the project: ${byHand}`, byHand);
  }
  const t0 = performance.now();
  opts.onEvent?.({ kind: 'started', message: `Fetching ${TOOL_RANGE} into ${toolDir}` });
  try {
    await fs.promises.mkdir(toolDir, { recursive: true });
    const manifest = path.join(toolDir, 'package.json');
    if (!fs.existsSync(manifest)) {
      await fs.promises.writeFile(manifest, JSON.stringify({ name: 'lambda-workbench-esbuild', private: true }, null, 2));
    }
    await runNpm({
      cwd: toolDir,
      args: ['install', '--no-audit', '--no-fund', '--save', TOOL_RANGE],
      env: opts.env,
      signal: opts.signal,
      onOutput: (text) => opts.onEvent?.({ kind: 'output', message: text }),
    });
  } catch (err) {
    const why = err instanceof NpmError ? err.message : (err as Error).message;
    opts.onEvent?.({ kind: 'failed', message: why, durationMs: performance.now() - t0 });
    throw new EsbuildMissingError(`esbuild is needed to build this function and could not be fetched. Install it in the project: ${byHand}\n${why}`, byHand);
  }
  // A failed earlier attempt must not be remembered.
  for (const key of [...loaded.keys()]) if (key.startsWith(toolDir)) loaded.delete(key);
  const fetched = await tryLoad(lookup, 'tool-cache');
  if (!fetched) {
    opts.onEvent?.({ kind: 'failed', message: 'esbuild was installed but does not run', durationMs: performance.now() - t0 });
    throw new EsbuildMissingError(`esbuild was installed into ${toolDir} but does not run on this machine. Install it in the project: ${byHand}`, byHand);
  }
  opts.onEvent?.({ kind: 'finished', message: `Fetched esbuild ${fetched.version}`, durationMs: performance.now() - t0 });
  return fetched;
}
