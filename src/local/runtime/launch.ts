import { execFile } from 'child_process';
import { constants as fsConstants, existsSync, promises as fsp } from 'fs';
import * as path from 'path';
import { ensurePythonDeps, type PythonBuildEvent, type PythonDepsResult } from '../build/pythonDeps';
import { hasRuntimePackages, interpreterHasRuntimePackages, mayUseRuntimePackages, provideRuntimeLibraries, type RuntimeLibrarySources } from '../build/pythonRuntime';
import type { BuildStepNote } from '../../shared/localLambdaNotes';
import type { ExecutionSpec } from '../types';
import { chooseNode, choosePython, type InterpreterChoice, type InterpreterMap } from './interpreters';
import type { NoteSink } from './notes';
import { inlineModulesDir, pythonAssetsDir, pythonBootstrapPath } from './pythonBootstrap';
import { withLayerPaths } from './layerPaths';
import { CHANNEL_ENV, CHANNEL_FD, DEBUG_ENV } from './channel';

/** Our bootstraps get the channel where a child can inherit a pipe as a numbered descriptor. */
const CHANNEL_SUPPORTED = process.platform !== 'win32';
const channelEnv = (): NodeJS.ProcessEnv => (CHANNEL_SUPPORTED ? { [CHANNEL_ENV]: String(CHANNEL_FD) } : {});

export interface LaunchPlan {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Lines for the function's log before its first invocation (warnings about this environment). */
  logLines: string[];
  /**
   * The runtime is one of our bootstraps and gets the runtime channel (see channel.ts) as an
   * inherited pipe; custom runtimes speak the HTTP Runtime API only.
   */
  channel?: boolean;
}

/** What the runtime manager gives every launch: the user's interpreter choices and where notes go. */
export interface LaunchServices {
  interpreters: InterpreterMap;
  note: NoteSink;
  /** True the first time `key` is asked for in this run. */
  once(key: string): boolean;
  pythonLibraries?: RuntimeLibrarySources;
  /** This run's dependency builds (so a cache hit is reported once per run). */
  builds?: Map<string, Promise<PythonDepsResult>>;
  /** Aborts the builds running now (the person cancelled them). */
  buildSignal?: () => AbortSignal;
}

