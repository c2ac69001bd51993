import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageDirFrom, packageNameOf, readJsonFile, walkSources } from './files';
import { NpmError, runNpm } from './npm';
import { userCacheDir } from './userCache';

/**
 * Lambda's nodejs18.x and later runtimes ship the AWS SDK for JavaScript v3, so real projects
 * import `@aws-sdk/*` without declaring it. This finds the runtime-provided packages a function
 * imports that do not resolve from its code, and makes them resolvable through NODE_PATH: from the
 * project's own node_modules (its devDependencies), else from a per-user runtime cache filled once
 * with npm (from the registry the user's npm uses), else from what the Local Lambda itself has.
 */

/** Packages Lambda's Node.js runtimes provide (nodejs18.x and later). */
const RUNTIME_PROVIDED = /^@(aws-sdk|smithy)\//;

export type LibraryOrigin = 'project' | 'runtime-cache' | 'local-lambda';

export interface RuntimeLibrary {
  name: string;
  origin: LibraryOrigin;
  /** The package's folder. */
  dir: string;
  version?: string;
  /** Set when this run fetched it into the runtime cache. */
  installed?: boolean;
}

export interface MissingLibrary {
  name: string;
  /** Why it could not be provided, with the command to run by hand. */
  message: string;
}

export interface RuntimeLibrariesResult {
  /** Folders to add to NODE_PATH, in order. */
  nodePath: string[];
  libraries: RuntimeLibrary[];
  missing: MissingLibrary[];
  durationMs: number;
}

export interface RuntimeLibraryEvent {
  kind: 'started' | 'finished' | 'failed' | 'output';
  message: string;
  durationMs?: number;
  packages?: number;
}

export interface RuntimeLibrariesRequest {
  runtime: string;
  /** The folder the function's code runs from (module lookup starts here). */
  runDir: string;
  /** The function's source folder (CodeUri); its node_modules and those above count as the project's. */
  projectDir: string;
  /** Folders already on the function's NODE_PATH (installed dependencies, layers). */
  nodePath?: string[];
  /** Bare imports of the code when known (a bundle's externals); otherwise runDir's sources are scanned. */
  imports?: string[];
  /** Environment for npm and the cache location (default: this process's). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs?: number;
  onEvent?: (event: RuntimeLibraryEvent) => void;
  /** node_modules folders of the Local Lambda's own install, the last resort (default: found from this file). */
  ownModules?: string[];
  /** Reused between calls so unchanged files are not read again. */
  scanCache?: ScanCache;
}

/** Whether a runtime provides the AWS SDK v3 (nodejs18.x and later). */
export function providesAwsSdk(runtime: string): boolean {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  return !!m && Number(m[1]) >= 18;
}

export function isRuntimeProvided(name: string): boolean {
  return RUNTIME_PROVIDED.test(name);
}

