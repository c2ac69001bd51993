import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipCommandLine, runPip, explainPipFailure, shellQuote, type PythonBuildEvent, type PythonInterpreter } from './pythonDeps';
import { userCacheDir } from './userCache';

/**
 * The libraries Lambda's Python runtimes provide (boto3 and botocore, with what they need), for
 * functions whose environment lacks them. Lambda puts them after the interpreter's own
 * site-packages, so a copy in the function's folder or requirements wins; here they are added at
 * the same place. Found in, in order:
 *  1. the per-user runtime cache, `<user cache>/runtime/python<X.Y>/` (X.Y of the interpreter):
 *     `pip/` (filled by pip earlier) or `installed/` (links to an installed copy, found earlier);
 *  2. what is installed on the machine, e.g. Debian's python3-boto3 in /usr/lib/python3/dist-packages,
 *     linked into `installed/` when the function's interpreter can import it;
 *  3. pip, from the index the user's pip configuration names, into `pip/`.
 */

export const RUNTIME_PACKAGES = ['boto3', 'botocore'] as const;
/** boto3 and the packages it needs, as top-level names in site-packages. */
const CLOSURE = ['boto3', 'botocore', 's3transfer', 'jmespath', 'dateutil', 'six.py', 'urllib3', 'certifi'];
const SOURCE_FILE = 'source.json';

export interface RuntimeLibrarySources {
  /** Folders to look in for an installed boto3 (default: the usual system locations). */
  installedDirs?: string[];
  /** Whether pip may fetch them (default true). */
  pip?: boolean;
  /** The per-user cache (default userCacheDir()). */
  cacheDir?: string;
  /** pip's environment (default this process's). */
  env?: NodeJS.ProcessEnv;
  /** What this run found already (default: one map for the process). */
  memo?: Map<string, Promise<RuntimeLibraries>>;
}

export interface RuntimeLibraries {
  /** The folder to add to sys.path, when found. */
  dir?: string;
  source: 'cache' | 'installed' | 'pip' | 'none';
  /** e.g. { boto3: '1.35.2', botocore: '1.35.2' } */
  versions: Record<string, string>;
  /** One sentence for the log: where they came from, or why there are none and what to do. */
  message: string;
  /** For source none: the short reason (used in import error hints). */
  reason?: string;
}

/** Usual places of a system-wide boto3 (Debian/Ubuntu, Fedora/Arch, Homebrew, /usr/local). */
export function defaultInstalledDirs(): string[] {
  if (process.platform === 'win32') return [];
  const dirs = ['/usr/lib/python3/dist-packages'];
  for (const base of ['/usr/lib', '/usr/local/lib', '/usr/lib64', '/opt/homebrew/lib']) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(base).filter((n) => /^python3\.\d+$/.test(n)).sort(byVersionDesc);
    } catch { /* not there */ }
    for (const n of names) dirs.push(path.join(base, n, 'site-packages'), path.join(base, n, 'dist-packages'));
  }
  return dirs;
}

function byVersionDesc(a: string, b: string): number {
  return Number(b.split('.')[1]) - Number(a.split('.')[1]);
}

export function runtimeCacheDir(python: PythonInterpreter, cacheDir = userCacheDir()): string {
  const [major, minor] = python.version.split('.');
  return path.join(cacheDir, 'runtime', `python${major}.${minor}`);
}

/** Whether `dir` holds boto3 and botocore as packages. */
export function hasRuntimePackages(dir: string | undefined): boolean {
  return !!dir && RUNTIME_PACKAGES.every((p) => fs.existsSync(path.join(dir, p, '__init__.py')));
}

const interpreterHas = new Map<string, Promise<boolean>>();

/**
 * Whether the interpreter itself imports boto3 and botocore, in an environment like the
 * function's (no PYTHONPATH, HOME elsewhere so the user's own site-packages do not count).
 */
export function interpreterHasRuntimePackages(python: PythonInterpreter): Promise<boolean> {
  let known = interpreterHas.get(python.executable);
  if (!known) {
    known = new Promise((resolve) => {
      const script = 'import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ("boto3", "botocore")) else 3)';
      execFile(python.executable, ['-c', script], { timeout: 15_000, env: functionLikeEnv(), windowsHide: true }, (err) => resolve(!err));
    });
    interpreterHas.set(python.executable, known);
  }
  return known;
}

function functionLikeEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: os.tmpdir(),
    LANG: 'en_US.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    ...(process.platform === 'win32' && process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {}),
  };
}

/**
 * Whether a function may use them: its own code imports boto3 or botocore, or it has
 * requirements (whose packages often import boto3 without declaring it, as on Lambda).
 * Looks at a bounded number of files so a large folder does not slow the start.
 */
