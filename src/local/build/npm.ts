import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * Runs the user's npm for the local build step: no shell, a timeout, output kept (bounded) for
 * error messages, and the whole process group stopped when the run is cancelled, times out or the
 * Local Lambda exits. npm's failure output is turned into a message that names what went wrong
 * (the package the registry does not have, the registry that refused, no network) and the command
 * to run by hand.
 */

export interface NpmCommand {
  /** Executable to spawn. */
  command: string;
  /** Arguments placed before npm's own (the npm CLI script when run through node). */
  prefix: string[];
  /** How the command is shown to a user. */
  display: string;
}

export interface NpmRunOptions {
  /** Folder npm runs in. */
  cwd: string;
  /** npm's arguments, e.g. ['ci', '--omit=dev']. */
  args: string[];
  /** Environment for npm (default: this process's). It decides which registry and cache npm uses. */
  env?: NodeJS.ProcessEnv;
  /** Default 5 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Output kept for the error message, per stream (default 64 KiB, the end is kept). */
  maxOutputBytes?: number;
  /** Each chunk of output as it comes, for a log. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

export interface NpmResult {
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The command as a user would type it in `cwd`. */
  command: string;
}

export type NpmFailureKind =
  | 'npm-missing'
  | 'package-missing'
  | 'version-missing'
  | 'registry-refused'
  | 'network'
  | 'lockfile'
  | 'timeout'
  | 'cancelled'
  | 'failed';

export class NpmError extends Error {
  constructor(
    message: string,
    readonly kind: NpmFailureKind,
    /** The exact command, runnable by hand (`cd … && npm …`). */
    readonly command: string,
    /** npm's own output (the end of it). */
    readonly output: string,
    readonly packageName?: string,
    readonly registry?: string,
  ) {
    super(message);
    this.name = 'NpmError';
  }
}

const DEFAULT_TIMEOUT_MS = 5 * 60 * 1000;
const DEFAULT_MAX_OUTPUT = 64 * 1024;