/** Why an environment could not be started; reported to the caller as a function error. */
export class LaunchError extends Error {
  /** `details`: more fields for the error document (e.g. the commands that install what is missing). */
  constructor(readonly errorType: string, message: string, readonly details?: Record<string, unknown>) {
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
  services?: LaunchServices;
  /** A debug session's environment: the runtime waits for a debugger before loading the handler. */
  debug?: boolean;
}

/** Locates the Node bootstrap next to this module (tsc output) or next to the bundle (dist/). */
export function nodeBootstrapPath(): string {
  const here = path.join(__dirname, 'nodeBootstrap.js');
  if (existsSync(here) || !process.argv[1]) return here;
  // A bundle whose __dirname is not the real folder: look next to the entry script.
  const besideEntry = path.join(path.dirname(process.argv[1]), 'nodeBootstrap.js');
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

const NO_SERVICES: LaunchServices = { interpreters: {}, note: () => true, once: () => true };

export async function planLaunch(ctx: LaunchContext): Promise<LaunchPlan> {
  const { spec } = ctx;
  const env = withLayerPaths(functionEnvironment(ctx), spec.layers, spec.runtime);
  const services = ctx.services ?? NO_SERVICES;
  switch (runtimeFamily(spec.runtime)) {
    case 'node': {
      const node = await prepareNode(spec, services);
      return {
        command: node.executable,
        args: [`--max-old-space-size=${spec.memorySize}`, nodeBootstrapPath()],
        env: { ...env, ELECTRON_RUN_AS_NODE: '1', ...channelEnv(), ...(ctx.debug ? { [DEBUG_ENV]: '1' } : {}) },
        logLines: versionLogLines(spec, node, services),
        channel: CHANNEL_SUPPORTED,
      };
    }
    case 'python': {
      const py = await preparePython(spec, ctx.dataDir, services);
      if (ctx.debug) await requireDebugpy(spec, py.python);
      const userPath = spec.environment.PYTHONPATH;
      return {
        command: py.python.executable,
        // Frozen standard modules would hide some lines from the debugger (debugpy warns of it).
        args: [...(ctx.debug ? ['-Xfrozen_modules=off'] : []), '-u', pythonBootstrapPath(),
          JSON.stringify({ front: py.front, end: py.end, hints: py.hints, ...(ctx.debug ? { debug: true } : {}) })],
        env: {
          ...env,
          // Child Python processes the handler starts see the dependencies too (the bootstrap orders sys.path itself).
          ...(py.front.length ? { PYTHONPATH: [...py.front, ...(userPath ? [userPath] : [])].join(path.delimiter) } : {}),
          PYTHONUNBUFFERED: '1',
          // Keep __pycache__ folders out of the user's workspace.
          PYTHONDONTWRITEBYTECODE: '1',
          LAMBDA_RUNTIME_DIR: pythonAssetsDir(),
          ...channelEnv(),
          ...(ctx.debug ? { PYDEVD_DISABLE_FILE_VALIDATION: '1' } : {}),
        },
        logLines: versionLogLines(spec, py.python, services),
        channel: CHANNEL_SUPPORTED,
      };
    }
    case 'provided': {
      const bootstrap = path.join(spec.codeDir, 'bootstrap');
      try {
        await fsp.access(bootstrap, fsConstants.X_OK);
      } catch {
        throw new LaunchError('Runtime.InvalidEntrypoint', `Couldn't find valid bootstrap(s): [${bootstrap}] (it must exist and be executable)`);
      }
      return { command: bootstrap, args: [], env, logLines: [] };
    }
  }
}

/**
 * Everything a launch needs before a process can start: the interpreter (with its notes and
 * version warning), the requirements build, the runtime-provided libraries. Shares its results
 * with later launches, so calling it ahead (when a template loads) moves the wait and the
 * notes to that moment. Throws LaunchError when the function cannot run at all.
 */
export async function prepareLaunch(spec: ExecutionSpec, dataDir: string, services: LaunchServices = NO_SERVICES): Promise<void> {
  switch (runtimeFamily(spec.runtime)) {
    case 'node':
      await prepareNode(spec, services);
      return;
    case 'python':
      await preparePython(spec, dataDir, services);
      return;
    case 'provided':
      return;
  }
}

async function prepareNode(spec: ExecutionSpec, services: LaunchServices): Promise<InterpreterChoice> {
  const node = await chooseNode(spec.runtime, services.interpreters);
  noteVersion(spec, node, services);
  return node;
}

/** Notes the interpreter once per runtime, and a version warning once per function. */
function noteVersion(spec: ExecutionSpec, choice: InterpreterChoice, services: LaunchServices): void {
  if (choice.source !== 'local' || choice.warning) {
    services.note({ level: 'info', kind: 'runtime-version', runtime: spec.runtime,
      message: `${spec.runtime} functions run on ${choice.executable} (${spec.runtime.startsWith('python') ? 'Python' : 'Node.js'} ${choice.version}).` },
    `interpreter\0${spec.runtime}\0${choice.executable}`);
  }
  if (choice.warning) {
    services.note({ level: 'warning', kind: 'runtime-version', functionName: spec.functionName, runtime: spec.runtime,
      message: `${spec.functionName}: ${choice.warning}` }, `version\0${spec.functionName}\0${spec.runtime}\0${choice.executable}`);
  }
}

/** The version warning for the function's own log, on its first start in this run. */
function versionLogLines(spec: ExecutionSpec, choice: InterpreterChoice, services: LaunchServices): string[] {
  if (!choice.warning || !services.once(`log\0${spec.functionName}\0${spec.runtime}\0${choice.executable}`)) return [];
  return [`WARNING ${choice.warning}`];
}

/** Whether the function's code is inline template code (InlineCode / Code.ZipFile), which the template loader writes under `<data>/inline/`. */
function isInlineCode(spec: ExecutionSpec, dataDir: string): boolean {
  const rel = path.relative(path.join(dataDir, 'inline'), spec.codeDir);
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
}

interface PythonPlan {
  python: InterpreterChoice;
  /** sys.path right after the code folder: the requirements build (then layers). */
  front: string[];
  /** sys.path after the interpreter's own: runtime-provided libraries, cfnresponse for inline code. */
  end: string[];
  /** Top-level module (or "*") → sentence added to an import error. */
  hints: Record<string, string>;
}

async function preparePython(spec: ExecutionSpec, dataDir: string, services: LaunchServices): Promise<PythonPlan> {
  const python = await choosePython(spec.runtime, services.interpreters);
  if (!python) {
    throw new LaunchError('Runtime.Unavailable', `python3 was not found on PATH; install it to run ${spec.runtime} functions locally`);
  }
  noteVersion(spec, python, services);
  const interpreter = { executable: python.executable, version: python.version };

  const deps: PythonDepsResult = await ensurePythonDeps({
    codeDir: spec.codeDir, dataDir, python: interpreter, label: spec.functionName,
    onEvent: (event) => reportBuild(spec, event, services), memo: services.builds, signal: services.buildSignal?.(),
  });
  const hints: Record<string, string> = {};
  if (deps.status === 'failed') {
    hints['*'] = `The requirements in ${deps.requirements} were not installed (${deps.reason}); to see why, run: ${deps.command}`;
  }

  const end: string[] = [];
  const present = hasRuntimePackages(spec.codeDir) || hasRuntimePackages(deps.folder) || await interpreterHasRuntimePackages(interpreter);
  if (!present && mayUseRuntimePackages(spec.codeDir, deps.requirements !== undefined)) {
    const libs = await provideRuntimeLibraries(interpreter, services.pythonLibraries,
      (event) => reportBuild(spec, event, services, 'runtime-libraries'));
    services.note({ level: libs.dir ? 'info' : 'warning', kind: 'runtime-libraries', runtime: spec.runtime, message: libs.message },
      `libraries\0${interpreter.executable}`);
    if (libs.dir) end.push(libs.dir);
    else hints.boto3 = hints.botocore = `Lambda's runtime provides boto3, but it is not available locally: ${libs.reason}; see the Local Lambda's log`;
  }
  if (isInlineCode(spec, dataDir)) end.push(inlineModulesDir());
  return { python, front: deps.folder ? [deps.folder] : [], end, hints };
}

function reportBuild(spec: ExecutionSpec, event: PythonBuildEvent, services: LaunchServices,
  kind: 'dependencies' | 'runtime-libraries' = 'dependencies'): void {
  let message: string;
  switch (event.type) {
    case 'started': message = `${event.label}: installing ${event.requirements} with pip…`; break;
    case 'cache-hit': message = `${event.label}: ${event.requirements} is already installed (${event.folder}).`; break;
    case 'finished': message = `${event.label}: installed ${event.requirements} in ${(event.durationMs / 1000).toFixed(1)} s (${event.folder}).`; break;
    case 'failed': message = event.message; break;
  }
  const id = `pip\0${spec.functionName}\0${event.requirements}`;
  const title = `Installing ${path.basename(event.requirements)} for ${spec.functionName}`;
  const build: BuildStepNote | undefined = event.type === 'started' ? { id, phase: 'started', title }
    : event.type === 'finished' ? { id, phase: 'finished', title, durationMs: event.durationMs }
      : event.type === 'failed' ? { id, phase: 'failed', title, command: event.command, durationMs: event.durationMs } : undefined;
  services.note({ level: event.type === 'failed' ? 'error' : 'info', kind, functionName: spec.functionName,
    runtime: spec.runtime, message, ...(build ? { build } : {}) });
}

/** Whether an interpreter can import debugpy, asked once per executable in this run. */
const debugpyProbes = new Map<string, Promise<boolean>>();

function hasDebugpy(executable: string): Promise<boolean> {
  let probe = debugpyProbes.get(executable);
  if (!probe) {
    probe = new Promise((resolve) => {
      execFile(executable, ['-c', 'import debugpy'], { timeout: 15_000, windowsHide: true }, (err) => resolve(!err));
    });
    debugpyProbes.set(executable, probe);
    // A failed probe is asked again next time: the person may have installed it meanwhile.
    void probe.then((ok) => {
      if (!ok) debugpyProbes.delete(executable);
    });
  }
  return probe;
}

/** The commands that make debugpy importable for `executable`. */
export function debugpyInstallCommands(executable: string): string[] {
  return [`${executable} -m pip install debugpy`, 'sudo apt-get install python3-debugpy'];
}

/** Debugging a Python function needs debugpy in the interpreter that runs it; says how to get it when it is missing. */
async function requireDebugpy(spec: ExecutionSpec, python: InterpreterChoice): Promise<void> {
  if (await hasDebugpy(python.executable)) return;
  const [pip, apt] = debugpyInstallCommands(python.executable);
  throw new LaunchError('Runtime.DebuggerUnavailable',
    `Debugging ${spec.functionName} needs debugpy, which ${python.executable} (Python ${python.version}) cannot import. ` +
    `Install it with: ${pip} — or on Debian and Ubuntu: ${apt} (that one is for /usr/bin/python3; ` +
    'name it for the runtime with the lambdaWorkbench.local.interpreters setting or --interpreter).',
    { installCommands: [pip, apt] });
}