export function mayUseRuntimePackages(codeDir: string, hasRequirementsBuild: boolean): boolean {
  if (hasRequirementsBuild) return true;
  const pattern = /^\s*(?:import|from)\s+(?:boto3|botocore)\b/m;
  let files = 0;
  let bytes = 0;
  const walk = (dir: string, depth: number): boolean => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      if (files >= 400 || bytes >= 8 * 1024 * 1024) return false;
      const full = path.join(dir, e.name);
      if (e.isFile() && e.name.endsWith('.py')) {
        files++;
        try {
          const text = fs.readFileSync(full, 'utf8');
          bytes += text.length;
          if (pattern.test(text)) return true;
        } catch { /* unreadable: skip */ }
      } else if (e.isDirectory() && depth < 6 && !e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name) && !e.name.endsWith('-info')
        && !fs.existsSync(path.join(full, 'pyvenv.cfg'))) {
        if (walk(full, depth + 1)) return true;
      }
    }
    return false;
  };
  return walk(codeDir, 0);
}

const SKIPPED_DIRS = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages', 'tests', 'test']);

const provided = new Map<string, Promise<RuntimeLibraries>>();

/** Finds or fetches boto3 and botocore for `python`; once per interpreter and cache per run. */
export function provideRuntimeLibraries(python: PythonInterpreter, sources: RuntimeLibrarySources = {},
  onEvent?: (event: PythonBuildEvent) => void): Promise<RuntimeLibraries> {
  const cacheDir = runtimeCacheDir(python, sources.cacheDir ?? userCacheDir());
  const key = `${python.executable}\0${cacheDir}\0${(sources.installedDirs ?? []).join(path.delimiter)}\0${sources.pip !== false}`;
  const memo = sources.memo ?? provided;
  let result = memo.get(key);
  if (!result) {
    result = resolveLibraries(python, cacheDir, sources, onEvent);
    memo.set(key, result);
    result.catch(() => memo.delete(key));
  }
  return result;
}

/** Forgets what this run found (tests; a user who installed boto3 restarts instead). */
export function forgetRuntimeLibraries(): void {
  provided.clear();
  interpreterHas.clear();
}

async function resolveLibraries(python: PythonInterpreter, cacheDir: string, sources: RuntimeLibrarySources,
  onEvent?: (event: PythonBuildEvent) => void): Promise<RuntimeLibraries> {
  const runtimeName = `python${python.version.split('.').slice(0, 2).join('.')}`;
  const what = `boto3 and botocore (provided by Lambda's Python runtimes) for functions run by ${python.executable}`;

  for (const sub of ['pip', 'installed'] as const) {
    const dir = path.join(cacheDir, sub);
    if (!hasRuntimePackages(dir)) continue;
    const source = readSource(dir);
    const versions = source?.versions ?? readVersions(dir);
    const origin = sub === 'pip' ? 'installed there with pip' : `linked to ${source?.from ?? 'an installed copy'}`;
    return { dir, source: 'cache', versions, message: `${describe(versions)} for ${runtimeName}: from the runtime cache ${dir} (${origin}).` };
  }

  const installedDirs = sources.installedDirs ?? defaultInstalledDirs();
  for (const from of installedDirs) {
    if (!hasRuntimePackages(from)) continue;
    const linked = await linkInstalled(python, from, path.join(cacheDir, 'installed'));
    if (linked) {
      return { dir: linked.dir, source: 'installed', versions: linked.versions,
        message: `${describe(linked.versions)} for ${runtimeName}: from what is installed on this machine, ${from} (linked in ${linked.dir}).` };
    }
  }

  let pipProblem = 'fetching with pip is turned off';
  if (sources.pip !== false) {
    const fetched = await fetchWithPip(python, path.join(cacheDir, 'pip'), sources.env ?? process.env, onEvent);
    if ('dir' in fetched) {
      return { dir: fetched.dir, source: 'pip', versions: fetched.versions,
        message: `${describe(fetched.versions)} for ${runtimeName}: fetched with pip from your package index into the runtime cache ${fetched.dir}.` };
    }
    pipProblem = `pip could not fetch them (${fetched.reason})`;
  }
  const looked = installedDirs.length ? installedDirs.filter((d) => fs.existsSync(d)).join(', ') || 'none of the usual places exist' : 'no places to look';
  return {
    source: 'none', versions: {}, reason: pipProblem,
    message: `${what} are not available: the interpreter does not have them, no installed copy was found (looked in ${looked}), and ${pipProblem}. ` +
      `Handlers that import boto3 fail with Runtime.ImportModuleError. To provide them, run: ${shellQuote(python.executable)} -m pip install boto3 ` +
      '(or list boto3 in the function\'s requirements.txt), then restart the Local Lambda.',
  };
}

function describe(versions: Record<string, string>): string {
  return RUNTIME_PACKAGES.map((p) => (versions[p] ? `${p} ${versions[p]}` : p)).join(' and ');
}