/** Process groups of npm runs still going; stopped if this process exits first. */
const running = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of running) killGroup(pid, 'SIGKILL');
  });
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The npm CLI script next to a Windows `npm.cmd` (which cannot be spawned without a shell). */
function npmCliBeside(cmdFile: string): string | undefined {
  const candidates = [
    path.join(path.dirname(cmdFile), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    path.join(path.dirname(cmdFile), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  return candidates.find(isFile);
}

/**
 * The user's npm: `npm` on PATH, else the npm that started this process (`npm_execpath`).
 * Undefined when there is none.
 */
export function findNpm(env: NodeJS.ProcessEnv = process.env): NpmCommand | undefined {
  const searchPath = env.PATH ?? env.Path ?? '';
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    if (process.platform === 'win32') {
      const cmd = path.join(dir, 'npm.cmd');
      if (!isFile(cmd)) continue;
      const cli = npmCliBeside(cmd);
      const node = path.join(dir, 'node.exe');
      if (cli) return { command: isFile(node) ? node : 'node', prefix: [cli], display: 'npm' };
    } else {
      const exe = path.join(dir, 'npm');
      if (isFile(exe)) return { command: exe, prefix: [], display: 'npm' };
    }
  }
  const execPath = env.npm_execpath;
  if (execPath && /npm(-cli)?\.c?js$/.test(execPath) && isFile(execPath)) {
    return { command: process.execPath, prefix: [execPath], display: 'npm' };
  }
  return undefined;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./^~-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** `cd "<cwd>" && npm <args>`: what to run by hand to see npm's full output. */
export function npmCommandLine(cwd: string, args: string[]): string {
  return `cd ${quote(cwd)} && npm ${args.map(quote).join(' ')}`;
}

/** Keeps the last `max` bytes of a stream. */
class Tail {
  private chunks: string[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  push(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.max && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
      this.truncated = true;
    }
    if (this.size > this.max) {
      const only = this.chunks[0];
      this.chunks = [only.slice(only.length - this.max)];
      this.size = this.max;
      this.truncated = true;
    }
  }
  toString(): string {
    return (this.truncated ? '…\n' : '') + this.chunks.join('');
  }
}

/** Runs npm; resolves with its output, or rejects with an NpmError. */
export function runNpm(opts: NpmRunOptions): Promise<NpmResult> {
  const env = { ...(opts.env ?? process.env) };
  // npm should neither ask nor advertise, and Electron's node must behave as node.
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  env.npm_config_yes = 'false';
  env.ELECTRON_RUN_AS_NODE = '1';
  const command = npmCommandLine(opts.cwd, opts.args);
  const npm = findNpm(env);
  if (!npm) {
    return Promise.reject(new NpmError(
      `npm was not found on PATH. Install Node.js with npm, then run: ${command}`, 'npm-missing', command, ''));
  }
  if (opts.signal?.aborted) {
    return Promise.reject(new NpmError(`Cancelled before npm started: ${command}`, 'cancelled', command, ''));
  }
  const started = performance.now();
  const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const out = new Tail(max);
  const err = new Tail(max);
  return new Promise((resolve, reject) => {
    const child = spawn(npm.command, [...npm.prefix, ...opts.args], {
      cwd: opts.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
      shell: false,
    });
    let stopped: 'timeout' | 'cancelled' | undefined;
    const stop = (why: 'timeout' | 'cancelled') => {
      if (stopped || !child.pid) return;
      stopped = why;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => child.pid && killGroup(child.pid, 'SIGKILL'), 2000).unref();
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    timer.unref();
    const onAbort = () => stop('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (child.pid) {
      installExitHook();
      running.add(child.pid);
    }
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (t: string) => {
      out.push(t);
      opts.onOutput?.(t, 'stdout');
    });
    child.stderr.on('data', (t: string) => {
      err.push(t);
      opts.onOutput?.(t, 'stderr');
    });
    const finish = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (child.pid) running.delete(child.pid);
    };
    child.on('error', (e) => {
      finish();
      reject(new NpmError(`Could not start npm (${e.message}). Run by hand: ${command}`, 'npm-missing', command, ''));
    });
    child.on('close', (code, signal) => {
      finish();
      const stdout = out.toString();
      const stderr = err.toString();
      const durationMs = performance.now() - started;
      if (code === 0 && !stopped) {
        resolve({ stdout, stderr, durationMs, command });
        return;
      }
      const output = [stderr, stdout].filter((s) => s.trim()).join('\n');
      if (stopped === 'timeout') {
        const limit = (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000;
        reject(new NpmError(`npm did not finish within ${limit < 10 ? limit.toFixed(1) : Math.round(limit)} s and was stopped. Run by hand: ${command}`,
          'timeout', command, output));
      } else if (stopped === 'cancelled') {
        reject(new NpmError(`npm was cancelled: ${command}`, 'cancelled', command, output));
      } else {
        reject(explainNpmFailure(output, command, code, signal, env));
      }
    });
  });
}

/** The registry npm was pointed at through its environment, if any. */
function configuredRegistry(env: NodeJS.ProcessEnv): string | undefined {
  return env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY;
}

/** The registry and the package a registry URL names (`…/@scope%2fname`, `…/name/-/name-1.0.0.tgz`). */
function parseRegistryUrl(url: string): { registry: string; name?: string } {
  try {
    const u = new URL(url);
    const raw = u.pathname.split('/').filter(Boolean);
    const decoded = raw.map((s) => decodeURIComponent(s));
    let index = decoded.findIndex((s) => s.startsWith('@'));
    let name: string | undefined;
    if (index >= 0) {
      name = decoded[index].includes('/') ? decoded[index] : `${decoded[index]}/${decoded[index + 1] ?? ''}`;
    } else if (decoded.includes('-')) {
      index = decoded.indexOf('-') - 1;
      name = decoded[index];
    } else if (decoded.length) {
      index = decoded.length - 1;
      name = decoded[index];
    }
    const base = index > 0 ? `/${raw.slice(0, index).join('/')}/` : '/';
    return { registry: `${u.protocol}//${u.host}${base}`, name };
  } catch {
    return { registry: url };
  }
}

/** The `npm error` / `npm ERR!` lines, without the prefix; the log-file pointers left out. */
function errorLines(output: string): string[] {
  return output.split(/\r?\n/)
    .map((l) => /^npm (?:error|ERR!)\s?(.*)$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined)
    .filter((l) => !/^(A complete log of this run|Log files were not written|You can rerun the command with)/.test(l.trim()));
}

/** A package name out of a spec like `@scope/name@^1.2.0` or a registry URL path. */
function packageFromSpec(spec: string): string {
  const s = spec.replace(/^['"]|['"]$/g, '');
  const at = s.indexOf('@', 1);
  return at > 0 ? s.slice(0, at) : s;
}

/** Turns a failed npm run's output into an NpmError whose message says what to do. */
export function explainNpmFailure(output: string, command: string, code: number | null, signal: NodeJS.Signals | null,
  env: NodeJS.ProcessEnv = {}): NpmError {
  const lines = errorLines(output);
  const text = lines.join('\n');
  const codeMatch = /^code (\S+)/m.exec(text);
  const errCode = codeMatch?.[1];
  const url = /\b(?:GET|PUT|POST)\s+(\S+)/.exec(text)?.[1] ?? /request to (\S+) failed/.exec(text)?.[1];
  const fromUrl = url ? parseRegistryUrl(url) : undefined;
  const registry = fromUrl?.registry ?? configuredRegistry(env);
  const byHand = `Run by hand to see npm's full output: ${command}`;
  const npmSays = (lines.length ? lines : output.trim().split(/\r?\n/).slice(-15)).join('\n');
  const tail = `\n${byHand}\n--- npm output ---\n${npmSays}`;

  if (errCode === 'E404') {
    const spec = /'([^']+)' (?:is not in (?:this|the npm) registry|could not be found)/.exec(text)?.[1];
    const name = spec ? packageFromSpec(spec) : fromUrl?.name;
    return new NpmError(`The package ${name ?? '(unknown)'} could not be installed: the registry ${registry ?? ''} has no package of that name.${tail}`
      .replace('registry  has', 'registry has'), 'package-missing', command, output, name, registry);
  }
  if (errCode === 'ETARGET') {
    const spec = /No matching version found for (\S+?)\.?$/m.exec(text)?.[1];
    const name = spec ? packageFromSpec(spec) : undefined;
    return new NpmError(`The package ${name ?? '(unknown)'} could not be installed: no version matching ${spec ?? 'the requested range'} in the registry${registry ? ` ${registry}` : ''}.${tail}`,
      'version-missing', command, output, name, registry);
  }
  if (errCode && /^E(401|403|407|4\d\d)$/.test(errCode)) {
    const name = fromUrl?.name;
    return new NpmError(`The registry ${registry ?? '(unknown)'} refused the request${name ? ` for ${name}` : ''} (${errCode.slice(1)}): check its credentials in .npmrc.${tail}`,
      'registry-refused', command, output, name, registry);
  }
  if (errCode && /^(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)$/.test(errCode)) {
    const name = fromUrl?.name;
    return new NpmError(`npm could not reach the registry ${registry ?? '(unknown)'}${name ? ` to fetch ${name}` : ''} (${errCode}). Check the network or the registry setting in .npmrc.${tail}`,
      'network', command, output, name, registry);
  }
  if (errCode === 'EUSAGE' && /in sync/.test(text)) {
    const missing = /Missing: (\S+)/.exec(text)?.[1];
    return new NpmError(`package.json and package-lock.json are out of sync${missing ? ` (missing from the lock file: ${missing})` : ''}; run npm install in the function's folder to update the lock file.${tail}`,
      'lockfile', command, output, missing ? packageFromSpec(missing) : undefined, registry);
  }
  const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
  return new NpmError(`npm ${how}.${tail}`, 'failed', command, output, undefined, registry);
}
