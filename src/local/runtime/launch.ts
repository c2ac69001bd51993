import { execFile } from 'child_process';
import { constants as fsConstants, existsSync, promises as fsp } from 'fs';
import * as path from 'path';
import type { ExecutionSpec } from '../types';
import { withLayerPaths } from './layerPaths';
import { PYTHON_BOOTSTRAP_FILE, PYTHON_BOOTSTRAP_SOURCE } from './python-bootstrap';

export interface LaunchPlan {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Why an environment could not be started; reported to the caller as a function error. */
export class LaunchError extends Error {
  constructor(readonly errorType: string, message: string) {
    super(message);
  }
}

export type RuntimeFamily = 'node' | 'python' | 'provided';

export function runtimeFamily(runtime: string): RuntimeFamily {
  if (/^nodejs\d+\.x$/.test(runtime)) return 'node';
  if (/^python3\.\d+$/.test(runtime)) return 'python';
  if (/^provided(\.al2|\.al2023)?$/.test(runtime)) return 'provided';
  throw new LaunchError('Runtime.InvalidRuntime', `The runtime ${runtime} is not supported by the Local Lambda (supported: nodejs*.x, python3.*, provided.al2, provided.al2023)`);
}

export interface LaunchContext {
  spec: ExecutionSpec;
  runtimeApi: string;
  logStreamName: string;
  tmpDir: string;
  dataDir: string;
}

/** Locates the Node bootstrap next to this module (tsc output) or next to the bundle (dist/). */
export function nodeBootstrapPath(): string {
  const here = path.join(__dirname, 'node-bootstrap.js');
  if (existsSync(here) || !process.argv[1]) return here;
  // A bundle whose __dirname is not the real folder: look next to the entry script.
  const besideEntry = path.join(path.dirname(process.argv[1]), 'node-bootstrap.js');
  return existsSync(besideEntry) ? besideEntry : here;
}

/**
 * The environment a function sees: Lambda's reserved variables, the function's own
 * variables, and a minimal base. Nothing else of the host's environment (credentials,
 * tokens, NODE_OPTIONS) is passed on.
 */
export function functionEnvironment(ctx: LaunchContext): NodeJS.ProcessEnv {
  const { spec } = ctx;
  const runtimeDir = path.dirname(nodeBootstrapPath());
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    HOME: ctx.tmpDir,
    TMPDIR: ctx.tmpDir,
    TMP: ctx.tmpDir,
    TEMP: ctx.tmpDir,
    ...(process.platform === 'win32' && process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}),
    ...spec.environment,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: ctx.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi,
    _HANDLER: spec.handler,
    LAMBDA_TASK_ROOT: spec.codeDir,
    LAMBDA_RUNTIME_DIR: runtimeDir,
  };
}

const pythonByPath = new Map<string, Promise<string | undefined>>();

/** Absolute path of python3 (resolved with the host's environment, so shims keep working). */
function findPython(): Promise<string | undefined> {
  const searchPath = process.env.PATH ?? '';
  let found = pythonByPath.get(searchPath);
  if (!found) {
    found = new Promise((resolve) => {
      execFile('python3', ['-c', 'import sys; print(sys.executable)'], { timeout: 10_000 }, (err, stdout) => {
        const exe = stdout?.trim();
        resolve(err || !exe ? undefined : exe);
      });
    });
    pythonByPath.set(searchPath, found);
  }
  return found;
}

const writtenBootstraps = new Map<string, Promise<string>>();

function writePythonBootstrap(dataDir: string): Promise<string> {
  let written = writtenBootstraps.get(dataDir);
  if (!written) {
    written = (async () => {
      const dir = path.join(dataDir, 'runtime');
      await fsp.mkdir(dir, { recursive: true });
      const file = path.join(dir, PYTHON_BOOTSTRAP_FILE);
      await fsp.writeFile(file, PYTHON_BOOTSTRAP_SOURCE);
      return file;
    })();
    written.catch(() => writtenBootstraps.delete(dataDir));
    writtenBootstraps.set(dataDir, written);
  }
  return written;
}

export async function planLaunch(ctx: LaunchContext): Promise<LaunchPlan> {
  const { spec } = ctx;
  const env = withLayerPaths(functionEnvironment(ctx), spec.layers, spec.runtime);
  switch (runtimeFamily(spec.runtime)) {
    case 'node':
      return {
        command: process.execPath,
        args: [`--max-old-space-size=${spec.memorySize}`, nodeBootstrapPath()],
        env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
      };
    case 'python': {
      const [python, bootstrap] = await Promise.all([findPython(), writePythonBootstrap(ctx.dataDir)]);
      if (!python) {
        throw new LaunchError('Runtime.Unavailable', `python3 was not found on PATH; install it to run ${spec.runtime} functions locally`);
      }
      return {
        command: python,
        args: ['-u', bootstrap],
        env: {
          ...env,
          PYTHONUNBUFFERED: '1',
          // Keep __pycache__ folders out of the user's workspace.
          PYTHONDONTWRITEBYTECODE: '1',
          LAMBDA_RUNTIME_DIR: path.dirname(bootstrap),
        },
      };
    }
    case 'provided': {
      const bootstrap = path.join(spec.codeDir, 'bootstrap');
      try {
        await fsp.access(bootstrap, fsConstants.X_OK);
      } catch {
        throw new LaunchError('Runtime.InvalidEntrypoint', `Couldn't find valid bootstrap(s): [${bootstrap}] (it must exist and be executable)`);
      }
      return { command: bootstrap, args: [], env };
    }
  }
}