interface SourceRecord {
  from?: string;
  versions?: Record<string, string>;
  python?: PythonInterpreter;
}

function readSource(dir: string): SourceRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, SOURCE_FILE), 'utf8')) as SourceRecord;
  } catch {
    return undefined;
  }
}

/** Versions from the `<name>-<version>.dist-info` (or .egg-info) folders beside the packages. */
export function readVersions(dir: string): Record<string, string> {
  const versions: Record<string, string> = {};
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return versions;
  }
  for (const n of names) {
    const m = /^([A-Za-z0-9_.]+?)-(\d[^-]*?)(?:-py\d\.\d+)?\.(?:dist|egg)-info$/.exec(n);
    if (m && (RUNTIME_PACKAGES as readonly string[]).includes(m[1].toLowerCase())) versions[m[1].toLowerCase()] = m[2];
  }
  return versions;
}

/** Links boto3's closure from `from` into `target` and checks the interpreter imports it there. */
async function linkInstalled(python: PythonInterpreter, from: string, target: string): Promise<{ dir: string; versions: Record<string, string> } | undefined> {
  const temp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  await fs.promises.mkdir(temp, { recursive: true });
  try {
    for (const name of CLOSURE) {
      const source = path.join(from, name);
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(source);
      } catch {
        continue;
      }
      if (stat.isDirectory()) await fs.promises.symlink(source, path.join(temp, name), process.platform === 'win32' ? 'junction' : 'dir');
      else await fs.promises.copyFile(source, path.join(temp, name));
    }
    const versions = await importedVersions(python, temp);
    if (!versions) return undefined;
    const record: SourceRecord = { from, versions, python };
    await fs.promises.writeFile(path.join(temp, SOURCE_FILE), JSON.stringify(record, null, 1));
    await replaceFolder(temp, target);
    return { dir: target, versions };
  } finally {
    await fs.promises.rm(temp, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Imports boto3 and botocore from `dir` with the interpreter; their versions, or undefined when that fails. */
function importedVersions(python: PythonInterpreter, dir: string): Promise<Record<string, string> | undefined> {
  const script = 'import sys, json; sys.path.insert(0, sys.argv[1]); import boto3, botocore; print(json.dumps({"boto3": boto3.__version__, "botocore": botocore.__version__}))';
  return new Promise((resolve) => {
    execFile(python.executable, ['-c', script, dir], { timeout: 30_000, env: functionLikeEnv(), windowsHide: true }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        resolve(JSON.parse(String(stdout).trim().split('\n').pop() ?? '') as Record<string, string>);
      } catch {
        resolve(undefined);
      }
    });
  });
}

async function fetchWithPip(python: PythonInterpreter, target: string, env: NodeJS.ProcessEnv,
  onEvent?: (event: PythonBuildEvent) => void): Promise<{ dir: string; versions: Record<string, string> } | { reason: string }> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  // One retry: when the index cannot be reached, say so soon rather than after pip's five.
  const args = ['install', '--disable-pip-version-check', '--no-input', '--retries', '1', '-t', temp, 'boto3'];
  const label = `boto3 for python${python.version.split('.').slice(0, 2).join('.')}`;
  const command = pipCommandLine(python.executable, [...args.slice(0, -2), target, 'boto3']);
  onEvent?.({ type: 'started', label, requirements: 'boto3', folder: target, command });
  const started = Date.now();
  const run = await runPip(python.executable, args, os.tmpdir(), env);
  const durationMs = Date.now() - started;
  try {
    if (run.code !== 0 || !hasRuntimePackages(temp)) {
      const reason = run.code === 0 ? 'the install holds no boto3 and botocore packages' : explainPipFailure(run.output, run.error, python.executable).reason;
      onEvent?.({ type: 'failed', label, requirements: 'boto3', folder: target, command, message: `${label}: ${reason}`, output: run.output, durationMs });
      return { reason };
    }
    const versions = readVersions(temp);
    await fs.promises.writeFile(path.join(temp, SOURCE_FILE), JSON.stringify({ from: 'pip', versions, python } satisfies SourceRecord, null, 1));
    await replaceFolder(temp, target);
    onEvent?.({ type: 'finished', label, requirements: 'boto3', folder: target, durationMs });
    return { dir: target, versions };
  } finally {
    await fs.promises.rm(temp, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Puts `temp` at `target`, replacing an incomplete one; keeps a complete one another process made. */
async function replaceFolder(temp: string, target: string): Promise<void> {
  if (fs.existsSync(target)) {
    if (hasRuntimePackages(target)) return;
    await fs.promises.rm(target, { recursive: true, force: true });
  }
  try {
    await fs.promises.rename(temp, target);
  } catch (err) {
    if (!hasRuntimePackages(target)) throw err;
  }
}
