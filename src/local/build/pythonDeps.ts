import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The Python half of the local build: `pip install -r requirements.txt -t <folder>` with the
 * interpreter that runs the function, into `<data folder>/build/python-deps/<key>/` (never into
 * the user's folder). The key hashes requirements.txt (and the files it includes with -r / -c),
 * the interpreter's version and the platform, so a second start finds the folder and installs
 * nothing. A folder exists only once complete: pip writes into a temporary sibling that is
 * renamed at the end. The folder goes on sys.path right after the code folder, where Lambda finds
 * what `sam build` put next to the code.
 */

export interface PythonInterpreter {
  /** Absolute path of the interpreter. */
  executable: string;
  /** e.g. 3.11.7 */
  version: string;
}

/** Progress of one install, for the extension's progress and Output channel. */
export type PythonBuildEvent =
  | { type: 'started'; label: string; requirements: string; folder: string; command: string }
  | { type: 'cache-hit'; label: string; requirements: string; folder: string }
  | { type: 'finished'; label: string; requirements: string; folder: string; durationMs: number }
  | { type: 'failed'; label: string; requirements: string; folder: string; command: string; message: string; output: string; durationMs: number };

export interface PythonDepsOptions {
  /** The function's code folder (holding requirements.txt). */
  codeDir: string;
  /** The Local Lambda's data folder. */
  dataDir: string;
  python: PythonInterpreter;
  /** Names the build in events and messages, e.g. the function name. */
  label?: string;
  onEvent?: (event: PythonBuildEvent) => void;
  /** pip's environment (default: this process's, so the user's pip configuration applies). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /**
   * Results already known in this run, by requirements file and key (default: one map for the
   * process). A hit reports nothing again; a failure is not retried until requirements change.
   */
  memo?: Map<string, Promise<PythonDepsResult>>;
}

export interface PythonDepsResult {
  status: 'none' | 'cached' | 'built' | 'failed';
  /** The requirements file, when there is one. */
  requirements?: string;
  /** The installed packages' folder (status cached or built). */
  folder?: string;
  /** For status failed: what went wrong, in one paragraph, ending with the command to run by hand. */
  message?: string;
  /** For status failed: why, in a few words (the missing package, no network …). */
  reason?: string;
  /** The pip command, as a user would type it. */
  command?: string;
}

export const REQUIREMENTS_FILE = 'requirements.txt';
/** pip may not take longer than this (a large scientific stack on a slow line takes minutes). */
const PIP_TIMEOUT_MS = 15 * 60 * 1000;
const OUTPUT_KEPT = 64 * 1024;

export function requirementsPath(codeDir: string): string | undefined {
  const file = path.join(codeDir, REQUIREMENTS_FILE);
  try {
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** The cache key: requirements (with included files), interpreter version, platform. */
export function pythonDepsKey(requirements: string, python: PythonInterpreter): string {
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const add = (file: string) => {
    if (seen.has(file) || seen.size > 20) return;
    seen.add(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      hash.update(`missing:${file}\n`);
      return;
    }
    hash.update(`${path.basename(file)}\n${text}\n`);
    for (const m of text.matchAll(/^\s*(?:-r|--requirement|-c|--constraint)[\s=]+(\S+)/gm)) {
      add(path.resolve(path.dirname(file), m[1]));
    }
  };
  add(requirements);
  hash.update(`python ${python.version}\n${process.platform}-${process.arch}\n`);
  return hash.digest('hex').slice(0, 20);
}

export function pythonDepsRoot(dataDir: string): string {
  return path.join(dataDir, 'build', 'python-deps');
}

/** Quotes for a POSIX shell or cmd.exe when needed, so the command can be pasted. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, '\\$1')}"`;
}

export function pipCommandLine(python: string, args: readonly string[], cwd?: string): string {
  const line = [python, '-m', 'pip', ...args].map(shellQuote).join(' ');
  return cwd ? `cd ${shellQuote(cwd)} && ${line}` : line;
}

const processMemo = new Map<string, Promise<PythonDepsResult>>();

/**
 * Installs the function's requirements unless an identical install exists. Never throws for a
 * pip failure: the result says what failed, so the function can still start (and fail on import
 * only if it needs what is missing).
 */
export function ensurePythonDeps(opts: PythonDepsOptions): Promise<PythonDepsResult> {
  const requirements = requirementsPath(opts.codeDir);
  if (!requirements) return Promise.resolve({ status: 'none' });
  const key = pythonDepsKey(requirements, opts.python);
  const memo = opts.memo ?? processMemo;
  const memoKey = `${opts.dataDir}\0${requirements}\0${key}`;
  let result = memo.get(memoKey);
  if (!result) {
    result = install(opts, requirements, key);
    memo.set(memoKey, result);
    // A failure is kept for this run (no retry on every cold start); a crash of our own is not.
    result.catch(() => memo.delete(memoKey));
  }
  return result;
}

async function install(opts: PythonDepsOptions, requirements: string, key: string): Promise<PythonDepsResult> {
  const label = opts.label ?? path.basename(opts.codeDir);
  const root = pythonDepsRoot(opts.dataDir);
  const folder = path.join(root, key);
  const args = ['install', '--disable-pip-version-check', '--no-input', '-r', REQUIREMENTS_FILE, '-t', folder];
  const command = pipCommandLine(opts.python.executable, args, opts.codeDir);
  if (fs.existsSync(folder)) {
    opts.onEvent?.({ type: 'cache-hit', label, requirements, folder });
    return { status: 'cached', requirements, folder, command };
  }
  await fs.promises.mkdir(root, { recursive: true });
  await removeStale(root);
  const temp = `${folder}.tmp-${randomBytes(4).toString('hex')}`;
  const tempArgs = [...args.slice(0, -1), temp];
  opts.onEvent?.({ type: 'started', label, requirements, folder, command });
  const started = Date.now();
  const run = await runPip(opts.python.executable, tempArgs, opts.codeDir, opts.env ?? process.env, opts.signal);
  const durationMs = Date.now() - started;
  if (run.code === 0) {
    await fs.promises.writeFile(path.join(temp, '.local-lambda-build.json'), JSON.stringify({
      requirements, python: opts.python, builtAt: new Date().toISOString(), command,
    }, null, 1));
    try {
      await fs.promises.rename(temp, folder);
    } catch (err) {
      // Another Local Lambda on this data folder finished the same install first.
      await fs.promises.rm(temp, { recursive: true, force: true });
      if (!fs.existsSync(folder)) throw err;
    }
    opts.onEvent?.({ type: 'finished', label, requirements, folder, durationMs });
    return { status: 'built', requirements, folder, command };
  }
  await fs.promises.rm(temp, { recursive: true, force: true }).catch(() => undefined);
  const { reason, advice } = explainPipFailure(run.output, run.error, opts.python.executable);
  const message = `${label}: the requirements in ${requirements} were not installed: ${reason}. ${advice ? `${advice} ` : ''}` +
    `The function starts without them. To see pip's own output, run: ${command}`;
  opts.onEvent?.({ type: 'failed', label, requirements, folder, command, message, output: run.output, durationMs });
  return { status: 'failed', requirements, message, reason, command };
}

/** Leftovers of interrupted installs (older than an hour, so a parallel install is left alone). */
async function removeStale(root: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.promises.readdir(root);
  } catch {
    return;
  }
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const name of names.filter((n) => n.includes('.tmp-'))) {
    const dir = path.join(root, name);
    try {
      if ((await fs.promises.stat(dir)).mtimeMs < cutoff) await fs.promises.rm(dir, { recursive: true, force: true });
    } catch { /* gone already */ }
  }
}

export interface PipRun {
  code: number | null;
  output: string;
  /** Set when pip could not be started or was stopped. */
  error?: string;
}

export function runPip(python: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<PipRun> {
  return new Promise((resolve) => {
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
    };
    let child;
    try {
      child = spawn(python, ['-m', 'pip', ...args], {
        cwd, env: { ...env, PIP_NO_INPUT: '1' }, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, signal, timeout: PIP_TIMEOUT_MS,
      });
    } catch (err) {
      resolve({ code: null, output, error: (err as Error).message });
      return;
    }
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let error: string | undefined;
    child.on('error', (err) => {
      error = (err as NodeJS.ErrnoException).name === 'AbortError' ? 'the install was cancelled' : `${python} could not be started (${err.message})`;
    });
    child.on('close', (code, sig) => {
      if (sig && !error) error = `pip was stopped (${sig})`;
      resolve({ code, output, error });
    });
  });
}

const NETWORK = /NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Name or service not known|nodename nor servname|getaddrinfo failed|Network is unreachable|ConnectTimeoutError|ReadTimeoutError|ProxyError|SSLError|Connection refused/;

export interface PipFailure {
  /** In a few words, naming the package when pip says which. */
  reason: string;
  /** What to do about it, when there is something better to say than "run it by hand". */
  advice?: string;
}

/** pip's output → why it failed and what to do. */
export function explainPipFailure(output: string, error?: string, python = 'python3'): PipFailure {
  if (error) return { reason: error };
  if (/No module named pip\b/.test(output)) {
    return { reason: `pip is not installed for ${python}`, advice: `Install it with: ${shellQuote(python)} -m ensurepip --upgrade` };
  }
  const missing = /No matching distribution found for ([^\s]+)/.exec(output)?.[1]
    ?? /Could not find a version that satisfies the requirement ([^\s]+)/.exec(output)?.[1];
  const offline = NETWORK.test(output);
  if (missing) {
    return offline
      ? { reason: `pip could not reach the package index, so it could not get "${missing}"`, advice: 'Connect to the network (or point pip at an index you can reach: pip config list), then restart the Local Lambda.' }
      : { reason: `no package index pip uses offers "${missing}"`, advice: 'Check its name and version, and the index pip uses (pip config list).' };
  }
  if (offline) return { reason: 'pip could not reach the package index', advice: 'Connect to the network, then restart the Local Lambda.' };
  const failedBuild = /Failed to build ([^\n]+)/.exec(output)?.[1] ?? /Failed building wheel for ([^\s]+)/.exec(output)?.[1];
  if (failedBuild) return { reason: `building "${failedBuild.trim()}" failed`, advice: 'It may need a compiler or system libraries, or a version with a ready-made wheel for this Python.' };
  const errorLine = output.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('ERROR:')).pop();
  if (errorLine) return { reason: errorLine.replace(/^ERROR:\s*/, '').replace(/\.$/, '') };
  const last = output.trim().split('\n').pop()?.trim();
  return { reason: last ? `pip failed: ${last}` : 'pip failed without saying why' };
}
