import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BuildContext, BuildOptions, BuildResult, Message, Metafile, Plugin } from 'esbuild';
import { EsbuildMissingError, findEsbuild, type EsbuildTool } from './esbuildTool';
import { canRegisterHooks, esmNodePathOption } from './esmNodePath';
import { newestMtime, packageDirFrom, packageNameOf, readJsonFile, toPosix } from './files';
import { NpmError, npmCommandLine, runNpm } from './npm';
import { describeLibraries, isRuntimeProvided, provideRuntimeLibraries, providesAwsSdk, type RuntimeLibrary, type ScanCache } from './nodeRuntimeLibraries';

/**
 * The local build step for Node.js functions, like `sam build` but incremental and without
 * Docker: installs the production dependencies a package.json declares when they are absent,
 * bundles TypeScript / ESM with esbuild as `Metadata: BuildMethod: esbuild` asks (or when the
 * handler exists only as .ts/.mts/.cts), keeps source maps so stack traces name .ts lines, and
 * makes the libraries Lambda's runtime provides resolvable. Everything it writes goes under the
 * data folder; the user's folder is only read.
 *
 * Use one NodeBuilder per Local Lambda run and call prepare() before starting an environment:
 * when nothing changed it costs a few stat calls; after an edit it rebuilds incrementally.
 */

export interface NodeFunctionSource {
  /** Unique per function (the function name); names the build folder. */
  id: string;
  /** The code folder (CodeUri). */
  codeDir: string;
  handler: string;
  runtime: string;
  /** The resource's `Metadata` (BuildMethod, BuildProperties). */
  metadata?: unknown;
  /** The function's environment variables (NODE_OPTIONS with --enable-source-maps counts as Sourcemap). */
  environment?: Record<string, string>;
  /**
   * Folders that hold packages like `/opt/nodejs/node_modules` does on Lambda (the function's
   * layers, in order). They go on NODE_PATH after the installed dependencies, esbuild resolves
   * from them, and a runtime library they hold is not fetched.
   */
  layerNodePath?: string[];
  /** The template's folder and the resource's logical id: `.aws-sam/build/<LogicalId>` is used when newer. */
  templateDir?: string;
  logicalId?: string;
}

export type BuildStep = 'prepare' | 'sam-build' | 'dependencies' | 'esbuild' | 'bundle' | 'runtime-libraries';

export interface NodeBuildEvent {
  kind: 'started' | 'finished' | 'failed' | 'output';
  functionId: string;
  step: BuildStep;
  /** A line for the log: what was done, or the error. */
  message: string;
  durationMs?: number;
  /** Nothing had to be done. */
  cacheHit?: boolean;
  /** Packages installed by this step. */
  packages?: number;
}

export interface PreparedNodeFunction {
  /** Folder to run from (LAMBDA_TASK_ROOT, the process's cwd). */
  codeDir: string;
  /** The handler as it applies in codeDir. */
  handler: string;
  /** NODE_PATH entries, in order: installed dependencies, layers, then runtime-provided libraries. */
  nodePath: string[];
  dependencyPaths: string[];
  layerPaths: string[];
  runtimeLibraryPaths: string[];
  /** Run node with --enable-source-maps. */
  enableSourceMaps: boolean;
  /** Node options to pass (--enable-source-maps, the ESM NODE_PATH hook). */
  execArgv: string[];
  /**
   * Variables to merge over the function's environment: NODE_PATH, and NODE_OPTIONS holding the
   * function's own NODE_OPTIONS followed by execArgv. Either pass these, or execArgv + NODE_PATH.
   */
  environment: Record<string, string>;
  /** Where the build came from. */
  kind: 'folder' | 'bundle' | 'sam-build';
  libraries: RuntimeLibrary[];
  /** Problems that do not stop the function (a runtime library that could not be provided). */
  warnings: string[];
  /** Changes whenever what runs changes; add it to the revision key of warm environments. */
  revision: string;
  /** What was done, for the log ("installed 3 packages", "bundled app.ts", "cache hit"). */
  actions: string[];
  durationMs: number;
}

export class NodeBuildError extends Error {
  constructor(
    message: string,
    readonly functionId: string,
    readonly step: BuildStep,
    /** The command to run by hand. */
    readonly command?: string,
    /** The tool's own output. */
    readonly output?: string,
  ) {
    super(message);
    this.name = 'NodeBuildError';
  }
}

export interface NodeBuilderOptions {
  /** The Local Lambda's data folder; builds go to `<dataDir>/build/`. */
  dataDir: string;
  /** Environment for npm, the caches (LAMBDA_WORKBENCH_CACHE) and the registry (default: this process's). */
  env?: NodeJS.ProcessEnv;
  onEvent?: (event: NodeBuildEvent) => void;
  /** npm's time limit per run (default 5 minutes). */
  npmTimeoutMs?: number;
  /** Use the Local Lambda's own esbuild and node_modules as fallbacks (default true). */
  useOwnInstall?: boolean;
  /** The Local Lambda's own node_modules folders (default: found from this file). */
  ownModules?: string[];
}