const SOURCE_EXTENSIONS = /\.(c|m)?(j|t)sx?$/;
const IMPORT_RE = /(?:\brequire\s*\(\s*|\bimport\s*\(\s*|\bfrom\s*|\bimport\s+)(['"`])(@(?:aws-sdk|smithy)\/[^'"`\s]+)\1/g;
const MAX_SCANNED_BYTES = 512 * 1024;

/** What a scan found in one file, kept while the file is unchanged. */
export type ScanCache = Map<string, { stamp: string; names: string[] }>;

/**
 * Runtime-provided packages named by imports in the sources below `dir` (bounded scan). With a
 * cache, only files changed since the last scan are read again.
 */
export function scanRuntimeImports(dir: string, limits: { maxFiles?: number; cache?: ScanCache } = {}): string[] {
  const names = new Set<string>();
  const cache = limits.cache;
  for (const file of walkSources(dir, (f) => SOURCE_EXTENSIONS.test(f) && !f.endsWith('.d.ts'), { maxFiles: limits.maxFiles ?? 3000 })) {
    let stamp = '';
    if (cache) {
      try {
        const st = fs.statSync(file);
        stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
      } catch {
        continue;
      }
      const known = cache.get(file);
      if (known && known.stamp === stamp) {
        for (const n of known.names) names.add(n);
        continue;
      }
    }
    const found = scanFile(file);
    cache?.set(file, { stamp, names: found });
    for (const n of found) names.add(n);
  }
  return [...names].sort();
}

function scanFile(file: string): string[] {
  const names = new Set<string>();
  {
    let text: string;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        const buf = Buffer.alloc(Math.min(MAX_SCANNED_BYTES, fs.fstatSync(fd).size));
        fs.readSync(fd, buf, 0, buf.length, 0);
        text = buf.toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return [];
    }
    if (!text.includes('@aws-sdk/') && !text.includes('@smithy/')) return [];
    for (const m of text.matchAll(IMPORT_RE)) {
      const name = packageNameOf(m[2]);
      if (name) names.add(name);
    }
  }
  return [...names];
}

function versionOf(dir: string): string | undefined {
  return readJsonFile<{ version?: string }>(path.join(dir, 'package.json'))?.version;
}

function inNodePath(folders: string[], name: string): boolean {
  return folders.some((f) => fs.existsSync(path.join(f, name, 'package.json')));
}

/** node_modules folders above this file: the Local Lambda's own install. */
function defaultOwnModules(): string[] {
  const found: string[] = [];
  for (let d = __dirname; ; d = path.dirname(d)) {
    const nm = path.join(d, 'node_modules');
    if (path.basename(d) !== 'node_modules' && fs.existsSync(nm)) found.push(nm);
    if (path.dirname(d) === d) return found;
  }
}

/** The per-user folder the runtime-provided packages are installed into. */
export function runtimeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userCacheDir(env), 'runtime', 'nodejs');
}

/** Packages that could not be fetched lately: not tried again at every preparation. */
const recentFailures = new Map<string, { at: number; message: string }>();
const RETRY_AFTER_MS = 10 * 60 * 1000;

/** One install into the runtime cache at a time (npm does not share a folder well). */
let cacheQueue: Promise<unknown> = Promise.resolve();

function serialized<T>(task: () => Promise<T>): Promise<T> {
  const run = cacheQueue.then(task, task);
  cacheQueue = run.catch(() => undefined);
  return run;
}

/** The version range to fetch: the project's own declaration when it has one. */
function wantedSpec(name: string, projectDir: string): string {
  const pkg = readJsonFile<{ devDependencies?: Record<string, string>; dependencies?: Record<string, string> }>(path.join(projectDir, 'package.json'));
  const range = pkg?.devDependencies?.[name] ?? pkg?.dependencies?.[name];
  return range && /^[\^~<>=*\d.xX |-]+$/.test(range) ? `${name}@${range}` : name;
}

async function fillRuntimeCache(names: string[], req: RuntimeLibrariesRequest): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  const cache = runtimeCacheDir(req.env);
  await fs.promises.mkdir(cache, { recursive: true });
  const manifest = path.join(cache, 'package.json');
  if (!fs.existsSync(manifest)) {
    await fs.promises.writeFile(manifest, JSON.stringify({ name: 'lambda-workbench-runtime-nodejs', private: true,
      description: 'Packages the Lambda Node.js runtimes provide, fetched for local runs.' }, null, 2));
  }
  const install = (specs: string[]) => runNpm({
    cwd: cache,
    args: ['install', '--no-audit', '--no-fund', '--save', ...specs],
    env: req.env,
    signal: req.signal,
    timeoutMs: req.timeoutMs,
    onOutput: (text) => req.onEvent?.({ kind: 'output', message: text }),
  });
  const specs = names.map((n) => wantedSpec(n, req.projectDir));
  try {
    await install(specs);
    return failures;
  } catch (err) {
    if (names.length === 1 || !(err instanceof NpmError) || err.kind === 'cancelled' || err.kind === 'network' || err.kind === 'npm-missing') {
      for (const n of names) failures.set(n, (err as Error).message);
      return failures;
    }
  }
  // One package the registry lacks fails the whole install: try each alone.
  for (let i = 0; i < names.length; i++) {
    try {
      await install([specs[i]]);
    } catch (err) {
      failures.set(names[i], (err as Error).message);
    }
  }
  return failures;
}

/**
 * Makes the runtime-provided packages the code imports resolvable. Packages that already resolve
 * (from runDir, walking up, or from req.nodePath) are left alone.
 */