export interface Watcher {
  close(): void;
}

export type WatchListener = (outcome: { prepared?: PreparedNodeFunction; error?: Error }) => void;

interface BuildProperties {
  entryPoints?: string[];
  format?: 'cjs' | 'esm';
  target?: string[];
  sourcemap?: boolean;
  sourcesContent?: boolean;
  external?: string[];
  minify?: boolean;
  mainFields?: string[];
  loader?: Record<string, string>;
  outExtension?: Record<string, string>;
  define?: Record<string, string>;
  banner?: Record<string, string>;
  footer?: Record<string, string>;
  keepNames?: boolean;
}

const JS_EXTENSIONS = ['.js', '.mjs', '.cjs'];
const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];
const ENTRY_EXTENSIONS = [...TS_EXTENSIONS, ...JS_EXTENSIONS, '.jsx'];

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter(Boolean);
  return String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

function bool(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  return /^(true|1|yes)$/i.test(String(value));
}

/** `['.png=file', '.txt=text']` → `{'.png': 'file', '.txt': 'text'}`. */
function pairs(value: unknown): Record<string, string> | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  }
  const items = list(value);
  if (!items) return undefined;
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** SAM's `Metadata.BuildProperties` for esbuild, read leniently. */
export function readBuildProperties(metadata: unknown): { esbuild: boolean; props: BuildProperties } {
  const m = (metadata && typeof metadata === 'object' ? metadata : {}) as Record<string, unknown>;
  const esbuild = String(m.BuildMethod ?? '').toLowerCase() === 'esbuild';
  const raw = (m.BuildProperties && typeof m.BuildProperties === 'object' ? m.BuildProperties : {}) as Record<string, unknown>;
  const format = raw.Format === undefined ? undefined : String(raw.Format).toLowerCase();
  const props: BuildProperties = {
    entryPoints: list(raw.EntryPoints),
    format: format === 'esm' || format === 'cjs' ? format : undefined,
    target: list(raw.Target),
    sourcemap: bool(raw.Sourcemap),
    sourcesContent: bool(raw.SourcesContent),
    external: list(raw.External),
    minify: bool(raw.Minify),
    mainFields: list(raw.MainFields),
    loader: pairs(raw.Loader),
    outExtension: pairs(raw.OutExtension),
    define: pairs(raw.Define),
    banner: pairs(raw.Banner),
    footer: pairs(raw.Footer),
    keepNames: bool(raw.KeepNames),
  };
  return { esbuild, props };
}

/** `lib/app.handler` → module `lib/app`, export path `.handler` (as the Node runtime splits it). */
function splitHandler(handler: string): { module: string; rest: string } | undefined {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= slash + 1) return undefined;
  return { module: handler.slice(0, dot), rest: handler.slice(dot) };
}

function existing(base: string, extensions: string[]): string | undefined {
  return extensions.map((e) => base + e).find((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

/** Whether the handler's module exists only as TypeScript (.ts/.mts/.cts). */
export function handlerNeedsBundle(codeDir: string, handler: string): boolean {
  const parts = splitHandler(handler);
  if (!parts) return false;
  const base = path.resolve(codeDir, parts.module);
  return !existing(base, JS_EXTENSIONS) && !!existing(base, TS_EXTENSIONS);
}

function hashOf(...parts: (string | Buffer | undefined)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p ?? '\0').update('\0');
  return h.digest('hex');
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60) || 'function';
}

type Stamp = string;

function stampOf(file: string): Stamp {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${s.mtimeNs}:${s.size}:${s.ino}`;
  } catch {
    return 'absent';
  }
}

function stampsOf(files: string[]): Record<string, Stamp> {
  return Object.fromEntries(files.map((f) => [f, stampOf(f)]));
}

function unchanged(stamps: Record<string, Stamp>): boolean {
  for (const [file, stamp] of Object.entries(stamps)) if (stampOf(file) !== stamp) return false;
  return true;
}

/** The nearest tsconfig.json / jsconfig.json at or above dir (esbuild reads it). */
function configFilesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    for (const name of ['tsconfig.json', 'jsconfig.json', 'package.json']) {
      const f = path.join(d, name);
      if (fs.existsSync(f)) found.push(f);
    }
    if (found.some((f) => !f.endsWith('package.json')) || path.dirname(d) === d) return found;
    if (fs.existsSync(path.join(d, '.git'))) return found;
  }
}

interface BundleRecord {
  optionsKey: string;
  /** Inputs outside node_modules (and config files) with their stamps when built. */
  stamps: Record<Stamp, Stamp>;
  handler: string;
  outDir: string;
  /** Output files with their stamps. */
  outputs: Record<string, Stamp>;
  /** Bare imports left to run time (externals). */
  externals: string[];
  /** Input folders outside the code folder, for the watcher. */
  outsideDirs: string[];
}

interface BundleState {
  record?: BundleRecord;
  context?: BuildContext;
  contextKey?: string;
  tool?: EsbuildTool;
}

interface DependencyOutcome {
  nodeModules?: string;
  action?: string;
  cacheHit?: boolean;
}

const BUILD_RECORD = '.lambda-workbench-build.json';
const DEPS_COMPLETE = '.lambda-workbench-complete.json';
/** A failed install is tried again after this long (or at once when package.json changes). */
const INSTALL_RETRY_MS = 30_000;

export class NodeBuilder {
  private readonly bundles = new Map<string, BundleState>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly installs = new Map<string, Promise<DependencyOutcome>>();
  private readonly watchers = new Set<Watcher>();
  private readonly scanCache: ScanCache = new Map();
  private readonly librarySummaries = new Map<string, string>();
  /** Installs that failed lately, by folder: the next invokes get the same error without running npm again. */
  private readonly failedInstalls = new Map<string, { at: number; error: NodeBuildError }>();
  private disposed = false;

  constructor(private readonly opts: NodeBuilderOptions) {}

  private get env(): NodeJS.ProcessEnv {
    return this.opts.env ?? process.env;
  }

  private emit(e: NodeBuildEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch { /* a listener's error is not the build's */ }
  }

  /** Prepares one function to run; calls for the same function run one after the other. */
  prepare(source: NodeFunctionSource, signal?: AbortSignal): Promise<PreparedNodeFunction> {
    const previous = this.queues.get(source.id) ?? Promise.resolve();
    const run = previous.then(() => this.prepareNow(source, signal), () => this.prepareNow(source, signal));
    const settled = run.catch(() => undefined);
    this.queues.set(source.id, settled);
    void settled.then(() => {
      if (this.queues.get(source.id) === settled) this.queues.delete(source.id);
    });
    return run;
  }

  private async prepareNow(source: NodeFunctionSource, signal?: AbortSignal): Promise<PreparedNodeFunction> {
    if (this.disposed) throw new NodeBuildError('The build step has been stopped', source.id, 'prepare');
    const started = performance.now();
    const actions: string[] = [];
    const warnings: string[] = [];
    const codeDir = path.resolve(source.codeDir);

    const sam = this.samBuildDir(source);
    let runDir = codeDir;
    let handler = source.handler;
    let kind: PreparedNodeFunction['kind'] = 'folder';
    let dependencyPaths: string[] = [];
    let externals: string[] | undefined;
    let outputs: Record<string, Stamp> = {};
    const { esbuild, props } = readBuildProperties(source.metadata);
    let enableSourceMaps = /--enable-source-maps/.test(source.environment?.NODE_OPTIONS ?? '');

    if (sam) {
      runDir = sam;
      kind = 'sam-build';
      actions.push(`uses ${sam} (newer than the sources)`);
      this.emit({ kind: 'finished', functionId: source.id, step: 'sam-build', message: `Using the sam build output ${sam}`, durationMs: 0, cacheHit: true });
      if (fs.readdirSync(sam).some((f) => f.endsWith('.map'))) enableSourceMaps = true;
    } else {
      const deps = await this.ensureDependencies(source, codeDir, signal);
      if (deps.nodeModules) dependencyPaths = [deps.nodeModules];
      if (deps.action) actions.push(deps.action);
      if (esbuild || handlerNeedsBundle(codeDir, source.handler)) {
        const bundled = await this.bundle(source, codeDir, esbuild, props, [...dependencyPaths, ...(source.layerNodePath ?? []).map((p) => path.resolve(p))], signal);
        runDir = bundled.record.outDir;
        handler = bundled.record.handler;
        externals = bundled.record.externals;
        outputs = bundled.record.outputs;
        kind = 'bundle';
        actions.push(bundled.action);
        // Local runs always keep the maps: stack traces then name the .ts lines.
        enableSourceMaps = true;
      } else {
        // Code compiled ahead (tsc with sourceMap) carries its maps beside the handler's module.
        const parts = splitHandler(source.handler);
        const file = parts && existing(path.resolve(codeDir, parts.module), JS_EXTENSIONS);
        if (file && fs.existsSync(`${file}.map`)) enableSourceMaps = true;
      }
    }

    const layerPaths = (source.layerNodePath ?? []).map((p) => path.resolve(p));
    let libraries: RuntimeLibrary[] = [];
    let runtimeLibraryPaths: string[] = [];
    if (providesAwsSdk(source.runtime)) {
      const t0 = performance.now();
      const libs = await provideRuntimeLibraries({
        runtime: source.runtime,
        runDir,
        projectDir: codeDir,
        nodePath: [...dependencyPaths, ...layerPaths],
        imports: externals,
        env: this.env,
        signal,
        timeoutMs: this.opts.npmTimeoutMs,
        ownModules: this.opts.ownModules ?? (this.opts.useOwnInstall === false ? [] : undefined),
        scanCache: this.scanCache,
        // The fetch's own outcome goes to the log; the step's outcome is the summary below.
        onEvent: (e) => this.emit({ ...e, kind: e.kind === 'started' ? 'started' : 'output', functionId: source.id, step: 'runtime-libraries' }),
      });
      libraries = libs.libraries;
      if (libs.libraries.length) actions.push(`runtime libraries: ${libs.libraries.map((l) => `${l.name} (${l.origin})`).join(', ')}`);
      runtimeLibraryPaths = libs.nodePath;
      for (const m of libs.missing) warnings.push(m.message);
      const lines = describeLibraries(libs);
      const summary = lines.join('\n');
      // Said once, and again when it changes, not at every preparation.
      if ((libs.libraries.length || libs.missing.length) && this.librarySummaries.get(source.id) !== summary) {
        this.librarySummaries.set(source.id, summary);
        this.emit({
          kind: libs.missing.length ? 'failed' : 'finished', functionId: source.id, step: 'runtime-libraries',
          message: summary, durationMs: performance.now() - t0, packages: libs.libraries.filter((l) => l.installed).length,
        });
      }
    }

    const nodePath = [...dependencyPaths, ...layerPaths, ...runtimeLibraryPaths];
    const execArgv: string[] = [];
    if (enableSourceMaps) execArgv.push('--enable-source-maps');
    if (nodePath.length && canRegisterHooks()) execArgv.push(await esmNodePathOption(this.opts.dataDir));
    const ownOptions = (source.environment?.NODE_OPTIONS ?? '').trim();
    const extraOptions = execArgv.filter((a) => !ownOptions.split(/\s+/).includes(a));
    const environment: Record<string, string> = {};
    // The function's own NODE_PATH entries (relative ones are taken from its folder) come first.
    const ownPath = (source.environment?.NODE_PATH ?? '').split(path.delimiter).filter(Boolean).map((p) => path.resolve(runDir, p));
    if (nodePath.length) environment.NODE_PATH = [...ownPath, ...nodePath].join(path.delimiter);
    if (extraOptions.length) environment.NODE_OPTIONS = [ownOptions, ...extraOptions].filter(Boolean).join(' ');
    if (!actions.length) actions.push('runs from its folder as is');
    const durationMs = performance.now() - started;
    const revision = hashOf(runDir, handler, nodePath.join(path.delimiter), JSON.stringify(outputs), sam ? stampOf(sam) : '').slice(0, 16);
    const didWork = actions.some((a) => /^(installed|bundled|rebuilt)/.test(a)) || libraries.some((l) => l.installed);
    this.emit({ kind: 'finished', functionId: source.id, step: 'prepare', message: `${source.id}: ${actions.join('; ')}`, durationMs, cacheHit: !didWork });
    return {
      codeDir: runDir, handler, nodePath, dependencyPaths, layerPaths, runtimeLibraryPaths, enableSourceMaps, execArgv, environment,
      kind, libraries, warnings, revision, actions, durationMs,
    };
  }

  /** `.aws-sam/build/<LogicalId>` when it holds the handler and is newer than the sources. */
  private samBuildDir(source: NodeFunctionSource): string | undefined {
    if (!source.templateDir || !source.logicalId) return undefined;
    const dir = path.join(source.templateDir, '.aws-sam', 'build', source.logicalId);
    let builtAt: number;
    try {
      builtAt = fs.statSync(dir).mtimeMs;
    } catch {
      return undefined;
    }
    const parts = splitHandler(source.handler);
    if (!parts || !existing(path.join(dir, parts.module), JS_EXTENSIONS)) return undefined;
    const template = ['template.yaml', 'template.yml', 'template.json'].map((n) => path.join(source.templateDir!, n)).find((f) => fs.existsSync(f));
    const newest = Math.max(newestMtime(source.codeDir), template ? fs.statSync(template).mtimeMs : 0);
    return builtAt >= newest ? dir : undefined;
  }

  // ---- dependencies -------------------------------------------------------------------------

  private async ensureDependencies(source: NodeFunctionSource, codeDir: string, signal?: AbortSignal): Promise<DependencyOutcome> {
    const manifestFile = path.join(codeDir, 'package.json');
    let manifestText: string;
    try {
      manifestText = fs.readFileSync(manifestFile, 'utf8');
    } catch {
      return {};
    }
    let manifest: Record<string, unknown>;
    try {
      manifest = JSON.parse(manifestText) as Record<string, unknown>;
    } catch (err) {
      throw new NodeBuildError(`${manifestFile} is not valid JSON: ${(err as Error).message}`, source.id, 'dependencies');
    }
    const declared = Object.keys((manifest.dependencies ?? {}) as Record<string, string>);
    if (!declared.length) return {};
    const absent = declared.filter((name) => !packageDirFrom(codeDir, name));
    if (!absent.length) return { action: 'uses its node_modules', cacheHit: true };

    const lockName = ['npm-shrinkwrap.json', 'package-lock.json'].find((n) => fs.existsSync(path.join(codeDir, n)));
    const lockText = lockName ? fs.readFileSync(path.join(codeDir, lockName), 'utf8') : undefined;
    const key = hashOf(manifestText, lockName, lockText, process.platform, process.arch, process.versions.node.split('.')[0]).slice(0, 20);
    const dir = path.join(this.opts.dataDir, 'build', 'node-deps', key);
    const nodeModules = path.join(dir, 'node_modules');
    if (fs.existsSync(path.join(dir, DEPS_COMPLETE))) {
      this.emit({ kind: 'finished', functionId: source.id, step: 'dependencies', message: `Dependencies already installed in ${dir}`, durationMs: 0, cacheHit: true, packages: 0 });
      return { nodeModules, action: 'dependencies: cache hit', cacheHit: true };
    }
    const failed = this.failedInstalls.get(dir);
    if (failed && performance.now() - failed.at < INSTALL_RETRY_MS) throw failed.error;
    let install = this.installs.get(dir);
    if (!install) {
      install = this.install(source, codeDir, manifest, lockName, lockText, dir, absent, signal);
      this.installs.set(dir, install);
      void install.finally(() => this.installs.delete(dir)).catch(() => undefined);
    }
    return install;
  }

  private async install(source: NodeFunctionSource, codeDir: string, manifest: Record<string, unknown>, lockName: string | undefined,
    lockText: string | undefined, dir: string, absent: string[], signal?: AbortSignal): Promise<DependencyOutcome> {
    const started = performance.now();
    const args = lockName ? ['ci', '--omit=dev', '--no-audit', '--no-fund'] : ['install', '--omit=dev', '--no-audit', '--no-fund'];
    const staging = `${dir}.partial-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const byHand = npmCommandLine(codeDir, lockName ? ['ci', '--omit=dev'] : ['install', '--omit=dev']);
    this.emit({
      kind: 'started', functionId: source.id, step: 'dependencies',
      message: `Installing the dependencies of ${source.id} (${absent.join(', ')} missing): npm ${args.join(' ')} in ${dir}`,
    });
    try {
      await fs.promises.mkdir(staging, { recursive: true });
      // The project's scripts are not run: they expect its sources, which stay where they are.
      const { scripts: _scripts, ...rest } = manifest;
      await fs.promises.writeFile(path.join(staging, 'package.json'), JSON.stringify(rest, null, 2));
      if (lockName && lockText !== undefined) await fs.promises.writeFile(path.join(staging, lockName), lockText);
      const npmrc = path.join(codeDir, '.npmrc');
      if (fs.existsSync(npmrc)) await fs.promises.copyFile(npmrc, path.join(staging, '.npmrc'));
      const result = await runNpm({
        cwd: staging, args, env: this.env, signal, timeoutMs: this.opts.npmTimeoutMs,
        onOutput: (text) => this.emit({ kind: 'output', functionId: source.id, step: 'dependencies', message: text }),
      });
      const added = Number(/added (\d+) packages?/.exec(result.stdout)?.[1] ?? countPackages(path.join(staging, 'node_modules')));
      await fs.promises.writeFile(path.join(staging, DEPS_COMPLETE), JSON.stringify({ installedAt: new Date().toISOString(), packages: added, command: `npm ${args.join(' ')}` }));
      try {
        await fs.promises.rename(staging, dir);
      } catch {
        // Another Local Lambda finished the same install first: use its folder.
        await fs.promises.rm(staging, { recursive: true, force: true });
        if (!fs.existsSync(path.join(dir, DEPS_COMPLETE))) throw new Error(`could not move the installed dependencies to ${dir}`);
      }
      const durationMs = performance.now() - started;
      this.emit({ kind: 'finished', functionId: source.id, step: 'dependencies', message: `Installed ${added} packages for ${source.id} in ${Math.round(durationMs)} ms`, durationMs, packages: added, cacheHit: false });
      return { nodeModules: path.join(dir, 'node_modules'), action: `installed ${added} packages`, cacheHit: false };
    } catch (err) {
      await fs.promises.rm(staging, { recursive: true, force: true }).catch(() => undefined);
      const durationMs = performance.now() - started;
      const npmErr = err instanceof NpmError ? err : undefined;
      const message = `Could not install the dependencies of ${source.id} declared in ${path.join(codeDir, 'package.json')}. ${npmErr ? npmErr.message : (err as Error).message}\nTo install them in the function's folder instead: ${byHand}`;
      this.emit({ kind: 'failed', functionId: source.id, step: 'dependencies', message, durationMs });
      const error = new NodeBuildError(message, source.id, 'dependencies', npmErr?.command ?? byHand, npmErr?.output);
      if (npmErr?.kind !== 'cancelled') this.failedInstalls.set(dir, { at: performance.now(), error });
      throw error;
    }
  }

  // ---- bundling -----------------------------------------------------------------------------

  private bundleDir(source: NodeFunctionSource, codeDir: string): string {
    return path.join(this.opts.dataDir, 'build', 'node', `${safeName(source.id)}-${hashOf(codeDir, source.id).slice(0, 8)}`);
  }

  /** esbuild options as SAM's esbuild builder would use them, with maps kept for local runs. */
  private bundleOptions(source: NodeFunctionSource, codeDir: string, esbuildMethod: boolean, props: BuildProperties,
    nodePaths: string[], outDir: string): BuildOptions {
    const parts = splitHandler(source.handler);
    const handlerEntry = parts ? existing(path.resolve(codeDir, parts.module), ENTRY_EXTENSIONS) : undefined;
    const entries = props.entryPoints?.length ? props.entryPoints : handlerEntry ? [path.relative(codeDir, handlerEntry)] : [];
    if (!entries.length) {
      throw new NodeBuildError(`Cannot find the handler's module ${parts?.module ?? source.handler} (.ts, .mts, .cts or .js) in ${codeDir}`, source.id, 'bundle');
    }
    const major = /^nodejs(\d+)\.x$/.exec(source.runtime)?.[1] ?? '20';
    let format = props.format;
    if (!format) {
      const entry = entries.find((e) => handlerEntry && path.resolve(codeDir, e) === handlerEntry) ?? entries[0];
      const type = readJsonFile<{ type?: string }>(path.join(codeDir, 'package.json'))?.type;
      format = /\.m[jt]s$/.test(entry) || (!esbuildMethod && !/\.c[jt]s$/.test(entry) && type === 'module') ? 'esm' : 'cjs';
    }
    return {
      absWorkingDir: codeDir,
      entryPoints: entries,
      bundle: true,
      platform: 'node',
      format,
      target: props.target?.length ? props.target : [`node${major}`],
      // SAM minifies unless told not to; a handler bundled only because it is TypeScript is not.
      minify: props.minify ?? esbuildMethod,
      keepNames: props.keepNames,
      sourcemap: true,
      sourcesContent: props.sourcesContent ?? false,
      external: props.external,
      mainFields: props.mainFields ?? ['main', 'module'],
      loader: props.loader as BuildOptions['loader'],
      outExtension: props.outExtension,
      define: props.define,
      banner: props.banner,
      footer: props.footer,
      outdir: outDir,
      outbase: codeDir,
      nodePaths,
      metafile: true,
      logLevel: 'silent',
      write: true,
    };
  }

  /** The command that bundles the same way, to run by hand. */
  private bundleCommand(codeDir: string, options: BuildOptions): string {
    const flags = [
      ...(options.entryPoints as string[]),
      '--bundle', '--platform=node', `--format=${options.format}`, `--target=${(options.target as string[]).join(',')}`,
      '--sourcemap', `--outdir=${JSON.stringify(options.outdir)}`,
      ...(options.minify ? ['--minify'] : []),
      ...(options.external ?? []).map((e) => `--external:${e}`),
    ];
    return `cd ${JSON.stringify(codeDir)} && npx esbuild ${flags.join(' ')}`;
  }

  private async bundle(source: NodeFunctionSource, codeDir: string, esbuildMethod: boolean, props: BuildProperties,
    nodePaths: string[], signal?: AbortSignal): Promise<{ record: BundleRecord; action: string }> {
    const started = performance.now();
    const base = this.bundleDir(source, codeDir);
    const outDir = path.join(base, 'out');
    const options = this.bundleOptions(source, codeDir, esbuildMethod, props, nodePaths, outDir);
    const sdkExternal = providesAwsSdk(source.runtime);
    const optionsKey = hashOf(JSON.stringify(options), source.handler, String(sdkExternal)).slice(0, 16);
    let state = this.bundles.get(source.id);
    if (!state) {
      state = {};
      this.bundles.set(source.id, state);
      // A build from an earlier run of the Local Lambda counts while its inputs are unchanged.
      const saved = readJsonFile<BundleRecord>(path.join(base, BUILD_RECORD));
      if (saved && saved.optionsKey === optionsKey) state.record = saved;
    }
    const record = state.record;
    if (record && record.optionsKey === optionsKey && unchanged(record.stamps) && unchanged(record.outputs)) {
      const durationMs = performance.now() - started;
      this.emit({ kind: 'finished', functionId: source.id, step: 'bundle', message: `Bundle of ${source.id} is up to date`, durationMs, cacheHit: true });
      return { record, action: 'bundle: cache hit' };
    }

    if (!state.tool) {
      try {
        state.tool = await findEsbuild({
          projectDir: codeDir, env: this.env, signal, useOwnInstall: this.opts.useOwnInstall,
          onEvent: (e) => this.emit({ ...e, kind: e.kind === 'failed' ? 'output' : e.kind, functionId: source.id, step: 'esbuild' }),
        });
      } catch (err) {
        const message = `${source.id}: ${(err as Error).message}`;
        this.emit({ kind: 'failed', functionId: source.id, step: 'esbuild', message, durationMs: performance.now() - started });
        throw new NodeBuildError(message, source.id, 'esbuild', err instanceof EsbuildMissingError ? err.command : undefined);
      }
    }
    const tool = state.tool;
    const incremental = !!state.context && state.contextKey === optionsKey;
    this.emit({ kind: 'started', functionId: source.id, step: 'bundle', message: `${incremental ? 'Rebuilding' : 'Bundling'} ${source.id} with esbuild ${tool.version} (${tool.origin})` });
    let result: BuildResult;
    try {
      if (!incremental) {
        await state.context?.dispose().catch(() => undefined);
        state.context = undefined;
        await fs.promises.rm(outDir, { recursive: true, force: true });
        const full: BuildOptions = { ...options, plugins: sdkExternal ? [runtimeSdkPlugin()] : [] };
        if (typeof tool.api.context === 'function') {
          state.context = await tool.api.context(full);
          state.contextKey = optionsKey;
          result = await state.context.rebuild();
        } else {
          result = await tool.api.build(full);
        }
      } else {
        result = await state.context!.rebuild();
      }
    } catch (err) {
      const durationMs = performance.now() - started;
      const errors = (err as { errors?: Message[] }).errors;
      const text = errors?.length
        ? (await tool.api.formatMessages(errors, { kind: 'error', color: false })).join('\n').trim()
        : (err as Error).message;
      const command = this.bundleCommand(codeDir, options);
      const first = errors?.[0]?.location;
      const where = first ? ` at ${path.resolve(codeDir, first.file)}:${first.line}:${first.column + 1}` : '';
      const message = `Build of ${source.id} failed${where}:\n${text}\nTo run the build by hand: ${command}`;
      state.record = undefined;
      this.emit({ kind: 'failed', functionId: source.id, step: 'bundle', message, durationMs });
      throw new NodeBuildError(message, source.id, 'bundle', command, text);
    }

    const metafile = result.metafile as Metafile;
    const fresh = this.recordOf(source, codeDir, optionsKey, outDir, metafile, options.format === 'esm');
    state.record = fresh;
    await fs.promises.writeFile(path.join(base, BUILD_RECORD), JSON.stringify(fresh));
    const durationMs = performance.now() - started;
    const entries = (options.entryPoints as string[]).join(', ');
    this.emit({
      kind: 'finished', functionId: source.id, step: 'bundle', cacheHit: false, durationMs,
      message: `${incremental ? 'Rebuilt' : 'Bundled'} ${entries} for ${source.id} in ${Math.round(durationMs)} ms (${Object.keys(metafile.inputs).length} inputs)`,
    });
    return { record: fresh, action: `${incremental ? 'rebuilt' : 'bundled'} ${entries}` };
  }

  private recordOf(source: NodeFunctionSource, codeDir: string, optionsKey: string, outDir: string, metafile: Metafile, esm: boolean): BundleRecord {
    const inputs = Object.keys(metafile.inputs)
      .filter((p) => !/(^|[\\/])node_modules[\\/]/.test(p) && !p.includes(':'))
      .map((p) => path.resolve(codeDir, p));
    const stamps = stampsOf([...inputs, ...configFilesAbove(codeDir)]);
    const outputFiles = Object.keys(metafile.outputs).map((p) => path.resolve(codeDir, p));
    // Node reads the output's format from the nearest package.json.
    const typeFile = path.join(outDir, 'package.json');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(typeFile, JSON.stringify({ type: esm ? 'module' : 'commonjs' }));
    const externals = new Set<string>();
    for (const input of Object.values(metafile.inputs)) {
      for (const imp of input.imports) {
        const name = imp.external ? packageNameOf(imp.path) : undefined;
        if (name && !imp.path.startsWith('node:')) externals.add(name);
      }
    }
    const outsideDirs = [...new Set(inputs.filter((f) => path.relative(codeDir, f).startsWith('..')).map((f) => path.dirname(f)))].slice(0, 20);
    return {
      optionsKey,
      stamps,
      handler: this.handlerIn(source, codeDir, outDir, metafile),
      outDir,
      outputs: stampsOf([...outputFiles, typeFile]),
      externals: [...externals].sort(),
      outsideDirs,
    };
  }

  /** The handler string as it applies in the output folder. */
  private handlerIn(source: NodeFunctionSource, codeDir: string, outDir: string, metafile: Metafile): string {
    const parts = splitHandler(source.handler);
    if (!parts) return source.handler;
    if (existing(path.join(outDir, parts.module), JS_EXTENSIONS)) return source.handler;
    const wanted = path.basename(parts.module);
    const outputs = Object.entries(metafile.outputs)
      .filter(([file, o]) => o.entryPoint && /\.[cm]?js$/.test(file))
      .map(([file]) => path.resolve(codeDir, file));
    const match = outputs.find((f) => path.basename(f).replace(/\.[cm]?js$/, '') === wanted) ?? (outputs.length === 1 ? outputs[0] : undefined);
    if (!match) return source.handler;
    return `${toPosix(path.relative(outDir, match)).replace(/\.[cm]?js$/, '')}${parts.rest}`;
  }

  // ---- watching -----------------------------------------------------------------------------

  /**
   * Rebuilds ahead of the next invoke when a source changes: calls prepare() shortly after an
   * edit and reports the outcome. prepare() stays correct without it (it checks its inputs).
   */
  watch(source: NodeFunctionSource, listener: WatchListener, debounceMs = 20): Watcher {
    const codeDir = path.resolve(source.codeDir);
    const handles: fs.FSWatcher[] = [];
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const ignored = (name: string | null) => !!name && /(^|[\\/])(node_modules|\.git|\.aws-sam)([\\/]|$)/.test(name);
    const trigger = (name: string | null) => {
      if (closed || ignored(name)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        this.prepare(source).then((prepared) => !closed && listener({ prepared }), (error: Error) => !closed && listener({ error }));
      }, debounceMs);
    };
    const watchDir = (dir: string, recursive: boolean) => {
      try {
        const w = fs.watch(dir, { recursive, persistent: false }, (_event, name) => trigger(name));
        w.on('error', () => undefined);
        handles.push(w);
      } catch { /* a folder that cannot be watched still gets checked by prepare() */ }
    };
    watchDir(codeDir, true);
    for (const dir of this.bundles.get(source.id)?.record?.outsideDirs ?? []) watchDir(dir, false);
    const watcher: Watcher = {
      close: () => {
        closed = true;
        if (timer) clearTimeout(timer);
        for (const h of handles) h.close();
        this.watchers.delete(watcher);
      },
    };
    this.watchers.add(watcher);
    return watcher;
  }

  /** Drops a function's incremental state (its template entry went away). */
  async forget(id: string): Promise<void> {
    const state = this.bundles.get(id);
    this.bundles.delete(id);
    await state?.context?.dispose().catch(() => undefined);
  }

  /** Stops watchers and esbuild contexts. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const w of [...this.watchers]) w.close();
    await Promise.all([...this.bundles.keys()].map((id) => this.forget(id)));
  }
}

function countPackages(nodeModules: string): number {
  let n = 0;
  try {
    for (const e of fs.readdirSync(nodeModules, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      if (e.name.startsWith('@')) n += fs.readdirSync(path.join(nodeModules, e.name)).length;
      else n++;
    }
  } catch { /* none */ }
  return n;
}

const SKIP = Symbol.for('lambda-workbench.runtime-sdk');

/**
 * `@aws-sdk/*` and `@smithy/*` imports the project cannot resolve are left to run time, where the
 * runtime provides them (as on Lambda); those it can resolve are bundled as esbuild would.
 */
function runtimeSdkPlugin(): Plugin {
  return {
    name: 'lambda-runtime-sdk',
    setup(build) {
      build.onResolve({ filter: /^@(aws-sdk|smithy)\// }, async (args) => {
        if (args.pluginData === SKIP) return undefined;
        const name = packageNameOf(args.path);
        if (!name || !isRuntimeProvided(name)) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: SKIP });
        if (!resolved.errors.length) {
          return { path: resolved.path, external: resolved.external, namespace: resolved.namespace, sideEffects: resolved.sideEffects, suffix: resolved.suffix, pluginData: resolved.pluginData };
        }
        return { path: args.path, external: true };
      });
    },
  };
}