export async function provideRuntimeLibraries(req: RuntimeLibrariesRequest): Promise<RuntimeLibrariesResult> {
  const started = performance.now();
  const done = (r: Omit<RuntimeLibrariesResult, 'durationMs'>): RuntimeLibrariesResult => ({ ...r, durationMs: performance.now() - started });
  if (!providesAwsSdk(req.runtime)) return done({ nodePath: [], libraries: [], missing: [] });
  const imported = (req.imports ?? scanRuntimeImports(req.runDir, { cache: req.scanCache })).map((s) => packageNameOf(s)).filter((n): n is string => !!n && isRuntimeProvided(n));
  const existing = req.nodePath ?? [];
  const needed = [...new Set(imported)].sort().filter((name) => !packageDirFrom(req.runDir, name) && !inNodePath(existing, name));
  if (!needed.length) return done({ nodePath: [], libraries: [], missing: [] });

  const libraries: RuntimeLibrary[] = [];
  const nodePath: string[] = [];
  const addPath = (dir: string) => {
    if (!nodePath.includes(dir)) nodePath.push(dir);
  };
  const provide = (name: string, dir: string, origin: LibraryOrigin, installed?: boolean) => {
    libraries.push({ name, origin, dir, version: versionOf(dir), ...(installed ? { installed } : {}) });
    // The folder that holds the package: `<x>/node_modules` for `<x>/node_modules/@scope/name`.
    addPath(path.resolve(dir, ...name.split('/').map(() => '..')));
  };

  // 1. The project's own node_modules (devDependencies are not part of a production install).
  let rest: string[] = [];
  for (const name of needed) {
    const dir = path.resolve(req.projectDir) !== path.resolve(req.runDir) ? packageDirFrom(req.projectDir, name) : undefined;
    if (dir) provide(name, dir, 'project');
    else rest.push(name);
  }

  // 2. The per-user runtime cache, filled on first need.
  const cacheModules = path.join(runtimeCacheDir(req.env), 'node_modules');
  const failures = new Map<string, string>();
  const failureKey = (name: string) => `${cacheModules}\0${name}`;
  for (const name of rest) {
    const failed = recentFailures.get(failureKey(name));
    if (failed && Date.now() - failed.at < RETRY_AFTER_MS) failures.set(name, failed.message);
  }
  const absent = rest.filter((name) => !failures.has(name) && !fs.existsSync(path.join(cacheModules, name, 'package.json')));
  if (absent.length) {
    const t0 = performance.now();
    req.onEvent?.({ kind: 'started', message: `Fetching ${absent.join(', ')} (provided by the Lambda runtime) into ${runtimeCacheDir(req.env)}` });
    const failed = await serialized(() => {
      // Another function may have fetched them while this one waited.
      const still = absent.filter((name) => !fs.existsSync(path.join(cacheModules, name, 'package.json')));
      return still.length ? fillRuntimeCache(still, req) : Promise.resolve(new Map<string, string>());
    });
    for (const [k, v] of failed) {
      failures.set(k, v);
      recentFailures.set(failureKey(k), { at: Date.now(), message: v });
    }
    const fetched = absent.filter((n) => !failed.has(n));
    const durationMs = performance.now() - t0;
    if (failed.size) {
      req.onEvent?.({ kind: 'failed', message: `Could not fetch ${[...failed.keys()].join(', ')}: ${[...failed.values()][0]}`, durationMs, packages: fetched.length });
    } else {
      req.onEvent?.({ kind: 'finished', message: `Fetched ${fetched.join(', ')} into the runtime cache`, durationMs, packages: fetched.length });
    }
  }
  const fromCache: string[] = [];
  for (const name of rest) {
    const dir = path.join(cacheModules, name);
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      provide(name, dir, 'runtime-cache', absent.includes(name));
      fromCache.push(name);
    }
  }
  rest = rest.filter((n) => !fromCache.includes(n));

  // 3. What the Local Lambda itself has installed.
  const own = req.ownModules ?? defaultOwnModules();
  const missing: MissingLibrary[] = [];
  for (const name of rest) {
    const folder = own.find((nm) => fs.existsSync(path.join(nm, name, 'package.json')));
    if (folder) {
      provide(name, path.join(folder, name), 'local-lambda');
    } else {
      missing.push({
        name,
        message: failures.get(name)
          ?? `${name} is provided by the Lambda runtime but could not be found locally; add it to the function's devDependencies and run npm install in ${req.projectDir}.`,
      });
    }
  }
  return done({ nodePath, libraries, missing });
}

/** One line per library for the log: where each came from. */
export function describeLibraries(result: RuntimeLibrariesResult): string[] {
  const origin: Record<LibraryOrigin, string> = {
    'project': 'the project\'s node_modules',
    'runtime-cache': 'the runtime cache',
    'local-lambda': 'the Local Lambda\'s own install',
  };
  return [
    ...result.libraries.map((l) => `${l.name}${l.version ? `@${l.version}` : ''} from ${origin[l.origin]}${l.installed ? ' (fetched now)' : ''}: ${l.dir}`),
    ...result.missing.map((m) => `${m.name} is missing: ${m.message}`),
  ];
}
